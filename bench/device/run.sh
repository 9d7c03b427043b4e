#!/usr/bin/env bash
# One call on a GPU machine (see bench/device/README.md): throughput against the reference on the
# same GPU, then pix2pix (edges2shoes) and CycleGAN (horse2zebra) at 128 px and, when its data was
# packed, a twice-as-wide dcgan on Fashion-MNIST, trained side by side for BUDGET_S seconds each,
# packed into $OUT as fp16 run folders (tar, split under 16 MB). A run whose data is missing is skipped.
#   DEVICE=cuda BUDGET_S=240 bash bench/device/run.sh        # on the device, data in .device/data
#   SKIP_TP=1 DEVICE=cpu BUDGET_S=30 SIZE=32 GENAPP_DATA_DIR=.device/data bash bench/device/run.sh   # a dry run here
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-/tmp/device-out}
DEVICE=${DEVICE:-cuda}
BUDGET_S=${BUDGET_S:-240}      # wall seconds of training per model, compiling included
DEADLINE_S=${DEADLINE_S:-}     # if set: training takes what is left of this many seconds from the start
                               # (less 45 s for packing) after the throughput bench, instead of BUDGET_S
INIT_CYC=${INIT_CYC:-.device/init/horse2zebra-cyclegan}  # CycleGAN starts from these weights if there
                               # (its ResNet generator and PatchGAN are the same at any resolution)
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

# 1. Throughput against the seed-style reference on the same device: ours with the whole step
#    recorded as one CUDA graph (bench/graphed_step.py), then ours step by step (plain fp32), then
#    (TP_COMPILED=1) ours in bf16 + compiled, which was slower than plain fp32 on the H200.
[ -n "${SKIP_TP:-}" ] || [ "$DEVICE" != cuda ] || timeout 120 $PY bench/train_throughput.py --device "$DEVICE" \
    --steps "${TP_STEPS:-200}" --rounds 3 --precision fp32 --graph >>"$LOG" 2>&1
[ -n "${SKIP_TP:-}" ] || timeout 70 $PY bench/train_throughput.py --device "$DEVICE" --steps "${TP_STEPS:-200}" --rounds 3 \
    --precision fp32 --no-compile >>"$LOG" 2>&1
[ -z "${TP_COMPILED:-}" ] || timeout 200 $PY bench/train_throughput.py --device "$DEVICE" --steps "${TP_STEPS:-200}" \
    --rounds 3 >>"$LOG" 2>&1
say "throughput done"
if [ -n "$DEADLINE_S" ]; then
  BUDGET_S=$(( DEADLINE_S - SECONDS - 45 )); BUDGET_S=$(( BUDGET_S > 60 ? BUDGET_S : 60 ))
  say "training budget: ${BUDGET_S}s per model"
fi

# 2. Training for a wall budget with the pix2pix/CycleGAN schedule: --minutes with lr_decay=0.5
#    keeps the rate for the first half of the time and brings it to 0 at its end.
train_model() {  # name family dataset batch [--set key=value ...]
  local name=$1 fam=$2 ds=$3 bs=$4 dir="$RUNS/$1" t0=$SECONDS
  shift 4
  local args=("$fam" --dataset "$ds" --batch-size "$bs" --seed 0 "$@"
              --device "$DEVICE" --precision bf16 --sample-every 1000 --checkpoint-every 1000 --out "$dir")
  timeout -s TERM $(( BUDGET_S + 60 )) $PY -m train "${args[@]}" --compile \
      --minutes "$($PY -c "print($BUDGET_S / 60)")" >"$RUNS/$name.log" 2>&1
  local left=$(( BUDGET_S - (SECONDS - t0) ))
  if ! grep -q '"finished"' "$dir/status.json" 2>/dev/null && [ "$left" -ge 90 ]; then  # a failed compile: the rest without it
    say "$name: the compiled run did not finish ($(tail -c 300 "$RUNS/$name.log" | tr '\r\n' '  ')); again without --compile for ${left}s"
    rm -rf "$dir"
    timeout -s TERM $(( left + 120 )) $PY -m train "${args[@]}" \
        --minutes "$($PY -c "print($left / 60)")" >>"$RUNS/$name.log" 2>&1
  fi
  tail -c 400 "$RUNS/$name.log" | tr '\r' '\n' | tail -2 >>"$LOG"
  # fp16 weights, no optimizer state, the last two sample grids: then tar + split under 16 MB
  $PY - "$dir" <<'PY'
import sys
from pathlib import Path
from safetensors.torch import load_file, save_file
from genapp.publish import _fp16  # the shipped models' fp16 storage
d = Path(sys.argv[1])
save_file(_fp16(load_file(str(d / "model.safetensors"))), str(d / "model.safetensors"))
for f in d.glob("training_state.*"):
    f.unlink()
for f in sorted((d / "samples").glob("step_*.png"))[:-2]:
    f.unlink()
PY
  tar czf - -C "$RUNS" "$name" | split -b 15000000 -d - "$OUT/$name.tgz."
  say "$name: packed $(ls "$OUT/$name.tgz."* | wc -l) part(s)"
}
if [ -d "$GENAPP_DATA_DIR/edges2shoes" ]; then
  train_model "edges2shoes-pix2pix-$SIZE" pix2pix edges2shoes 8 --set image_size="$SIZE" --set lr_decay=0.5 &
else say "edges2shoes-pix2pix-$SIZE: skipped (no edges2shoes in $GENAPP_DATA_DIR)"; fi
if [ -d "$GENAPP_DATA_DIR/horse2zebra" ]; then
  CYC_INIT=(); [ -f "$INIT_CYC/model.safetensors" ] && CYC_INIT=(--init-from "$INIT_CYC")
  train_model "horse2zebra-cyclegan-$SIZE" cyclegan horse2zebra 1 --set image_size="$SIZE" --set augment=true --set lr_decay=0.5 "${CYC_INIT[@]}" &
else say "horse2zebra-cyclegan-$SIZE: skipped (no horse2zebra in $GENAPP_DATA_DIR)"; fi
# issue 4's open target: fashion-dcgan within 3x the judge-FID floor (mnist-dcgan meets it since
# 2026-12-03: 6.67, 2.64x). On the CPU fashion-dcgan reached 6.68 (20x) with InfoGAN's code, R1 and
# an average of G after 70 epochs; the same recipe at twice the width (G 256 channels at 7x7), as
# many epochs as the budget allows, tells whether capacity is what is still missing. (--compile
# leaves the R1-penalised D uncompiled: a compiled module has no double backward.)
# Fashion-MNIST (31 MB) does not fit in the 64 MiB a call carries next to the 128-px photos, so
# pack_data.py leaves it out unless asked (--fashion, with SIZE 64 or a call of its own).
if [ -f "$GENAPP_DATA_DIR/fashion_mnist.npz" ]; then
  train_model "fashion-dcgan-wide" dcgan fashion 64 --set ngf=128 --set ndf=128 --set codes=10 --set ema=0.999 --set r1=0.03 &
else
  say "fashion-dcgan-wide: skipped (no fashion_mnist.npz in $GENAPP_DATA_DIR; pack_data.py --fashion)"
fi
wait
say "done"
