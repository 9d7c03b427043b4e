"""Shoe outlines from edges2shoes pairs: what a hand-drawn sketch of the same shoe looks like.

edges2shoes' inputs are HED edge maps: every crease, seam and lace of the photo. A person at the
Sketch tab draws something much sparser -- the outline of the shoe, maybe the sole line and a few
laces. A pix2pix trained on HED edges alone has never seen a sketch that sparse and fills it with
mottled grey. So each training pair also gets its **outline**: the shoe's silhouette (the photo's
non-white pixels together with the HED edges, gaps closed, holes filled from the border inwards,
specks opened away) reduced to its one-pixel boundary -- dark lines on white, aligned with the
photo. :mod:`genapp.models.pix2pix` mixes edge maps and outlines while it trains (``sketches``).

Everything runs on whole batches with max-pooling (dilation) in torch: the fill is a flood from
the image border, one pixel per pass, which takes a few seconds for the 1,000 pairs.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

WHITE = 236          # a photo pixel with every channel above this is background (edges2shoes is shot on white)
EDGE_INK = 128       # HED edge pixels are darker than this
WORK = 64            # the silhouette is found at this size (a quarter of edges2shoes' 256 px), then scaled back


def _dilate(m: torch.Tensor, k: int) -> torch.Tensor:
    return F.max_pool2d(m, k, 1, k // 2)


def _erode(m: torch.Tensor, k: int, frame: bool = False) -> torch.Tensor:
    """Shrink a 0/1 mask; with ``frame`` outside the image counts as background (it erodes there too)."""
    if frame:
        return -F.max_pool2d(-F.pad(m, (k // 2,) * 4), k, 1)
    return -F.max_pool2d(-m, k, 1, k // 2)


def silhouettes(edges: np.ndarray, photos: np.ndarray) -> np.ndarray:
    """(N, 3, S, S) uint8 edge maps and photos -> (N, S, S) bool masks of each shoe's filled shape."""
    e = torch.from_numpy(np.ascontiguousarray(edges)).float().mean(1, keepdim=True)
    p = torch.from_numpy(np.ascontiguousarray(photos)).float().amin(1, keepdim=True)
    size = p.shape[-1]
    fg = ((p <= WHITE) | (e < EDGE_INK)).float()
    if size > WORK:
        fg = (F.adaptive_avg_pool2d(fg, WORK) >= 0.25).float()  # a cell a quarter inked is shoe (not a stray speck or shadow)
    closed = _dilate(fg, 3)                                     # close small gaps in the outline
    # the background is what the border reaches without crossing the shoe
    free = 1.0 - closed
    bg = torch.zeros_like(free)
    bg[..., 0, :] = bg[..., -1, :] = bg[..., :, 0] = bg[..., :, -1] = 1.0
    bg = bg * free
    for i in range(4 * WORK):
        grown = _dilate(bg, 3) * free
        if i % 8 == 7 and torch.equal(grown, bg):
            break
        bg = grown
    shape = _erode(1.0 - bg, 3)                                 # undo the closing's growth
    shape = _dilate(_erode(shape, 3), 3)                        # open away specks
    if shape.shape[-1] != size:
        # back to full size without the coarse grid's stairs: bilinear, then a box blur, then the 0.5 level
        shape = F.interpolate(shape, size=(size, size), mode="bilinear", align_corners=False)
        k = 2 * (size // WORK) + 1
        shape = F.avg_pool2d(shape, k, 1, k // 2, count_include_pad=False)
    return (shape[:, 0] > 0.5).numpy()


def outlines(edges: np.ndarray, photos: np.ndarray, chunk: int = 128) -> np.ndarray:
    """(N, 3, S, S) uint8 edge maps and photos -> (N, 3, S, S) uint8 outlines, dark lines on white."""
    out = np.empty_like(np.asarray(photos))
    for i in range(0, len(out), chunk):     # in chunks: a few float copies of 1,000 256 px masks is a GB
        fg = torch.from_numpy(silhouettes(edges[i:i + chunk], photos[i:i + chunk])).float().unsqueeze(1)
        line = (fg - _erode(fg, 3, frame=True)) > 0.5         # the one-pixel boundary, closed along the frame
        out[i:i + chunk] = torch.where(line, 0, 255).to(torch.uint8).expand(-1, out.shape[1], -1, -1).numpy()
    return out
