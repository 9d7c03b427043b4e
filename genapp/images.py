"""Tensors <-> images: grids, PNG/GIF bytes, toy-data plots, and input validation for uploads.

Everything here works on CPU tensors in [0, 1] shaped (N, C, H, W) and PIL images.
"""
from __future__ import annotations

import io
import math
import warnings
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw, ImageOps, UnidentifiedImageError

from . import settings

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


# ---------------------------------------------------------------- input validation for uploads
MAX_PIXELS = settings.integer("GENAPP_MAX_PIXELS", 25_000_000)       # 5000 x 5000
MAX_BYTES = settings.integer("GENAPP_MAX_UPLOAD_BYTES", 20_000_000)  # the app's gate lets up to 25 MB reach this
MIN_SIDE = 8           # below this there is nothing to translate
UPSCALE_BELOW = 64     # smaller images are upscaled (with a note) before use


class ImageInputError(ValueError):
    """An upload the app cannot use; the message says what to do instead."""


def _to_8bit(img: Image.Image) -> Image.Image:
    """16-bit, 32-bit integer and float images -> 8-bit, scaled by their actual range."""
    arr = np.asarray(img, dtype=np.float64)
    if not np.isfinite(arr).all():
        raise ImageInputError("The image holds invalid values (NaN or infinity); save it again as PNG or JPEG.")
    if img.mode == "F" and arr.size and arr.min() >= 0.0 and arr.max() <= 1.0:
        arr = arr * 255.0               # float images in [0, 1]
    elif img.mode.startswith("I;16") or (arr.size and arr.max() > 255):
        hi = 65535.0 if arr.max() <= 65535 else float(arr.max())
        arr = arr / hi * 255.0
    return Image.fromarray(np.clip(arr, 0, 255).round().astype(np.uint8), "L")


def normalize_mode(img: Image.Image) -> Image.Image:
    """Any PIL mode -> RGB; transparency is composited over white (a drawing's empty page)."""
    if img.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        img = _to_8bit(img)
    if img.mode == "P":
        img = img.convert("RGBA")
    if img.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = img.convert("RGBA")
        bg = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(bg, rgba).convert("RGB")
    if img.mode == "1":
        img = img.convert("L")
    return img.convert("RGB")


def _from_array(arr: np.ndarray) -> Image.Image:
    arr = np.asarray(arr)
    if arr.ndim == 3 and arr.shape[-1] == 1:
        arr = arr[..., 0]
    if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[-1] not in (3, 4)):
        raise ImageInputError(f"An image array must be H x W, H x W x 3 or H x W x 4, not {arr.shape}.")
    if arr.dtype == bool:
        arr = arr.astype(np.uint8) * 255
    if arr.dtype != np.uint8:
        a = arr.astype(np.float64)
        if not np.isfinite(a).all():
            raise ImageInputError("The image holds invalid values (NaN or infinity).")
        if a.size and a.max() <= 1.0 and a.min() >= 0.0:
            a = a * 255.0
        elif a.size and a.max() > 255:
            a = a / a.max() * 255.0
        arr = np.clip(a, 0, 255).round().astype(np.uint8)
    return Image.fromarray(arr)


def _check_size(w: int, h: int) -> None:
    if w * h > MAX_PIXELS:
        raise ImageInputError(f"The image is {w}x{h} pixels, over the limit of {MAX_PIXELS / 1e6:.0f} megapixels; "
                              f"resize it (e.g. to 1024 px on the long side) and try again.")
    if min(w, h) < MIN_SIDE:
        raise ImageInputError(f"The image is only {w}x{h} pixels; use one at least {UPSCALE_BELOW} px on each side.")


def _extract_path(source) -> object:
    """Gradio hands over paths, dicts ({"path": ...} or an ImageEditor value) or arrays."""
    if isinstance(source, dict):
        for key in ("composite", "path", "background", "image", "url"):
            if source.get(key) is not None:
                return _extract_path(source[key])
        raise ImageInputError("No image was given.")
    return source


def load_image(source, notes: list[str] | None = None) -> Image.Image:
    """Validate and open an upload -> an RGB PIL image, with EXIF orientation applied.

    Accepts a path, bytes, a PIL image, a numpy array or a Gradio value. Raises
    :class:`ImageInputError` with an actionable message for: no image, files over the byte limit,
    images over the pixel budget (decompression bombs included: the header is checked before any
    pixel is decoded), truncated or corrupt files, non-images, NaN arrays and images too small
    to use. Animated images use their first frame; small images are upscaled; both add a note.
    """
    notes = notes if notes is not None else []
    source = _extract_path(source)
    if source is None:
        raise ImageInputError("No image was given; upload a picture first.")
    if isinstance(source, np.ndarray):
        img = _from_array(source)
    elif isinstance(source, Image.Image):
        img = source
    else:
        if isinstance(source, (bytes, bytearray)):
            if len(source) > MAX_BYTES:
                raise ImageInputError(f"The file is {len(source) / 1e6:.1f} MB, over the {MAX_BYTES / 1e6:.0f} MB limit.")
            fp = io.BytesIO(source)
        else:
            path = Path(str(source))
            if not path.is_file():
                raise ImageInputError("The uploaded file could not be found; upload it again.")
            size = path.stat().st_size
            if size > MAX_BYTES:
                raise ImageInputError(f"The file is {size / 1e6:.1f} MB, over the {MAX_BYTES / 1e6:.0f} MB limit.")
            if size == 0:
                raise ImageInputError("The file is empty; upload a PNG or JPEG picture.")
            fp = io.BytesIO(path.read_bytes())
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                img = Image.open(fp)
                _check_size(*img.size)  # from the header, before decoding a single pixel
                if getattr(img, "is_animated", False):
                    img.seek(0)
                    notes.append("The image is animated; its first frame was used.")
                img.load()
        except ImageInputError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageInputError(f"The image declares more than {MAX_PIXELS / 1e6:.0f} megapixels "
                                  f"(a decompression bomb?); it was not opened.") from None
        except UnidentifiedImageError:
            raise ImageInputError("This file is not an image we can read; upload a PNG, JPEG, WebP, GIF or BMP picture.") from None
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise ImageInputError(f"The image file is truncated or corrupt ({type(exc).__name__}); "
                                  f"save it again and re-upload.") from None
        try:
            img = ImageOps.exif_transpose(img) or img
        except Exception:  # a broken EXIF block should not cost the picture
            notes.append("The EXIF orientation could not be read; the image is used as stored.")
    _check_size(*img.size)
    img = normalize_mode(img)
    if min(img.size) < UPSCALE_BELOW:
        k = UPSCALE_BELOW / min(img.size)
        img = img.resize((max(1, round(img.width * k)), max(1, round(img.height * k))), Image.BICUBIC)
        notes.append(f"The image was small; it was upscaled to {img.width}x{img.height}.")
    return img
