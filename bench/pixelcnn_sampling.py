"""PixelCNN sampling speed: 64 samples with the fast sampler, against naive full-image sampling.

    GENAPP_DATA_DIR=../shared/data python bench/pixelcnn_sampling.py [--model mnist-pixelcnn] [--n 64]

Times ``generate(n)`` (the gated stacks' cached sampler: each row's vertical stack once, then the
horizontal stack at one pixel per step) as the median of ``--rounds``; with ``--cropped``, the
cropped-rows sampler (the network on the rows that can reach the current pixel) once; and the
naive sampler (the whole network on the whole image per pixel, on one thread like the others).
The naive one costs the same at every pixel, so it is timed over ``--naive-pixels`` pixels and
scaled to all 784 (it would take minutes). The model is ``--model`` (a pretrained name, run or
folder) or, if that is not there, an untrained network of the default config: the speed
depends on the architecture only. Wall-clock: run on an idle machine.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import genapp
from genapp.models import build_model


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", default="mnist-pixelcnn")
    p.add_argument("--n", type=int, default=64)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--naive-pixels", type=int, default=28, help="pixels the naive sampler is timed over")
    p.add_argument("--cropped", action="store_true", help="also time the cropped-rows sampler (minutes)")
    args = p.parse_args()
    try:
        model = genapp.load(args.model)
        source = args.model
    except (FileNotFoundError, ValueError):
        model = build_model("pixelcnn", "mnist").eval()
        source = "untrained, default config"
    c = model.config
    pixels = c.image_size * c.image_size
    print(f"# pixelcnn sampling: {args.n} samples of {c.image_size}x{c.image_size}, arch={c.arch} width={c.width} "
          f"layers={c.layers} kernel={c.kernel} ({source}); torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads available")
    fast = [timed(lambda i=i: model.generate(args.n, seed=i)) for i in range(args.rounds)]
    fast_s = statistics.median(fast)
    print(f"fast (generate):     {fast_s:7.2f} s  (median of {args.rounds}: {', '.join(f'{t:.2f}' for t in fast)})")
    zeros = torch.zeros(args.n, c.channels, c.image_size, c.image_size)
    cropped_s = timed(lambda: model.sample(zeros, 0, seed=0, method="cropped")) if args.cropped else None
    if cropped_s is not None:
        print(f"cropped rows:        {cropped_s:7.2f} s")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as the fast sampler runs (more threads only wait on each other here)
    k = min(args.naive_pixels, pixels)
    with torch.inference_mode():
        from genapp.models.pixelcnn_layers import sample_naive
        u = torch.rand(zeros.shape)
        part = timed(lambda: sample_naive(model.network, zeros, u, pixels=k))
    torch.set_num_threads(threads)
    naive_s = part / k * pixels
    print(f"naive (full image):  {naive_s:7.2f} s  ({part:.2f} s for {k} pixels, scaled to {pixels})")
    print(f"speed-up over naive: fast {naive_s / fast_s:.0f}x"
          + (f", cropped {naive_s / cropped_s:.1f}x" if cropped_s is not None else ""))
    print(f"target: {args.n} samples <= 3 s: {'met' if fast_s <= 3.0 else 'NOT met'} ({fast_s:.2f} s)")


if __name__ == "__main__":
    main()
