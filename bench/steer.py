"""Controllable generation measured: does steering z toward a digit make that digit, by two classifiers?

    python bench/steer.py                         # mnist-dcgan, mnist-gan, mnist-wgan; 30 latents per class
    python bench/steer.py --models mnist-dcgan --n 30 --sheets bench/out

For each model and each class k, the 30 latents of ``generate(30, seed=0)`` are steered toward k
(``genapp.steer``, amount 1) and read by

* the judge (``pretrained/judge-<dataset>``), whose gradient steering climbs, and
* a second classifier trained here, separately: another architecture (3x3 convolutions with max
  pooling, 16 and 32 channels, one hidden layer of 64), another seed, on the MNIST train split.
  If steering only fooled the judge (an adversarial pattern), the second would not agree.

It prints, per class, the share read as k before and after by both, and the share the second
classifier is sure of (probability >= 0.9: still a clean digit); the attributes' response
(thickness +1 against -1, slant +1 against -1, with and without keep_others, and how often the
digit stayed the same); and the time of an 8-image walk against ``generate`` of the same latents,
measured in the same run. Sheets (start row, steered row) go to ``--sheets`` as PNGs.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import genapp  # noqa: E402
from genapp import steering as st  # noqa: E402
from genapp.data import load_dataset  # noqa: E402
from genapp.images import make_grid, to_pil  # noqa: E402
from genapp.metrics import fit_judge, load_judge  # noqa: E402

SECOND_SEED = 1


class SecondClassifier(nn.Module):
    """Not the judge: 3x3 convolutions + max pooling (the judge: 4x4 strided, no pooling), other widths."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(32 * 7 * 7, 64), nn.ReLU(), nn.Linear(64, 10))

    def forward(self, x):
        return self.net(x - 0.5)


