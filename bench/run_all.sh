#!/usr/bin/env bash
# Every benchmark of docs/PERFORMANCE.md, one after the other, outputs to bench/out/*.txt.
#   GENAPP_DATA_DIR=../shared/data bash bench/run_all.sh
# Run it on an otherwise idle machine: the figures are wall-clock times.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out
{ echo "# $(date -u +%FT%TZ)  $(uname -m), $(nproc) CPUs, $(python -c 'import torch; print("torch", torch.__version__, "cuda" if torch.cuda.is_available() else "cpu")')"; } | tee bench/out/machine.txt
python bench/train_throughput.py --family both 2>&1 | tee bench/out/train_throughput.txt                  # fp32, as the recipes
# bf16 only where this CPU computes it natively (AVX512-BF16 / AMX); elsewhere it is emulated,
# many times slower, and the Train tab's "auto" precision is fp32 anyway.
if python -c 'import sys, torch; sys.path.insert(0, "."); from genapp.trainer import native_bf16; sys.exit(not native_bf16(torch.device("cpu")))'; then
  python bench/train_throughput.py --family both --precision bf16 2>&1 | tee bench/out/train_throughput_bf16.txt
  python bench/time_to_quality.py --budget 120 --every 30 --precision fp32 2>&1 | tee bench/out/time_to_quality_fp32.txt
else
  echo "no native bf16 on this CPU: bf16 runs skipped, the Train tab trains in fp32" | tee bench/out/train_throughput_bf16.txt
fi
python bench/time_to_quality.py --budget 120 --every 30 2>&1 | tee bench/out/time_to_quality.txt          # the Train tab: batch 32, auto precision
python bench/time_to_quality.py --budget 120 --every 30 --batch-size 64 --precision fp32 2>&1 | tee bench/out/time_to_quality_b64.txt
python bench/latency.py --n 30 --count 64 2>&1 | grep -v "^Closing" | tee bench/out/latency.txt
python bench/load.py --users 16 --calls 10 --count 64 2>&1 | tee bench/out/load.txt
python bench/cli_threads.py --steps 400 --rounds 2 --twins 2>&1 | tee bench/out/cli_threads.txt              # python -m train beside a busy process
python bench/judge_sensitivity.py 2>&1 | tee bench/out/judge_sensitivity.txt                              # what the 3x-floor target asks
python bench/sketch_inputs.py 2>&1 | tee bench/out/sketch_inputs.txt                                      # does the shoe follow a drawing?
if [ -x /usr/bin/chromium ]; then
  python bench/live_view_cost.py --steps 400 --rounds 2 --threads 2,auto --busy 1,auto 2>&1 | tee bench/out/live_view_cost.txt          # the same run, watched in a browser or not
fi
