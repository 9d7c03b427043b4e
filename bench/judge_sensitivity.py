"""What the judge-FID charges for changes a viewer can hardly see: real images, slightly altered.

    GENAPP_DATA_DIR=../shared/data python bench/judge_sensitivity.py [--dataset mnist fashion]

The pretrained issue's target for dcgan is a judge-FID within 3x the real-vs-real floor. This
puts that target in scale: it takes 10,000 *real* training images (the floor's own sample), alters
them in ways that keep every image as recognizable to a person as before, and prints the judge-FID
of each altered set against the test split, as a multiple of the floor. Next to them: the shipped
models' scores (dcgan, cgan of the dataset). The judge, protocol and sample size are those of the
model cards (``genapp.metrics``); only the images change.

Alterations: shift by one pixel (right, or down); blur with a 3x3 Gaussian (sigma 0.5); pixel noise
N(0, 0.03) clipped to [0, 1]; grey levels quantised to 16; the same digits drawn in the class
proportions of the shipped dcgan's samples (as the judge classifies them) instead of the real ones.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch
import torch.nn.functional as F

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from genapp.api import load  # noqa: E402
from genapp.metrics import (FID_N, generate_images, judge_fid, judge_outputs, load_judge,  # noqa: E402
                            real_floor, real_sample)


def shift(x: torch.Tensor, dx: int, dy: int) -> torch.Tensor:
    """Move the image content by (dx, dy) pixels, filling with background (0)."""
    out = torch.zeros_like(x)
    h, w = x.shape[-2:]
    out[..., max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = x[..., max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
    return out


def blur(x: torch.Tensor, sigma: float = 0.5) -> torch.Tensor:
    t = torch.arange(-1, 2, dtype=torch.float32)
    k1 = torch.exp(-t ** 2 / (2 * sigma ** 2))
    k = (k1[:, None] * k1[None, :]) / k1.sum() ** 2
    c = x.shape[1]
    return F.conv2d(F.pad(x, (1, 1, 1, 1), mode="replicate"), k.expand(c, 1, 3, 3).contiguous(), groups=c)


def in_proportions(x: torch.Tensor, classes: torch.Tensor, share: torch.Tensor, seed: int = 0) -> torch.Tensor:
    """``len(x)`` images drawn from ``x`` (with replacement) so that class c makes up ``share[c]``."""
    g = torch.Generator().manual_seed(seed)
    counts = (share / share.sum() * len(x)).round().long()
    picks = []
    for c, k in enumerate(counts.tolist()):
        pool = (classes == c).nonzero().view(-1)
        picks.append(pool[torch.randint(len(pool), (k,), generator=g)])
    return x[torch.cat(picks)]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dataset", nargs="+", default=["mnist", "fashion"], choices=["mnist", "fashion"])
    args = p.parse_args()
    torch.manual_seed(0)
    for dataset in args.dataset:
        judge = load_judge(dataset)
        floor = real_floor(dataset)
        real, labels = real_sample(dataset, "train", FID_N)  # the floor's own sample
        dcgan = load(f"{dataset}-dcgan")
        _, logits = judge_outputs(judge, generate_images(dcgan, FID_N))
        share = torch.bincount(logits.argmax(1), minlength=10).float()
        rows = [("real train images (the floor)", real),
                ("shifted 1 px right", shift(real, 1, 0)),
                ("shifted 1 px down", shift(real, 0, 1)),
                ("blurred (3x3 Gaussian, sigma 0.5)", blur(real)),
                ("pixel noise N(0, 0.03)", (real + 0.03 * torch.randn(real.shape, generator=torch.Generator().manual_seed(1))).clamp(0, 1)),
                ("16 grey levels", (real * 15).round() / 15),
                (f"class shares of {dataset}-dcgan's samples", in_proportions(real, labels, share))]
        print(f"\n{dataset}: judge-FID of {FID_N:,} images vs the {FID_N:,} test images; floor {floor:.3f}, "
              f"target (3x) {3 * floor:.3f}")
        print(f"  {'images':<44} {'judge-FID':>9} {'x floor':>8}")
        for name, x in rows:
            fid = judge_fid(x, dataset, judge=judge)
            print(f"  {name:<44} {fid:>9.2f} {fid / floor:>7.1f}x", flush=True)
        for name in (f"{dataset}-dcgan", f"{dataset}-cgan"):
            fid = judge_fid(load(name), judge=judge)
            print(f"  {'shipped ' + name:<44} {fid:>9.2f} {fid / floor:>7.1f}x", flush=True)


if __name__ == "__main__":
    main()
