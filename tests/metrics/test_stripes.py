"""genapp.metrics.stripes: the animal's mask and the stripes a translation drew on it, the way a
person reads a translated horse (its body, not the grass)."""
from __future__ import annotations

import torch

from genapp.metrics.stripes import animal_mask, gaussian_blur, stripes_added_on_animal

SIZE = 64


def _horse_in_a_field(n: int = 3) -> tuple[torch.Tensor, slice]:
    gen = torch.Generator().manual_seed(0)
    field = torch.tensor([0.3, 0.6, 0.2]).view(1, 3, 1, 1).expand(n, 3, SIZE, SIZE).clone()
    field += 0.03 * torch.rand(field.shape, generator=gen)          # grass is never flat
    body = slice(SIZE // 4, SIZE * 3 // 4)
    field[..., body, body] = torch.tensor([0.5, 0.3, 0.15]).view(1, 3, 1, 1)   # a brown horse
    return field, body


def test_the_mask_finds_the_animal_and_leaves_the_field():
    photos, body = _horse_in_a_field()
    m = animal_mask(photos)
    assert m.shape == (3, 1, SIZE, SIZE) and m.min() >= 0 and m.max() <= 1
    inner = slice(body.start + 2, body.stop - 2)
    assert (m[..., inner, inner] == 1).all()
    assert (m[..., :body.start - 4, :] == 0).all() and (m[..., body.stop + 4:, :] == 0).all()


def test_stripes_count_on_the_body_not_on_the_grass_nor_a_blur():
    photos, body = _horse_in_a_field()
    bands = (torch.arange(SIZE) // 3 % 2).float().view(1, 1, SIZE, 1) - 0.5   # 3-px bands
    striped_body = photos.clone()
    striped_body[..., body, body] = (striped_body[..., body, body] + 0.6 * bands[..., body, :]).clamp(0, 1)
    striped_grass = photos.clone()
    far = slice(0, body.start - 8)                                   # the grass, well away from the horse
    striped_grass[..., far, :] = (striped_grass[..., far, :] + 0.6 * bands[..., far, :]).clamp(0, 1)
    blurred = gaussian_blur(photos, 1.5)
    assert (stripes_added_on_animal(photos, striped_body) > 0.05).all()
    assert stripes_added_on_animal(photos, striped_grass).abs().max() < 1e-6
    assert (stripes_added_on_animal(photos, blurred) < 0).all()
    assert stripes_added_on_animal(photos, photos).abs().max() < 1e-6
