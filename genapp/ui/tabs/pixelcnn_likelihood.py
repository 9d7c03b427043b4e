"""The lecture's "explicit vs implicit density" in numbers: a PixelCNN's exact -log p(x) of a real
test digit, the same digit shifted or with pixels flipped, a GAN's sample and random noise.

Gradio-free: the images, their scores and the bars (HTML, each with its image). The tab loads the
models.
"""
from __future__ import annotations

import base64
import html
import math
import re

import torch

from genapp.images import png_bytes, to_pil

SHIFT = 2          # px to the right
FLIP_SHARE = 0.10  # share of the pixels flipped
GAN = "gan"   # the row of a GAN's sample (from the dataset's dcgan, else its gan: see the tab)
NAMES = ("real", "shifted", "flipped", GAN, "noise")   # the rows, in this order


def variants(x: torch.Tensor, seed: int, gan: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
    """{name: (1, 1, H, W) binary image}: the digit, shifted ``SHIFT`` px right (the gap filled
    with background), with ``FLIP_SHARE`` of its pixels flipped, the GAN's sample binarized at 0.5
    (left out without one) and noise (every pixel a coin flip). ``seed`` fixes the random ones."""
    g = torch.Generator().manual_seed(seed)
    shifted = torch.zeros_like(x)
    shifted[..., SHIFT:] = x[..., :-SHIFT]
    flips = (torch.rand(x.shape, generator=g) < FLIP_SHARE).to(x.dtype)
    out = {"real": x, "shifted": shifted, "flipped": (x + flips) % 2}
    if gan is not None:
        out[GAN] = (gan[:1].float().mean(1, keepdim=True) > 0.5).to(x.dtype)
    out["noise"] = (torch.rand(x.shape, generator=g) < 0.5).to(x.dtype)
    return out


def uniform_nats(pixels: int) -> float:
    """-log p(x) of any binary image under a model that flips a fair coin per pixel."""
    return pixels * math.log(2)


def scores(model, images: dict[str, torch.Tensor]) -> list[dict]:
    """One row per image: its name, -log p(x) in nats and in bits per dimension (one batched pass)."""
    names = list(images)
    nll = -model.log_prob(torch.cat([images[n] for n in names]))
    pixels = images[names[0]][0].numel()
    return [{"image": n, "nats": round(float(v), 2), "bits_per_dim": round(float(v) / (pixels * math.log(2)), 4)}
            for n, v in zip(names, nll)]


CSS = """
.pcnn-bars { font-size: 0.9em; }
.pcnn-bars p { margin: 2px 0 6px 0; }
.pcnn-row { display: flex; align-items: center; gap: 10px; margin: 6px 0; }
.pcnn-thumb { width: 48px; height: 48px; flex: none; image-rendering: pixelated; border-radius: 2px; }
.pcnn-body { flex: 1; min-width: 0; }
.pcnn-line { display: flex; justify-content: space-between; gap: 8px; flex-wrap: wrap; margin-bottom: 3px; }
.pcnn-val { font-variant-numeric: tabular-nums; color: var(--body-text-color-subdued); }
.pcnn-track { position: relative; height: 14px; background: var(--block-background-fill);
              border: 1px solid var(--border-color-primary); border-radius: 3px; }
.pcnn-bar { position: absolute; left: 0; top: 0; bottom: 0; background: #7c3aed; border-radius: 2px; }
.pcnn-best .pcnn-bar { background: #16a34a; }
.pcnn-best .pcnn-name { font-weight: 700; }
.pcnn-coin { position: absolute; top: -4px; bottom: -4px; border-left: 2px dashed #f59e0b; }
.pcnn-note { color: var(--body-text-color-subdued); }
"""


def _md(text: str) -> str:
    """The few Markdown marks the notes use (**bold**, `code`), in HTML."""
    text = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", html.escape(text))
    return re.sub(r"`(.+?)`", r"<code>\1</code>", text)


def _thumb(x: torch.Tensor) -> str:
    """A (1, H, W) binary image as a PNG data URL (shown enlarged, pixels kept sharp, by the CSS)."""
    return "data:image/png;base64," + base64.b64encode(png_bytes(to_pil(x))).decode()


def bars_html(rows: list[dict], images: dict[str, torch.Tensor], labels: dict[str, str], title: str,
              unit: str, notes: list[str]) -> str:
    """One row per image: the image, its name, -log p(x) in nats and bits per ``unit`` (bits/dim in
    the visitor's language), and a bar of it (the most probable image in green); a dashed line at
    the coin-flip model's value. ``title`` and ``notes`` are Markdown."""
    pixels = next(iter(images.values()))[0].numel()
    coin = uniform_nats(pixels)
    top = max([coin, *(r["nats"] for r in rows)]) * 1.05
    best = min(rows, key=lambda r: r["nats"])["image"]
    out = [f'<div class="pcnn-bars"><p class="pcnn-title">{_md(title)}</p>']
    for r in rows:
        name = r["image"]
        width = max(0.5, min(100.0, 100 * r["nats"] / top))
        out.append(f'<div class="pcnn-row{" pcnn-best" if name == best else ""}" data-image="{name}" '
                   f'data-nats="{r["nats"]}"><img class="pcnn-thumb" alt="{html.escape(labels[name])}" '
                   f'src="{_thumb(images[name][0])}"><div class="pcnn-body"><div class="pcnn-line">'
                   f'<span class="pcnn-name">{html.escape(labels[name])}</span>'
                   f'<span class="pcnn-val">{r["nats"]:.1f} nats · {r["bits_per_dim"]:.3f} {html.escape(unit)}'
                   f'</span></div><div class="pcnn-track"><div class="pcnn-bar" style="width:{width:.1f}%"></div>'
                   f'<div class="pcnn-coin" style="left:{100 * coin / top:.1f}%"></div></div></div></div>')
    out += [f'<p class="pcnn-note">{_md(n)}</p>' for n in notes]
    return "".join(out) + "</div>"
