"""Training the judges: the loop every judge shares, and the digit judges' training.

``python -m genapp.metrics train-judge --dataset mnist`` runs :func:`train_judge` and writes
``pretrained/judge-mnist/``; the horse/zebra judge trains with the same loop
(:mod:`genapp.metrics.horse_zebra_fit`).
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from ..data import load_dataset
from .frechet import feature_stats
from .judge import JUDGE_DATASETS, Judge, JudgeConfig, judge_dir, judge_features, judge_predict, save_judge_folder


def fit_judge(judge: nn.Module, n: int, loss_of, *, total: int, batch_size: int, lr: float,
              gen: torch.Generator, log=print) -> float:
    """The judges' training loop: ``total`` Adam steps over shuffled batches of indices into ``n``
    examples (reshuffled each epoch), ``loss_of(idx)`` giving each batch's loss; cosine decay to
    zero (the last steps at a small rate settle the weights: +0.5 % on MNIST). Returns seconds."""
    opt = torch.optim.Adam(judge.parameters(), lr=lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(1, total))
    perm, pos, t0 = torch.randperm(n, generator=gen), 0, time.perf_counter()
    judge.train()
    for step in range(1, total + 1):
        if pos + batch_size > len(perm):
            perm, pos = torch.randperm(n, generator=gen), 0
        idx = perm[pos:pos + batch_size]
        pos += batch_size
        loss = loss_of(idx)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        schedule.step()
        if log and (step % 100 == 0 or step == total):
            log(f"step {step}/{total}  loss {loss.item():.4f}")
    return time.perf_counter() - t0


def train_judge(dataset: str, out: str | Path | None = None, *, epochs: float = 3, batch_size: int = 64,
                lr: float = 1e-3, seed: int = 0, width: int = 32, features: int = 128,
                max_steps: int | None = None, test_n: int | None = None, log=print,
                command: str = "") -> dict[str, Any]:
    """Train the judge on the train split, measure it on the test split, save it to ``out``.

    Adam 1e-3 with cosine decay, three epochs at batch 64: a small CNN on small images reaches
    about 99 % on MNIST and about 90 % on Fashion-MNIST. ``max_steps`` cuts training short and
    ``test_n`` measures on the first ``test_n`` test images only (tests); the shipped judges use
    the whole test split, whose feature statistics they keep for judge-FID.
    """
    if dataset not in JUDGE_DATASETS:
        raise ValueError(f"Judges exist for {', '.join(JUDGE_DATASETS)}, not {dataset!r}.")
    out = Path(out) if out is not None else judge_dir(dataset)
    torch.manual_seed(seed)
    train, test = load_dataset(dataset, "train"), load_dataset(dataset, "test")
    xs, ys = train.tensors["x"], train.tensors["y"]
    config = JudgeConfig(dataset=dataset, channels=xs.size(1), image_size=xs.size(-1), width=width,
                         features=features, command=command)
    judge = Judge(config)
    steps_per_epoch = len(xs) // batch_size
    total = max_steps if max_steps is not None else int(round(epochs * steps_per_epoch))
    gen = torch.Generator().manual_seed(seed)
    train_s = fit_judge(judge, len(xs), lambda idx: F.cross_entropy(judge(xs[idx].float() / 255.0), ys[idx]),
                        total=total, batch_size=batch_size, lr=lr, gen=gen, log=log)
    x_test, y_test = test.tensors["x"][:test_n].float() / 255.0, test.tensors["y"][:test_n]
    accuracy = float((judge_predict(judge, x_test) == y_test).float().mean())
    mean, cov = feature_stats(judge_features(judge, x_test))
    judge.test_mean.copy_(mean)
    judge.test_cov.copy_(cov)
    judge.config.test_accuracy = round(accuracy, 4)
    save_judge_folder(judge, out)
    summary = {"dataset": dataset, "test_accuracy": round(accuracy, 4), "test_images": len(y_test), "steps": total,
               "batch_size": batch_size, "epochs": round(total / steps_per_epoch, 2), "lr": lr, "seed": seed,
               "train_seconds": round(train_s, 1), "out": str(out)}
    if log:
        log(json.dumps(summary))
    return summary
