"""Where the animal is in a photo, and whether a translation drew stripes on it.

A person calls a translated horse a zebra when its body is striped; stripes on the grass around a
plain horse do not count. The judge (:mod:`.horse_zebra`) reads texture over the whole photo and
cannot tell the two apart, so the CycleGAN's metrics also measure the animal itself:
:func:`animal_mask` finds it without a detector, :func:`stripes_added_on_animal` says how much
finer detail the translation has there than the photo had.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F


def luminance(x: torch.Tensor) -> torch.Tensor:
    """(N, 3, H, W) in [0, 1] -> (N, 1, H, W), Rec. 601 weights."""
    return (0.299 * x[:, 0] + 0.587 * x[:, 1] + 0.114 * x[:, 2]).unsqueeze(1)


def gaussian_blur(x: torch.Tensor, sigma: float) -> torch.Tensor:
    """A separable 7-tap Gaussian blur per channel, reflect-padded."""
    k = torch.arange(-3, 4, dtype=torch.float32)
    k = torch.exp(-k ** 2 / (2 * sigma ** 2))
    k = (k / k.sum()).view(1, 1, 1, 7).expand(x.size(1), 1, 1, 7)
    x = F.conv2d(F.pad(x, (3, 3, 0, 0), mode="reflect"), k, groups=x.size(1))
    return F.conv2d(F.pad(x, (0, 0, 3, 3), mode="reflect"), k.transpose(2, 3), groups=x.size(1))


def stripe_detail(zebras: torch.Tensor) -> torch.Tensor:
    """The stripes of photos (N, 3, S, S) in [0, 1] as a luminance detail map (N, 1, S, S) in
    [-1, 1]: luminance minus its blur (sigma 2 px), scaled by twice its spread. On a zebra photo it
    is the coat's black-and-white bands; on the grass around it, faint."""
    lum = luminance(zebras)
    d = lum - gaussian_blur(lum, 2.0)
    return (d / (2 * d.std((2, 3), keepdim=True) + 1e-3)).clamp(-1, 1)


def animal_mask(x: torch.Tensor, low: int = 32, border: int = 3) -> torch.Tensor:
    """A rough mask (N, 1, S, S) in [0, 1] of the animal in photos (N, 3, S, S): at 32 px, the
    pixels whose colour is far (over 35 % of the photo's largest such distance) from every colour
    on the photo's border, grown by a pixel. Grass, sand and sky reach the border, the animal
    mostly does not; no detector needed (close-ups that fill the frame get a partial mask)."""
    s = F.interpolate(x.float(), size=(low, low), mode="bilinear", antialias=True, align_corners=False)
    flat = s.flatten(2).transpose(1, 2)
    i = torch.arange(low)
    edge = ((i[:, None] < border) | (i[:, None] >= low - border) | (i[None, :] < border) | (i[None, :] >= low - border)).flatten()
    d = torch.cdist(flat, flat[:, edge]).min(-1).values
    m = (d > 0.35 * d.amax(1, keepdim=True)).float().view(len(x), 1, low, low)
    return F.interpolate(F.max_pool2d(m, 3, 1, 1), size=x.shape[-2:], mode="bilinear", align_corners=False)


def fine_detail(x: torch.Tensor) -> torch.Tensor:
    """|luminance - its blur (sigma 1 px)|: (N, 1, H, W), high on stripes and edges."""
    lum = luminance(x.float())
    return (lum - gaussian_blur(lum, 1.0)).abs()


def stripes_added_on_animal(photos: torch.Tensor, made: torch.Tensor) -> torch.Tensor:
    """(N,): the mean fine detail on the animal (:func:`animal_mask` of the photo) in the
    translation ``made`` minus the photo's. Above 0: the translation drew finer detail (stripes)
    on the animal than the photo had; a blurry or unchanged animal is at or below 0, whatever the
    grass around it does."""
    m = animal_mask(photos)
    area = m.sum((1, 2, 3)).clamp(min=1)
    return ((fine_detail(made) - fine_detail(photos)) * m).sum((1, 2, 3)) / area
