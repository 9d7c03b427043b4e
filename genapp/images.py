"""Tensors <-> images: grids, PNG/GIF bytes, toy-data plots, and input validation for uploads.

Everything here works on CPU tensors in [0, 1] shaped (N, C, H, W) and PIL images.
"""
from __future__ import annotations

import io
import math

import numpy as np
import torch
from PIL import Image, ImageDraw

# ---------------------------------------------------------------- grids and conversions


def make_grid(images: torch.Tensor, nrow: int = 8, padding: int = 2, pad_value: float = 1.0) -> torch.Tensor:
    """(N, C, H, W) -> (C, H', W') tiles, ``nrow`` per row, with a light border."""
    images = images.detach().float().cpu()
    if images.dim() == 3:
        images = images.unsqueeze(0)
    n, c, h, w = images.shape
    nrow = max(1, min(nrow, n))
    rows = math.ceil(n / nrow)
    grid = torch.full((c, rows * (h + padding) + padding, nrow * (w + padding) + padding), pad_value)
    for i in range(n):
        r, k = divmod(i, nrow)
        y, x = r * (h + padding) + padding, k * (w + padding) + padding
        grid[:, y:y + h, x:x + w] = images[i]
    return grid


def to_pil(image: torch.Tensor, scale: int = 1) -> Image.Image:
    """(C, H, W) or (1, C, H, W) in [0, 1] -> PIL (L or RGB), optionally upscaled (nearest)."""
    if image.dim() == 4:
        image = image[0]
    arr = (image.detach().float().cpu().clamp(0, 1) * 255).round().to(torch.uint8)
    arr = arr[0].numpy() if arr.size(0) == 1 else arr.permute(1, 2, 0).numpy()
    img = Image.fromarray(arr)
    if scale > 1:
        img = img.resize((img.width * scale, img.height * scale), Image.NEAREST)
    return img


def grid_image(images: torch.Tensor, nrow: int = 8, scale: int = 1) -> Image.Image:
    return to_pil(make_grid(images, nrow), scale)


def from_pil(img: Image.Image, channels: int | None = None) -> torch.Tensor:
    """PIL -> (1, C, H, W) float in [0, 1]."""
    if channels == 1:
        img = img.convert("L")
    elif channels == 3 or img.mode not in ("L", "RGB"):
        img = img.convert("RGB")
    arr = np.asarray(img, dtype=np.float32) / 255.0
    t = torch.from_numpy(arr)
    t = t.unsqueeze(0) if t.dim() == 2 else t.permute(2, 0, 1)
    return t.unsqueeze(0).contiguous()


def png_bytes(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def gif_bytes(frames: list[Image.Image], duration_ms: int = 200) -> bytes:
    if not frames:
        raise ValueError("No frames to make a GIF from.")
    buf = io.BytesIO()
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:], duration=duration_ms, loop=0)
    return buf.getvalue()


# ---------------------------------------------------------------- toy-data plots (no matplotlib)
def _colormap(v: np.ndarray) -> np.ndarray:
    """Values in [0, 1] -> RGB: a blue (low) to white to orange (high) diverging map."""
    lo, mid, hi = np.array([66, 117, 183]), np.array([247, 247, 247]), np.array([230, 120, 40])
    v = v[..., None]
    return np.where(v < 0.5, lo + (mid - lo) * (v * 2), mid + (hi - mid) * ((v - 0.5) * 2)).astype(np.uint8)


def render_scatter(real: torch.Tensor, fake: torch.Tensor, heat: torch.Tensor | None = None,
                   size: int = 320, extent: float = 3.0) -> torch.Tensor:
    """2-D real (green) and generated (purple) points over D's heatmap -> (3, size, size) in [0, 1]."""
    if heat is not None:
        h = heat.numpy()
        h = (h - h.min()) / (h.max() - h.min() + 1e-8)
        bg = Image.fromarray(_colormap(h)).resize((size, size), Image.BILINEAR)
    else:
        bg = Image.new("RGB", (size, size), (250, 250, 250))
    draw = ImageDraw.Draw(bg)

    def px(p):
        return (p[0] + extent) / (2 * extent) * size, (extent - p[1]) / (2 * extent) * size

    for pts, color, r in ((real, (20, 140, 60), 2), (fake, (110, 40, 160), 2)):
        for p in pts.tolist():
            x, y = px(p)
            draw.ellipse((x - r, y - r, x + r, y + r), fill=color)
    return from_pil(bg, 3)[0]


def render_bars(values: list[float], target: list[float], size: tuple[int, int] = (320, 200)) -> torch.Tensor:
    """Generated pattern (purple bars) next to the target pattern (grey outlines) -> (3, H, W)."""
    w, h = size
    img = Image.new("RGB", size, (255, 255, 255))
    d = ImageDraw.Draw(img)
    n = len(values)
    slot = w / n
    base = h - 20
    for i, (v, t) in enumerate(zip(values, target)):
        x0 = i * slot + slot * 0.2
        x1 = (i + 1) * slot - slot * 0.2
        d.rectangle((x0, base - t * (base - 10), x1, base), outline=(150, 150, 150), width=2)
        d.rectangle((x0 + 6, base - max(0.0, min(1.0, v)) * (base - 10), x1 - 6, base), fill=(110, 40, 160))
        d.text((x0 + 4, base + 4), f"{v:.2f}", fill=(0, 0, 0))
    d.line((0, base, w, base), fill=(0, 0, 0))
    return from_pil(img, 3)[0]
