"""The command line's flags (``parser``) and what they mean as a run (:func:`spec_from_args`):
the same :class:`genapp.runs.RunSpec` the app and the presets use."""
from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from genapp.runs import RunSpec

from .progress import UNLIMITED


def parser() -> argparse.ArgumentParser:
    from genapp.data import DATASETS, data_dir
    from genapp.models import FAMILIES

    fams = "\n".join(f"  {name:9s} datasets: {', '.join(cls.datasets)}" for name, cls in FAMILIES.items())
    p = argparse.ArgumentParser(
        prog="python -m train", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Train a model of the course on real data.",
        epilog=f"families:\n{fams}\n\ndatasets: {', '.join(DATASETS)} (files in {data_dir()}: $GENAPP_DATA_DIR, "
               "or a folder of the user's cache; fetched there on first use when online)\n\n"
               "example: python -m train dcgan --dataset mnist --epochs 1\n\n"
               "several processes (GPUs or machines): torchrun --nproc_per_node=N -m train dcgan ... trains one run\n"
               "in N processes (NCCL on GPUs, gloo on the CPU; not the toy families). --batch-size is per process:\n"
               "the effective batch is N x --batch-size. The learning rate is not scaled: to keep a recipe's\n"
               "effective batch, divide --batch-size by N; or scale --lr by N yourself (the linear rule).")
    p.add_argument("family", choices=list(FAMILIES), metavar="family", help="one of: " + ", ".join(FAMILIES))
    p.add_argument("--dataset", choices=list(DATASETS), help="default: the family's first dataset")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--steps", type=int, help="total optimisation steps (default 1000)")
    g.add_argument("--epochs", type=float, help="passes over the dataset (turned into steps)")
    p.add_argument("--minutes", type=float,
                   help="stop after this much training time (a checkpoint, status finished); with "
                        "--set lr_decay=F the rate falls to 0 by then. Alone: no step limit")
    p.add_argument("--batch-size", type=int, help="images per step (default: the family's recipe: 64; pix2pix 8, "
                                                  "cyclegan 1); under torchrun per process: N x this in all")
    p.add_argument("--lr", type=float, help="learning rate (default: the family's recipe)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    p.add_argument("--precision", choices=["fp32", "bf16", "auto"],
                   help="bf16: mixed precision (bf16 autocast); auto: bf16 where the GPU or CPU computes it "
                        "natively (AVX512-BF16 / AMX), else fp32. Default fp32, or the resumed run's")
    p.add_argument("--compile", action="store_true", help="torch.compile the networks first (for a GPU)")
    p.add_argument("--threads", default="auto", metavar="N|auto",
                   help="CPU threads. auto (default): all the cores, and fewer while another program keeps "
                        "one busy (the run times its steps); OMP_NUM_THREADS, if set, pins the count instead")
    p.add_argument("--out", type=Path, help="run folder (default: $GENAPP_RUNS_DIR/NNNNN-<family>-<dataset>)")
    p.add_argument("--resume", type=Path, metavar="DIR", help="continue the run in DIR from its last checkpoint")
    p.add_argument("--init-from", metavar="MODEL",
                   help="start from this model's weights (a pretrained name, folder, run id or Hub repo id; "
                        "same family, dataset and --set values) with fresh optimizer state")
    p.add_argument("--push-to-hub", metavar="REPO_ID", help="push the result to this Hub model repo (token: HF_TOKEN)")
    p.add_argument("--sample-every", type=int, help="steps between sample grids")
    p.add_argument("--checkpoint-every", type=int, help="steps between checkpoints")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override a model config field, e.g. --set penalty=gp (JSON values)")
    return p


def _overrides(pairs: list[str]) -> dict:
    out = {}
    for pair in pairs:
        key, sep, val = pair.partition("=")
        if not sep:
            raise SystemExit(f"--set expects KEY=VALUE, got {pair!r}")
        try:
            out[key] = json.loads(val)
        except json.JSONDecodeError:
            out[key] = val
    return out


def thread_governor(value: str):
    """Apply ``--threads``: a number pins this process's count; ``auto`` returns the governor of
    :func:`genapp.threads.train_governor` (None where there is one core, or ``OMP_NUM_THREADS``
    already pins the count)."""
    from genapp import threads

    if value.strip().lower() == "auto":
        return threads.train_governor("OMP_NUM_THREADS")
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise SystemExit(f"--threads expects a whole number of at least 1, or auto; got {value!r}.")
    threads.use_threads(n)
    return None



def spec_from_args(args) -> RunSpec:
    """The run the command line asks for (a new one; ``--resume`` reads its folder instead)."""
    return RunSpec(args.family, args.dataset, steps=args.steps or 1000, batch_size=args.batch_size, lr=args.lr,
                   seed=args.seed, device=args.device, precision=args.precision or "fp32", compile=args.compile,
                   minutes=args.minutes or 0.0, sample_every=args.sample_every,
                   checkpoint_every=args.checkpoint_every, overrides=_overrides(args.set), init_from=args.init_from)


def check(args) -> None:
    """What the command line can refuse before anything is built, with the reason."""
    for name, val in (("--steps", args.steps), ("--batch-size", args.batch_size)):
        if val is not None and val < 1:
            raise SystemExit(f"{name} must be at least 1.")
    if args.epochs is not None and not args.epochs > 0:
        raise SystemExit("--epochs must be more than 0 (for example 0.5 or 3).")
    if args.minutes is not None and not args.minutes > 0:
        raise SystemExit("--minutes must be more than 0.")
    if args.resume and args.init_from:
        raise SystemExit("error: --resume continues a run with its own weights; --init-from starts a new run. Use one.")
    if args.push_to_hub:  # a missing token or a bad repo id should stop us before training, not after
        from genapp.hub import HubError, check_repo_id, resolve_token
        try:
            check_repo_id(args.push_to_hub)
            resolve_token(os.environ.get("HF_TOKEN"))
        except HubError as exc:
            raise SystemExit(f"error: {exc}")


def steps_of(args, spec, steps_per_epoch: int, resumed_steps: int | None) -> int:
    """--steps, or --epochs as steps, or no limit under --minutes alone; else the spec's / the run's."""
    if args.steps or args.epochs:
        return args.steps or int(round(args.epochs * steps_per_epoch))
    if args.minutes:
        return UNLIMITED  # the time budget alone decides
    return resumed_steps if resumed_steps is not None else spec.steps


