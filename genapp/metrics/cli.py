"""Quality metrics: a judge classifier per dataset and what we measure with it.

The command line of :mod:`genapp.metrics`::

    python -m genapp.metrics train-judge --dataset mnist          # -> pretrained/judge-mnist/
    python -m genapp.metrics train-judge --dataset horse2zebra    # -> pretrained/judge-horse2zebra/
    python -m genapp.metrics evaluate mnist-dcgan                 # the model card's metrics as JSON
"""
from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

import torch

from ..api import load
from ..hub import HubError
from .fit import train_judge
from .horse_zebra_fit import train_horse_zebra_judge
from .image_quality import FID_N
from .judge import JUDGE_DATASETS
from .report import evaluate


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m genapp.metrics", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train-judge", help="train a judge classifier and save it (default: pretrained/judge-<dataset>)")
    t.add_argument("--dataset", choices=(*JUDGE_DATASETS, "horse2zebra"), required=True)
    t.add_argument("--epochs", type=float, help="default: 3 (mnist, fashion), 12 (horse2zebra)")
    t.add_argument("--batch-size", type=int, default=64)
    t.add_argument("--lr", type=float, default=1e-3)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--out", type=Path)
    e = sub.add_parser("evaluate", help="full metrics of a model (pretrained name or folder) as JSON")
    e.add_argument("model", help="a pretrained name (mnist-dcgan), a model folder or a Hub repo id")
    e.add_argument("--n", type=int, default=FID_N, help="generated images for judge-FID (default 10000)")
    e.add_argument("--n-per-class", type=int, default=1000, help="cGAN samples per class (default 1000)")
    e.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    torch.set_grad_enabled(True)
    if args.command == "train-judge":
        command = "python -m genapp.metrics " + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
        if args.dataset == "horse2zebra":
            train_horse_zebra_judge(args.out, epochs=args.epochs or 12, batch_size=args.batch_size, lr=args.lr,
                                    seed=args.seed, command=command)
        else:
            train_judge(args.dataset, args.out, epochs=args.epochs or 3, batch_size=args.batch_size, lr=args.lr,
                        seed=args.seed, command=command)
        return 0
    try:
        model = load(args.model)
        print(json.dumps(evaluate(model, n=args.n, n_per_class=args.n_per_class, seed=args.seed), indent=2))
    except (ValueError, FileNotFoundError, HubError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
