"""Time to quality: wall time on this machine until dcgan/mnist reaches judge-FID <= 3x the floor.

    GENAPP_DATA_DIR=../shared/data python bench/time_to_quality.py [--budget 600] [--every 15]
        [--lr 2e-4] [--family cgan] [--dataset fashion] [--seed 1]

Trains a fresh dcgan on MNIST with the app's engine (``genapp.trainer.train``; batch 32, learning
rate 1e-3 and precision "auto" as in the Train tab -- bf16 where the CPU computes it natively; the
course recipe's networks) and, every ``--every`` seconds of training, pauses the clock to measure the full
protocol of the pretrained models (judge-FID of 10,000 samples vs the 10,000 test images, next to
the real-vs-real floor at the same n) and the share of samples the judge recognizes (class
probability >= 0.9; real test digits: 0.97). Prints one line per check and the first time the
target is met. Saves the grid of each check to bench/out/<family>_<seconds>s.png (look at them: when do the
digits become recognizable?) and the grid at 60 s (the lecture target: digits recognizable a
minute after Start) to bench/out/<family>_60s.png.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from genapp.config import TrainConfig  # noqa: E402
from genapp.images import grid_image  # noqa: E402
from genapp.metrics import (generate_images, judge_fid, judge_outputs, load_judge, real_floor,  # noqa: E402
                            real_recognizable, recognizable_rate)
from genapp.models import build_model  # noqa: E402
from genapp.runs import RunSpec, check_settings  # noqa: E402
from genapp.trainer import resolve_precision, train  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--budget", type=float, default=600, help="seconds of training at most")
    p.add_argument("--every", type=float, default=15, help="seconds of training between checks")
    p.add_argument("--batch-size", type=int,
                   help="default: the Train tab's (RunSpec.app_start: 32); 64 is the recipe's")
    p.add_argument("--precision", choices=["fp32", "bf16", "auto"], default="auto",
                   help="auto (the Train tab's): bf16 autocast where the CPU computes bf16 natively "
                        "(AVX512-BF16 / AMX), else fp32")
    p.add_argument("--n", type=int, default=10_000, help="samples per judge-FID")
    p.add_argument("--lr", type=float,
                   help="Adam's learning rate; default: the Train tab's (RunSpec.app_start: 1e-3 "
                        "for dcgan and cgan), 2e-4 is the DCGAN paper's")
    p.add_argument("--family", choices=["dcgan", "cgan"], default="dcgan",
                   help="cgan: samples cycle through the classes, so its judge-FID compares like with like")
    p.add_argument("--dataset", choices=["mnist", "fashion"], default="mnist")
    p.add_argument("--seed", type=int, default=0, help="seed of the fresh model and of its training batches")
    p.add_argument("--set", action="append", default=[], help="model override key=value (e.g. ngf=32)")
    args = p.parse_args()
    if args.batch_size is None:
        args.batch_size = RunSpec.app_start(args.family, args.dataset).batch
    try:  # the Train tab's own limits and messages
        _, args.batch_size, args.lr, args.seed = check_settings(1, args.batch_size, args.lr, args.seed)
    except ValueError as exc:
        p.error(str(exc))
    if not (args.budget > 0 and args.every > 0 and args.n >= 2):
        p.error("--budget and --every must be seconds above 0, --n at least 2 samples")
    args.precision = resolve_precision(args.precision, torch.device("cpu"))
    over = {k: _parse(v) for k, _, v in (s.partition("=") for s in args.set)}
    over.setdefault("lr", args.lr if args.lr is not None else RunSpec.app_start(args.family, args.dataset).lr)
    ds = args.dataset
    floor = real_floor(ds, args.n)
    judge = load_judge(ds)
    real_sure = real_recognizable(ds, judge)
    print(f"{args.family}/{ds}, torch threads {torch.get_num_threads()}, load average {os.getloadavg()[0]:.1f}, "
          f"{args.precision}, batch {args.batch_size}, lr {over['lr']:g}, seed {args.seed}; "
          f"real-vs-real floor at n={args.n}: {floor:.2f}; target <= {3 * floor:.2f}")
    torch.manual_seed(args.seed)
    model = build_model(args.family, ds, **over)
    clock = {"train_s": 0.0, "t": time.perf_counter(), "next": args.every, "hit": None, "shot60": False}
    out_dir = Path(__file__).resolve().parent / "out"
    out_dir.mkdir(exist_ok=True)
    tag = "" if args.precision == "fp32" else f"_{args.precision}"

    def on_event(e):
        if e["type"] != "step":
            return
        now = time.perf_counter()
        clock["train_s"] += now - clock["t"]
        if clock["train_s"] >= 60 and not clock["shot60"]:
            grid_image(model.generate(64, seed=42), 8, 2).save(out_dir / f"{args.family}_60s{tag}.png")
            clock["shot60"] = True
        if clock["train_s"] >= clock["next"]:
            images = generate_images(model, args.n)
            fid = judge_fid(images, ds, judge=judge)
            logits = judge_outputs(judge, images)[1]
            sure = recognizable_rate(logits)
            # a cgan's samples cycle through the classes (generate with no label; chunks of 500)
            acc = ""
            if args.family == "cgan":
                asked = torch.arange(len(images)) % model.config.num_classes
                acc = f"  class accuracy {(logits.argmax(1) == asked).float().mean():.1%}"
            # what the live view shows at this moment (the Train tab's fixed z): look at them
            grid_image(model.generate(64, seed=42), 8, 2).save(out_dir / f"{args.family}_{clock['next']:.0f}s{tag}.png")
            print(f"  train {clock['train_s']:6.1f}s  step {e['step']:5d}  judge-FID {fid:8.2f}  "
                  f"({fid / floor:5.1f}x floor)  recognizable {sure:5.1%} (real {real_sure:.1%}){acc}", flush=True)
            if fid <= 3 * floor and clock["hit"] is None:
                clock["hit"] = (clock["train_s"], e["step"], fid)
            clock["next"] += args.every
        clock["t"] = time.perf_counter()  # evaluation time is not training time

    stop = lambda: clock["hit"] is not None or clock["train_s"] >= args.budget  # noqa: E731
    with tempfile.TemporaryDirectory() as tmp:
        end = train(model, TrainConfig(steps=10**7, batch_size=args.batch_size, sample_every=10**9,
                                       checkpoint_every=10**9, log_every=10**9, device="cpu", seed=args.seed,
                                       precision=args.precision),
                    tmp, on_event=on_event, should_stop=stop)
    if end["status"] == "failed":
        raise SystemExit(f"the training failed: {end['reason']}")
    if clock["hit"]:
        s, step, fid = clock["hit"]
        print(f"RESULT: judge-FID {fid:.2f} <= 3x floor ({3 * floor:.2f}) after {s:.1f}s of training (step {step})")
    else:
        print(f"RESULT: target not reached within {args.budget:.0f}s of training")


def _parse(x: str):
    for f in (int, float):
        try:
            return f(x)
        except ValueError:
            pass
    return x


if __name__ == "__main__":
    main()
