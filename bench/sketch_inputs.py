"""Does the Sketch tab's shoe follow what people draw? Drawings made from the 100 held-out shoes.

    GENAPP_DATA_DIR=../shared/data python bench/sketch_inputs.py [--model edges2shoes-pix2pix] [--seed 0]

No one's real drawings are at hand, so each held-out shoe (our own split, never trained on) is
drawn the ways people draw at the Sketch tab, on a 512 px canvas at a random size (35-90 % of the
canvas) and place, then goes through exactly what the tab does (``sketch_to_edges``, the model):

- ``outline, thick pen``: the shoe's outline (``genapp.outlines``) drawn with a 3-9 px pen;
- ``outline, wobbly``: the same, each point moved by a smooth random wobble of up to 2 % of the
  drawing, with one or two gaps (3-6 % of the outline each) where the pen lifted;
- ``coloured in``: the shoe's silhouette filled with one dark colour;
- ``outline, photographed on paper``: the thick-pen drawing as a phone photo of a pencil drawing
  on paper lit unevenly (the light falls off across the page), and the same without the step
  that evens out the page's light (what the tab did before);
- ``outline, centred``: the thick-pen drawing placed in the middle of the frame (how the tab placed
  drawings before it put the sole where edges2shoes puts it), to show what the placement is worth;
- ``coloured in, thinned``: coloured-in drawings without the step that outlines filled areas (what
  the tab did before): thinning leaves the shape's middle line;
- ``HED edge map`` and ``outline as trained``: the held-out inputs themselves, no drawing step.

Printed for each: the mean shape IoU (``genapp.metrics.translation``: the generated shoe's
silhouette against the real shoe's) and the share of shoes at IoU >= 0.8, with the drawing's own
silhouette (what a perfect model would follow) as a reference where the drawing is closed (one
with gaps has no inside to measure).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageDraw, ImageFilter

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import genapp  # noqa: E402
from genapp import drawing  # noqa: E402
from genapp.data import load_edges2shoes  # noqa: E402
from genapp.drawing import sketch_to_edges  # noqa: E402
from genapp.metrics.translation import _mean_iou, _shape  # noqa: E402
from genapp.outlines import silhouettes  # noqa: E402

CANVAS = 512


def to_model(edges: list[Image.Image], size: int) -> torch.Tensor:
    """What the Sketch tab feeds the model (bicubic 256 -> model size, as genapp.ui.tabs.sketch does)."""
    arr = np.stack([np.asarray(e.convert("RGB").resize((size, size), Image.BICUBIC)) for e in edges])
    return torch.from_numpy(arr).permute(0, 3, 1, 2).float() / 255.0


def drawn(mask: np.ndarray, rng: np.random.Generator, kind: str) -> Image.Image:
    """A 256 px silhouette mask -> a drawing of it on a white canvas, at a random size and place."""
    scale = rng.uniform(0.35, 0.9) * CANVAS / 256
    ys, xs = np.nonzero(mask)
    box = (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)
    w, h = (box[2] - box[0]) * scale, (box[3] - box[1]) * scale
    ox, oy = rng.uniform(0, CANVAS - w), rng.uniform(0, CANVAS - h)
    canvas = Image.new("RGB", (CANVAS, CANVAS), "white")
    d = ImageDraw.Draw(canvas)
    if kind == "coloured in":
        sil = Image.fromarray((mask[box[1]:box[3], box[0]:box[2]] * 255).astype(np.uint8))
        sil = sil.resize((max(1, round(w)), max(1, round(h))), Image.NEAREST)
        colour = tuple(int(c) for c in rng.integers(0, 110, 3))
        canvas.paste(Image.new("RGB", sil.size, colour), (round(ox), round(oy)), sil)
        return canvas
    # the outline as one closed path: boundary pixels ordered by angle around the centre
    m = torch.from_numpy(mask).float()[None, None]
    inner = -F.max_pool2d(-m, 3, 1, 1)
    by, bx = np.nonzero((m - inner)[0, 0].numpy() > 0.5)
    cy, cx = by.mean(), bx.mean()
    order = np.argsort(np.arctan2(by - cy, bx - cx))
    pts = np.stack([bx[order], by[order]], 1).astype(float)
    pts = pts[:: max(1, len(pts) // 160)]                        # a hand draws a few hundred points
    pts = (pts - [box[0], box[1]]) * scale + [ox, oy]
    pen = int(rng.integers(3, 10))
    if kind == "outline, wobbly":
        n = len(pts)
        t = np.linspace(0, 2 * np.pi, n, endpoint=False)
        amp = 0.02 * max(w, h)
        for axis in (0, 1):
            phase, freq = rng.uniform(0, 2 * np.pi, 3), rng.integers(2, 7, 3)
            pts[:, axis] += amp * sum(np.sin(f * t + p) for f, p in zip(freq, phase)) / 3
        gaps = set()                                               # pen lifted: 1-2 gaps of 3-6 % of the way
        for start in rng.integers(0, n, int(rng.integers(1, 3))):
            gaps.update(range(int(start), int(start) + max(2, int(n * rng.uniform(0.03, 0.06)))))
        runs, cur = [], []
        for i, p in enumerate(np.concatenate([pts, pts[:1]])):
            if i in gaps:
                if len(cur) > 1:
                    runs.append(cur)
                cur = []
            else:
                cur.append(tuple(p))
        runs.append(cur)
        for run in runs:
            if len(run) > 1:
                d.line(run, fill=(0, 0, 0), width=pen, joint="curve")
        return canvas
    d.line([tuple(p) for p in np.concatenate([pts, pts[:1]])], fill=(0, 0, 0), width=pen, joint="curve")
    return canvas


def photographed(canvas: Image.Image, rng: np.random.Generator) -> Image.Image:
    """A drawing on white -> a phone photo of it drawn in pencil on paper: the light falls off
    across the page in a random direction (bright side 195-225, dim side 95-150), the pencil is
    grey (40-90), with sensor noise and a little blur."""
    a = np.asarray(canvas.convert("L"), dtype=np.float32) / 255.0            # 1 paper, 0 ink
    h, w = a.shape
    angle = rng.uniform(0, 2 * np.pi)
    yy, xx = np.mgrid[0:h, 0:w] / max(h, w)
    t = (np.cos(angle) * xx + np.sin(angle) * yy)
    t = (t - t.min()) / max(1e-6, t.max() - t.min())                          # 0 bright side, 1 dim side
    bright, dim, ink = rng.uniform(195, 225), rng.uniform(95, 150), rng.uniform(40, 90)
    paper = bright + (dim - bright) * t
    img = paper * a + np.minimum(ink, paper - 30) * (1 - a) + rng.normal(0, 5, a.shape)
    out = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(1.0))
    return out.convert("RGB")


def centred(edges: Image.Image) -> Image.Image:
    """The previous placement: the same edge map moved to the vertical middle of the frame."""
    a = np.asarray(edges.convert("L"))
    rows = np.nonzero((a < 128).any(1))[0]
    top, h = rows.min(), rows.max() + 1 - rows.min()
    out = np.full_like(a, 255)
    t0 = (a.shape[0] - h) // 2
    out[t0:t0 + h] = a[top:top + h]
    return Image.fromarray(out).convert("RGB")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", default="edges2shoes-pix2pix")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    torch.set_grad_enabled(False)
    model = genapp.load(args.model)
    size = model.config.image_size
    a, b, o = load_edges2shoes(256, "val")
    masks = silhouettes(a, b)                                       # (100, 256, 256) bool, the real shoes
    photos = torch.from_numpy(b).float() / 255.0
    real = _shape(F.interpolate(photos, size=size, mode="bicubic", antialias=True).clamp(0, 1))
    rng = np.random.default_rng(args.seed)
    started = time.perf_counter()
    rows = []

    def score(name: str, x: torch.Tensor, drawing_masks: np.ndarray | None = None) -> None:
        got = _shape(model.translate(x))
        per = (got & real).flatten(1).sum(1).float() / (got | real).flatten(1).sum(1).float().clamp(min=1)
        ref = ""
        if drawing_masks is not None:                               # what a perfect model would follow
            dm = torch.from_numpy(drawing_masks).float()[:, None]
            dm = F.adaptive_avg_pool2d(dm, size)[:, 0] > 0.5
            ref = f"{_mean_iou(dm, real):.3f}"
        rows.append((name, float(per.mean()), float((per >= 0.8).float().mean()), ref))

    def down(u8: np.ndarray) -> torch.Tensor:                          # the dataset's 256 px -> the model's size
        return F.interpolate(torch.from_numpy(u8).float() / 255, size=size, mode="bicubic", antialias=True).clamp(0, 1)

    score("HED edge map (as trained)", down(a))
    score("outline as trained", down(o))
    for kind in ("outline, thick pen", "outline, wobbly", "coloured in"):
        edges = [sketch_to_edges(drawn(masks[i], rng, kind)) for i in range(len(masks))]
        ink = torch.from_numpy(np.stack([np.asarray(x)[..., 0] < 128 for x in edges])).float()[:, None]
        thick = (F.max_pool2d(ink, 5, 1, 2) > 0).numpy()           # 5 px lines: closed at the metric's 64 px
        e = np.where(thick, 0, 255).astype(np.uint8).repeat(3, 1)
        drawing_masks = silhouettes(e, e)
        score(kind, to_model(edges, size), None if kind == "outline, wobbly" else drawing_masks)  # gaps: no inside
        if kind == "outline, thick pen":
            score("outline, centred (the old placement)", to_model([centred(x) for x in edges], size))
            rng_photo = np.random.default_rng(args.seed + 2)
            photos_of = [photographed(drawn(masks[i], rng_photo, kind), rng_photo) for i in range(len(masks))]
            score("outline, photographed on paper", to_model([sketch_to_edges(x) for x in photos_of], size))
            keep = drawing.even_out_light  # the tab before it evened out the page's light
            drawing.even_out_light = lambda a: a
            try:
                score("photographed, light not evened (the old)", to_model([sketch_to_edges(x) for x in photos_of], size))
            finally:
                drawing.even_out_light = keep
        if kind == "coloured in":  # the tab before it outlined filled areas: thinning leaves a stick
            keep = drawing.filled_to_outline
            drawing.filled_to_outline = lambda ink, width: ink
            try:
                rng_old = np.random.default_rng(args.seed + 1)
                sticks = [sketch_to_edges(drawn(masks[i], rng_old, kind)) for i in range(len(masks))]
            finally:
                drawing.filled_to_outline = keep
            score("coloured in, thinned (the old preprocessing)", to_model(sticks, size))
    print(f"{args.model}: {len(masks)} held-out shoes, {size} px; shape IoU of the generated shoe with the real "
          f"one ({time.perf_counter() - started:.0f} s)")
    print(f"{'input':46s} {'mean IoU':>9s} {'IoU>=0.8':>9s} {'drawing vs real':>16s}")
    for name, iou, share, ref in rows:
        print(f"{name:46s} {iou:9.3f} {share:9.0%} {ref:>16s}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
