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
    top = torch.randint(0, big - size + 1, (n,), generator=generator).tolist()
    left = torch.randint(0, big - size + 1, (n,), generator=generator).tolist()
    mirror = (torch.rand(n, generator=generator) < 0.5).tolist()
    out = []
    for k in range(n):
        crop = stacked[k, :, top[k]:top[k] + size, left[k]:left[k] + size]
        out.append(crop.flip(-1) if mirror[k] else crop)
    out = torch.stack(out)
    return tuple(out.split([x.size(1) for x in images], 1))
