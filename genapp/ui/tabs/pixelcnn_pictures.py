"""The PixelCNN tab's pictures, without gradio: a sample drawn in raster order (GIF frames with the
current pixel and its receptive field), the completion sheet, a receptive field with its blind spot,
and a drawing made into a binary digit.

Colours (the same in every picture): ink white on black, as the model's samples; a pixel not drawn
yet (or not shown to the model) grey; the receptive field blue; the pixel being drawn and the last
row kept red; the blind spot (earlier pixels no path reaches) amber.
"""
from __future__ import annotations

import io
import math

import numpy as np
import torch
from PIL import Image, ImageDraw

from genapp.drawing import _font, flatten_on_white

INK, PAPER, UNDRAWN = (255, 255, 255), (0, 0, 0), (112, 116, 128)
FIELD_INK, FIELD_PAPER = (150, 200, 255), (30, 64, 175)
CURRENT = (239, 68, 68)
BLIND = (245, 158, 11)

FRAME_SCALE = 10         # 28 px -> 280 px: readable on a phone, small as a GIF
SHEET_SCALE = 4
DIGIT_BOX = 20           # MNIST's digits fill a 20 x 20 box, centred by their centre of mass in 28 x 28
INK_LEVEL = 0.3          # a drawn pixel's share of ink that makes it 1


class EmptyDrawing(ValueError):
    """Nothing was drawn (or uploaded: a blank page)."""

    def __init__(self, message: str = ("The picture is empty — draw a digit (or only its top rows), large, "
                                       "in the middle.")):
        super().__init__(message)


