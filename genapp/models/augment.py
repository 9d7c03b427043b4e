"""Random jitter and mirroring, the augmentation of the pix2pix and CycleGAN reference code.

Each image of a batch is enlarged by 286/256 (the references load 256 px images at 286 and crop
256 back), cropped back to its size at a random place, and mirrored left-right with probability
1/2. With 900 training pairs a pix2pix U-Net otherwise learns the training shoes by heart: its
held-out L1 got worse the longer it trained (docs/samples, the model card). Tensors in, tensors
out, on their own device, so it costs nothing to feed.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

ENLARGE = 286 / 256


def _draw(generator: torch.Generator | None, device: torch.device, fn, *args) -> torch.Tensor:
    """Random numbers from ``generator`` (moved to ``device``), or drawn on ``device`` itself: on a
    GPU that needs no copy from the host, which would make the host wait for the GPU each step,
    and a CUDA graph can record it."""
    if generator is not None:
        return fn(*args, generator=generator, device=generator.device).to(device)
    return fn(*args, device=device)


def random_jitter(*images: torch.Tensor, generator: torch.Generator | None = None) -> tuple[torch.Tensor, ...]:
    """The same random crop and mirror for each index of every tensor given (so an edge map and
    its photo stay aligned). Each tensor is (N, C, S, S); the results have the same shapes."""
    n, size = images[0].size(0), images[0].size(-1)
    if any(x.size(0) != n or x.shape[-2:] != images[0].shape[-2:] for x in images):
        raise ValueError("random_jitter needs tensors of the same batch size and image size.")
    big = int(round(size * ENLARGE))
    stacked = torch.cat(images, 1)
    if big > size:
        stacked = F.interpolate(stacked, size=(big, big), mode="bilinear", align_corners=False)
    dev = stacked.device
    top = _draw(generator, dev, torch.randint, 0, big - size + 1, (n, 1))
    left = _draw(generator, dev, torch.randint, 0, big - size + 1, (n, 1))
    mirror = _draw(generator, dev, torch.rand, (n, 1)) < 0.5
    span = torch.arange(size, device=dev)
    rows = top + span                                                   # (N, S): each image's crop
    cols = left + torch.where(mirror, size - 1 - span, span)            # read right to left if mirrored
    out = stacked.permute(0, 2, 3, 1)[torch.arange(n, device=dev)[:, None, None], rows[:, :, None], cols[:, None, :]]
    out = out.permute(0, 3, 1, 2).contiguous()
    return tuple(out.split([x.size(1) for x in images], 1))


def random_crop(images: torch.Tensor, size: int, generator: torch.Generator | None = None) -> torch.Tensor:
    """A random ``size`` x ``size`` crop of each image of (N, C, S, S), each at its own place.

    The CycleGAN reference trains on 256-px crops of 286-px photos; cropping a small patch of a
    larger photo costs what training at the patch's size costs, but the textures are learned at
    the whole photo's scale, and the fully convolutional generator then runs on the whole photo."""
    n, full = images.size(0), images.size(-1)
    if size >= full:
        return images
    dev = images.device
    top = _draw(generator, dev, torch.randint, 0, full - size + 1, (n, 1))
    left = _draw(generator, dev, torch.randint, 0, full - size + 1, (n, 1))
    span = torch.arange(size, device=dev)
    rows, cols = top + span, left + span
    out = images.permute(0, 2, 3, 1)[torch.arange(n, device=dev)[:, None, None], rows[:, :, None], cols[:, None, :]]
    return out.permute(0, 3, 1, 2).contiguous()


SKETCH_CELLS = 4     # the edge map is kept or dropped in a 4 x 4 grid of cells for a partial sketch


def sketch_mix(edges: torch.Tensor, outline: torch.Tensor, p: float,
               generator: torch.Generator | None = None) -> torch.Tensor:
    """Edge maps, some swapped for sketch-like inputs (all (N, C, S, S) in [0, 1], dark lines on white).

    With probability ``p`` a pair's edge map is replaced: half of those by the shoe's outline alone
    (:mod:`genapp.outlines`), half by the outline plus the edge map's lines in a random half of a
    4 x 4 grid of cells -- an outline with some laces or a sole line, as people draw shoes. The
    photo stays the target, so the U-Net learns to fill an outline with a whole shoe.
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"sketches must be between 0 and 1 (got {p}).")
    if p == 0.0:
        return edges
    n = edges.size(0)
    r = _draw(generator, edges.device, torch.rand, (n, 1, 1, 1))
    keep = (_draw(generator, edges.device, torch.rand, (n, 1, SKETCH_CELLS, SKETCH_CELLS)) < 0.5).to(edges.dtype)
    keep = F.interpolate(keep, size=edges.shape[-2:], mode="nearest")
    partial = torch.minimum(outline, 1.0 - keep * (1.0 - edges))      # darker of outline and kept lines
    return torch.where(r < p / 2, outline, torch.where(r < p, partial, edges))