def second_classifier(path: Path, epochs: float = 2.0) -> tuple[nn.Module, float]:
    """The second classifier (trained on the MNIST train split and saved to ``path`` the first time)
    and its accuracy on the 10,000 test images."""
    net = SecondClassifier()
    test = load_dataset("mnist", "test")
    x_test, y_test = test.tensors["x"].float() / 255.0, test.tensors["y"]
    if path.exists():
        net.load_state_dict(load_file(str(path)))
    else:
        torch.manual_seed(SECOND_SEED)
        net = SecondClassifier()
        train = load_dataset("mnist", "train")
        xs, ys = train.tensors["x"], train.tensors["y"]
        total = int(epochs * len(xs) // 64)
        secs = fit_judge(net, len(xs), lambda idx: F.cross_entropy(net(xs[idx].float() / 255.0), ys[idx]),
                         total=total, batch_size=64, lr=1e-3, gen=torch.Generator().manual_seed(SECOND_SEED),
                         log=None)
        print(f"second classifier: trained {total} steps ({epochs:g} epochs, seed {SECOND_SEED}) in {secs:.0f} s")
        path.parent.mkdir(parents=True, exist_ok=True)
        save_file(net.state_dict(), str(path))
    net.eval().requires_grad_(False)
    with torch.no_grad():
        acc = float((torch.cat([net(x_test[i:i + 2000]) for i in range(0, len(x_test), 2000)]).argmax(1) == y_test)
                    .float().mean())
    return net, acc


def classes(model: str, second, n: int, sheets: Path | None) -> list[float]:
    m = genapp.load(model)
    judge = load_judge("mnist")
    start = m.generate(n, seed=0)
    with torch.no_grad():
        j0, s0 = judge(start).argmax(1), second(start).argmax(1)
    print(f"\n{model}: {n} latents (generate({n}, seed=0)) steered toward each digit, amount 1")
    print(f"{'digit':>5} | {'judge before':>12} {'after':>6} | {'second before':>13} {'after':>6} | {'second sure':>11}")
    rows, worst = [start[:10]], []
    for k in range(10):
        x = st.steer(m, n, seed=0, feature=str(k), amount=1.0)
        with torch.no_grad():
            pj, ps = judge(x).argmax(1), second(x).softmax(1)
        rj, rs = float((pj == k).float().mean()), float((ps.argmax(1) == k).float().mean())
        sure = float(((ps.argmax(1) == k) & (ps.max(1).values >= 0.9)).float().mean())
        worst.append(min(rj, rs))
        print(f"{k:>5} | {float((j0 == k).float().mean()):>12.0%} {rj:>6.0%} | {float((s0 == k).float().mean()):>13.0%} "
              f"{rs:>6.0%} | {sure:>11.0%}")
        rows.append(x[:10])
    print(f"lowest rate over the digits (either classifier): {min(worst):.0%}")
    if sheets:
        sheets.mkdir(parents=True, exist_ok=True)
        to_pil(make_grid(torch.cat(rows), nrow=10)).resize((10 * 84, 11 * 84), 0).save(sheets / f"steer-{model}-digits.png")
    return worst


def attributes(model: str, n: int, sheets: Path | None) -> None:
    m = genapp.load(model)
    print(f"\n{model}: attributes, {n} latents, amount +1 against -1")
    for feature in st.ATTRIBUTES:
        fn = st._ATTRIBUTE_FNS[feature]
        for keep in (False, True):
            up = st.steer_walk(m, n, 0, feature, 1.0, keep_others=keep)
            down = st.steer_walk(m, n, 0, feature, -1.0, keep_others=keep)
            a, b, c = fn(up.images[-1]), fn(down.images[-1]), fn(up.images[0])
            classes = st.CLASS_NAMES[m.config.dataset]
            same = [max(classes, key=lambda name: w.after[name][i]) == max(classes, key=lambda name: w.before[name][i])
                    for w in (up, down) for i in range(n)]
            print(f"  {feature:>9} keep_others={str(keep):5}: +1 > -1 on {float((a > b).float().mean()):.0%} "
                  f"(mean {b.mean():.3f} | start {c.mean():.3f} | {a.mean():.3f}); "
                  f"judge's class unchanged on {sum(same) / len(same):.0%}")
            if sheets:
                walk = torch.cat([down.images.flip(0)[:-1], up.images])    # -1 ... 0 ... +1
                grid = make_grid(walk[:, :6].transpose(0, 1).reshape(-1, *walk.shape[2:]), nrow=walk.shape[0])
                to_pil(grid).resize((grid.shape[-1] * 3, grid.shape[-2] * 3), 0).save(
                    sheets / f"steer-{model}-{feature}{'-keep' if keep else ''}.png")


def timings(model: str, repeats: int = 7) -> None:
    m = genapp.load(model)
    st.probe(m)  # once per model (the app keeps it): not part of a walk
    print(f"\n{model}: time of a walk of {st.FRAMES} images per latent (median of {repeats}; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; torch threads {torch.get_num_threads()})")
    for n in (1, 4, 8):
        walk, gen = [], []
        for _ in range(repeats):
            t = time.perf_counter()
            st.steer_walk(m, n, 0, "7", 1.0)
            walk.append(time.perf_counter() - t)
            t = time.perf_counter()
            m.generate(n * st.FRAMES, seed=0)
            gen.append(time.perf_counter() - t)
        w, g = statistics.median(walk), statistics.median(gen)
        print(f"  {n} latent(s): walk {w * 1000:.0f} ms; generate({n * st.FRAMES}) {g * 1000:.0f} ms; ratio {w / g:.1f}x")
    t = time.perf_counter()
    st._PROBES.pop(m, None)
    st.probe(m)
    print(f"  the model's average gradients (once per model): {(time.perf_counter() - t) * 1000:.0f} ms")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--models", default="mnist-dcgan,mnist-gan,mnist-wgan")
    p.add_argument("--n", type=int, default=30)
    p.add_argument("--threads", type=int, default=1, help="torch threads (the app serves each request with 1 on 2 cores)")
    p.add_argument("--second", type=Path, default=Path("bench/out/second-classifier-mnist.safetensors"))
    p.add_argument("--sheets", type=Path, default=Path("bench/out"))
    p.add_argument("--skip", default="", help="comma-separated parts to skip: classes, attributes, timings")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    skip = set(filter(None, args.skip.split(",")))
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    if "classes" not in skip:
        second, acc = second_classifier(args.second)
        print(f"second classifier: {acc:.2%} on the MNIST test split (the judge: "
              f"{load_judge('mnist').config.test_accuracy:.2%})")
        for model in models:
            classes(model, second, args.n, args.sheets)
    if "attributes" not in skip:
        for model in models:
            attributes(model, args.n, args.sheets)
    if "timings" not in skip:
        for model in models[:1]:
            timings(model)
    return 0


if __name__ == "__main__":
    sys.exit(main())