# ---------------------------------------------------------------- the raster-order animation
def frame_positions(size: int = 28) -> list[tuple[int, int]]:
    """The pixels the animation stops at: the first row and the middle row every few pixels (the
    raster order, pixel by pixel), every other row once, at its middle (the field's L shape)."""
    step, mid = max(1, size // 7), size // 2
    out = []
    for r in range(size):
        out += [(r, c) for c in range(0, size, step)] if r in (0, mid) else [(r, mid)]
    return out


def field_at(offsets: torch.Tensor, r: int, c: int, size: int) -> np.ndarray:
    """(size, size) bool: the receptive field of pixel (r, c), from the field of a reference pixel
    as (dr, dc) offsets (a convolution's field moves with the pixel; the image's edge clips it)."""
    out = np.zeros((size, size), bool)
    rows, cols = offsets[:, 0].numpy() + r, offsets[:, 1].numpy() + c
    keep = (rows >= 0) & (rows < size) & (cols >= 0) & (cols < size)
    out[rows[keep], cols[keep]] = True
    return out


def _colour(x: np.ndarray, drawn: np.ndarray, field: np.ndarray) -> np.ndarray:
    """(H, W) binary x -> (H, W, 3) uint8: drawn ink/paper, the field tinted, the rest grey."""
    ink = x > 0.5
    rgb = np.empty((*x.shape, 3), np.uint8)
    rgb[:] = UNDRAWN
    rgb[drawn & ink], rgb[drawn & ~ink] = INK, PAPER
    rgb[field & ink], rgb[field & ~ink] = FIELD_INK, FIELD_PAPER
    return rgb


def _caption(img: np.ndarray, text: str) -> Image.Image:
    scale_h = img.shape[0]
    bar = max(18, scale_h // 12)
    out = Image.new("RGB", (img.shape[1], img.shape[0] + bar), (255, 255, 255))
    out.paste(Image.fromarray(img), (0, 0))
    ImageDraw.Draw(out).text((6, img.shape[0] + 2), text, fill=(30, 30, 30), font=_font(bar - 5))
    return out


def raster_frames(x: torch.Tensor, offsets: torch.Tensor, scale: int = FRAME_SCALE) -> list[Image.Image]:
    """Frames of one binary sample (1, H, W) being drawn: at each of :func:`frame_positions`, the
    pixels before it in raster order, its receptive field and the pixel itself; then the sample.
    Captions are numbers only ((row, column) and the pixel's place), the same in every language."""
    img = x[0].float().numpy()
    size = img.shape[0]
    order = np.arange(size * size).reshape(size, size)
    frames = []
    for r, c in frame_positions(size):
        i = r * size + c
        drawn = order < i
        rgb = _colour(img, drawn, field_at(offsets, r, c, size) & drawn)
        rgb[r, c] = CURRENT
        frame = _caption(rgb.repeat(scale, 0).repeat(scale, 1), f"({r}, {c}) · {i + 1} / {size * size}")
        ring = max(2, scale // 4)   # a ring round the pixel, so one pixel in 784 catches the eye
        ImageDraw.Draw(frame).rectangle((c * scale - ring, r * scale - ring, (c + 1) * scale + ring - 1,
                                         (r + 1) * scale + ring - 1), outline=CURRENT, width=ring)
        frames.append(frame)
    done = _colour(img, np.ones_like(img, bool), np.zeros_like(img, bool)).repeat(scale, 0).repeat(scale, 1)
    frames.append(_caption(done, f"{size * size} / {size * size}"))
    return frames


# The GIF's palette: the pictures' colours exactly, and greys for the caption's anti-aliased text.
PALETTE = [INK, PAPER, UNDRAWN, FIELD_INK, FIELD_PAPER, CURRENT, *[(v, v, v) for v in range(30, 255, 25)]]


def gif(frames: list[Image.Image], ms: int = 140, last_ms: int = 2000) -> bytes:
    """An animated GIF that loops, holding its last frame (the finished sample) a while."""
    palette = Image.new("P", (1, 1))
    palette.putpalette([v for colour in PALETTE for v in colour])
    pal = [f.quantize(palette=palette, dither=Image.Dither.NONE) for f in frames]
    buf = io.BytesIO()
    pal[0].save(buf, format="GIF", save_all=True, append_images=pal[1:], loop=0,
                duration=[ms] * (len(pal) - 1) + [last_ms], disposal=1)
    return buf.getvalue()


# ---------------------------------------------------------------- the blind spot
def field_picture(field: torch.Tensor, blind: torch.Tensor, r: int, c: int, scale: int = FRAME_SCALE) -> Image.Image:
    """One network's view of pixel (r, c): the pixels before it in raster order black, those that
    reach it blue (``field``), those in ``blind`` amber, the pixels after it grey, (r, c) red with a
    ring; the caption counts them (numbers only, the same in every language)."""
    size = field.shape[-1]
    before = np.arange(size * size).reshape(size, size) < r * size + c
    f, b = field.numpy().astype(bool), blind.numpy().astype(bool)
    rgb = np.empty((size, size, 3), np.uint8)
    rgb[:] = UNDRAWN
    rgb[before] = PAPER
    rgb[f] = FIELD_PAPER
    rgb[b] = BLIND
    rgb[r, c] = CURRENT
    big = rgb.repeat(scale, 0).repeat(scale, 1)
    lines = np.zeros_like(big[:, :, 0], bool)   # a faint pixel grid, so pixels can be counted
    lines[::scale], lines[:, ::scale] = True, True
    big[lines] = (big[lines] * 0.75).astype(np.uint8)
    out = _caption(big, f"({r}, {c}) · {int(f.sum())} / {int(before.sum())}" + (f" · {int(b.sum())}" if b.any() else ""))
    ring = max(2, scale // 4)
    ImageDraw.Draw(out).rectangle((c * scale - ring, r * scale - ring, (c + 1) * scale + ring - 1,
                                   (r + 1) * scale + ring - 1), outline=CURRENT, width=ring)
    return out


# ---------------------------------------------------------------- completions
def completion_sheet(given: torch.Tensor, completions: torch.Tensor, rows: int,
                     scale: int = SHEET_SCALE, gap: int = 4) -> Image.Image:
    """The input (its hidden rows grey) and then each completion, in a square-ish grid; a red line
    under the last row kept on every tile."""
    size = given.shape[-1]
    n = 1 + completions.shape[0]
    ncol = max(1, math.ceil(math.sqrt(n)))
    nrow = math.ceil(n / ncol)
    tile = size * scale
    out = Image.new("RGB", (ncol * tile + (ncol + 1) * gap, nrow * tile + (nrow + 1) * gap), (255, 255, 255))
    kept = np.zeros((size, size), bool)
    kept[:rows] = True
    everything = np.ones((size, size), bool)
    pics = [(given[0, 0].numpy(), kept)] + [(x[0].numpy(), everything) for x in completions]
    draw = ImageDraw.Draw(out)
    for k, (img, shown) in enumerate(pics):
        rgb = _colour(img, shown, np.zeros_like(shown)).repeat(scale, 0).repeat(scale, 1)
        y, x = gap + (k // ncol) * (tile + gap), gap + (k % ncol) * (tile + gap)
        out.paste(Image.fromarray(rgb), (x, y))
        if 0 < rows < size:
            line_y = y + rows * scale - 1
            draw.line([(x, line_y), (x + tile - 1, line_y)], fill=CURRENT, width=2)
    return out


# ---------------------------------------------------------------- a drawing -> a binary digit
def digit_from_image(img: Image.Image, size: int = 28) -> torch.Tensor:
    """Any picture of a digit -> (1, 1, size, size) in {0, 1}, placed the way MNIST places its
    digits: the ink's box scaled to fit 20 x 20, centred by its centre of mass. Dark ink on a light
    page and light ink on a dark one both work (the page is the commoner of the two). A stroke
    thinner than MNIST's (about 2 px) is thickened, so a fine pen still gives a digit."""
    gray = np.asarray(flatten_on_white(img), np.float32) / 255.0
    ink = 1.0 - gray if gray.mean() > 0.5 else gray
    mask = ink > INK_LEVEL
    if mask.sum() < 4:
        raise EmptyDrawing()
    ys, xs = np.nonzero(mask)
    crop = ink[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    h, w = crop.shape
    k = DIGIT_BOX * size / 28 / max(h, w)
    nw, nh = max(1, round(w * k)), max(1, round(h * k))
    small = np.asarray(Image.fromarray((crop * 255).astype(np.uint8)).resize((nw, nh), Image.BOX), np.float32) / 255.0
    stroke = mask.sum() / max(1.0, _stroke_length(mask)) * k   # the stroke's width after the shrink, in pixels
    ink_small = small > min(INK_LEVEL, 0.5 * stroke)   # a thin stroke covers a pixel only in part
    if stroke < 1.5:
        ink_small, small = _grow(np.pad(ink_small, 1)), np.pad(small, 1)
        nh, nw = small.shape
    weights = small + ink_small
    cy = (np.arange(nh) @ weights.sum(1)) / weights.sum()
    cx = (np.arange(nw) @ weights.sum(0)) / weights.sum()
    top = min(max(round(size / 2 - 0.5 - cy), 0), size - nh)
    left = min(max(round(size / 2 - 0.5 - cx), 0), size - nw)
    canvas = np.zeros((size, size), np.float32)
    canvas[top:top + nh, left:left + nw] = ink_small
    return torch.from_numpy(canvas)[None, None]


def _grow(m: np.ndarray) -> np.ndarray:
    """Each ink pixel's 3 x 3 neighbourhood becomes ink (a 1 px stroke becomes 3 px)."""
    p = np.pad(m, 1)
    out = np.zeros_like(m)
    for dy in range(3):
        for dx in range(3):
            out |= p[dy:dy + m.shape[0], dx:dx + m.shape[1]]
    return out


def _stroke_length(mask: np.ndarray) -> float:
    """A rough length of the strokes: the ink pixels that have a non-ink 4-neighbour, halved
    (each stroke has two edges)."""
    m = mask.astype(bool)
    inner = m.copy()
    inner[1:] &= m[:-1]
    inner[:-1] &= m[1:]
    inner[:, 1:] &= m[:, :-1]
    inner[:, :-1] &= m[:, 1:]
    return (m & ~inner).sum() / 2.0
