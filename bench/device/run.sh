#!/usr/bin/env bash
# One call on a GPU machine (see bench/device/README.md): throughput against the reference on the
# same GPU, then pix2pix (edges2shoes) and CycleGAN (horse2zebra) at 128 px, trained side by side
# for BUDGET_S seconds each, packed into $OUT as fp16 run folders (tar, split under 16 MB).
#   DEVICE=cuda BUDGET_S=240 bash bench/device/run.sh        # on the device, data in .device/data
#   DEVICE=cpu BUDGET_S=60 TP_STEPS=4 SIZE=32 bash bench/device/run.sh   # a dry run here
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-/tmp/device-out}
DEVICE=${DEVICE:-cuda}
BUDGET_S=${BUDGET_S:-240}      # wall seconds per model, probe and compile included
PROBE_S=${PROBE_S:-60}         # the first part, which measures the step rate
SIZE=${SIZE:-128}
PY=${PY:-python3}
export GENAPP_DATA_DIR=${GENAPP_DATA_DIR:-.device/data} PYTHONPATH=. PYTHONUNBUFFERED=1
RUNS=${RUNS:-/tmp/genapp-device-runs}
mkdir -p "$OUT" "$RUNS"
LOG="$OUT/log.txt"
say() { echo "[$(date -u +%T)] $*" | tee -a "$LOG"; }

say "start: DEVICE=$DEVICE BUDGET_S=$BUDGET_S SIZE=$SIZE"
{ nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv 2>&1 || true
  $PY -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())"
} >>"$LOG" 2>&1

# 1. Throughput: ours (GPU-resident data, bf16, compiled) and plain fp32 ours, each against the
#    seed-style reference on the same device.
timeout 240 $PY bench/train_throughput.py --device "$DEVICE" --steps "${TP_STEPS:-200}" --rounds 3 >>"$LOG" 2>&1
timeout 150 $PY bench/train_throughput.py --device "$DEVICE" --steps "${TP_STEPS:-200}" --rounds 3 \
    --precision fp32 --no-compile >>"$LOG" 2>&1
say "throughput done"

# 2. Training with a wall budget and the pix2pix/CycleGAN schedule (lr_decay=0.5): a probe run
#    measures the step rate, then the same run is resumed with the total that fits the budget.
train_model() {  # name family dataset batch
  local name=$1 fam=$2 ds=$3 bs=$4 dir="$RUNS/$1" flags=(--precision bf16 --compile)
  local common=(--device "$DEVICE" --sample-every 500 --checkpoint-every 500)
  local t0=$SECONDS
  timeout -s TERM "$PROBE_S" $PY -m train "$fam" --dataset "$ds" --set image_size="$SIZE" --set lr_decay=0.5 \
      --steps 100000000 --batch-size "$bs" --seed 0 --out "$dir" "${flags[@]}" "${common[@]}" >"$RUNS/$name.log" 2>&1
  if ! grep -q '"step"' "$dir/training_state.json" 2>/dev/null; then  # compile failed? once more without it
    say "$name: probe left no checkpoint; again without --compile"; rm -rf "$dir"; flags=(--precision bf16)
    timeout -s TERM "$PROBE_S" $PY -m train "$fam" --dataset "$ds" --set image_size="$SIZE" --set lr_decay=0.5 \
        --steps 100000000 --batch-size "$bs" --seed 0 --out "$dir" "${flags[@]}" "${common[@]}" >>"$RUNS/$name.log" 2>&1
  fi
  local left=$(( BUDGET_S - (SECONDS - t0) ))
  local total
  total=$($PY - "$dir" "$left" <<'PY'
import json, sys
from pathlib import Path
d, left = Path(sys.argv[1]), float(sys.argv[2])
step = json.loads((d / "training_state.json").read_text())["step"]
rates = [r["images_per_s"] for r in map(json.loads, (d / "metrics.jsonl").read_text().splitlines()) if r.get("images_per_s")]
cfg = json.loads((d / "config.json").read_text())
ips = sorted(rates[-20:])[len(rates[-20:]) // 2] if rates else 0.0
steps_per_s = ips / cfg["train"]["batch_size"]
print(max(step + 1, int(step + steps_per_s * max(0.0, left - 30) * 0.9)))  # 30 s: start + compile again
PY
)
  say "$name: probe reached $(grep -o '"step": [0-9]*' "$dir/training_state.json" | head -1); resuming to $total steps with ${left}s left"
  timeout -s TERM "$(( left > 10 ? left : 10 ))" $PY -m train "$fam" --resume "$dir" --steps "$total" "${flags[@]}" \
      --device "$DEVICE" >>"$RUNS/$name.log" 2>&1
  tail -c 400 "$RUNS/$name.log" | tr '\r' '\n' | tail -3 >>"$LOG"
  # fp16 weights, no optimizer state, the last two sample grids: then tar + split under 16 MB
  $PY - "$dir" <<'PY'
import sys
from pathlib import Path
from safetensors.torch import load_file, save_file
d = Path(sys.argv[1])
w = load_file(str(d / "model.safetensors"))
save_file({k: v.half() if v.is_floating_point() else v for k, v in w.items()}, str(d / "model.safetensors"))
for f in d.glob("training_state.*"):
    f.unlink()
for f in sorted((d / "samples").glob("step_*.png"))[:-2]:
    f.unlink()
PY
  tar czf - -C "$RUNS" "$name" | split -b 15000000 -d - "$OUT/$name.tgz."
  say "$name: packed $(ls "$OUT/$name.tgz."* | wc -l) part(s)"
}
train_model "edges2shoes-pix2pix-$SIZE" pix2pix edges2shoes 8 &
train_model "horse2zebra-cyclegan-$SIZE" cyclegan horse2zebra 1 &
wait
say "done"
