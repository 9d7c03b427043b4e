"""CycleGAN at the whole photo's scale: trained on random crops of larger photos (the reference
code's load-then-crop), run on the whole photo, whatever its shape."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

from genapp.models import build_model
from genapp.models.augment import random_crop


def tiny(**extra):
    torch.manual_seed(0)
    return build_model("cyclegan", "horse2zebra", ngf=8, ndf=8, n_blocks=1, **extra)


def test_random_crop_takes_a_window_of_each_image_at_its_own_place():
    x = torch.arange(4 * 2 * 16 * 16, dtype=torch.float32).view(4, 2, 16, 16)
    g = torch.Generator().manual_seed(0)
    out = random_crop(x, 8, generator=g)
    assert out.shape == (4, 2, 8, 8)
    places = set()
    for img, crop in zip(x, out):
        top, left = divmod(int(crop[0, 0, 0].item()) % 256, 16)   # values count up row by row
        assert torch.equal(crop, img[:, top:top + 8, left:left + 8])
        places.add((top, left))
    assert len(places) > 1                        # not one place for the whole batch
    assert random_crop(x, 16) is x                # nothing to crop


def test_training_on_crops_feeds_the_networks_crops_of_the_whole_photo():
    model = tiny(image_size=64, crop_size=32)
    model.setup_training()
    seen = []
    model.g_xy.register_forward_hook(lambda m, inp, out: seen.append(tuple(inp[0].shape[-2:])))
    batch = {"a": torch.rand(2, 3, 64, 64), "b": torch.rand(2, 3, 64, 64)}
    stats = model.train_step(batch)
    assert seen and set(seen) == {(32, 32)}
    assert stats and all(torch.isfinite(torch.as_tensor(float(v))) for v in stats.values())
    # ... and the model then runs on the whole 64-px photo
    assert model.translate(torch.rand(1, 3, 64, 64)).shape == (1, 3, 64, 64)


@pytest.mark.parametrize("crop", [16, 30, 96])
def test_a_crop_size_that_cannot_work_is_refused_with_the_range(crop):
    with pytest.raises(ValueError, match="crop_size must be 0 or a multiple of 4 from 32 to image_size=64"):
        tiny(image_size=64, crop_size=crop)


def test_the_whole_photo_is_translated_at_the_models_scale_not_its_centre_square():
    model = tiny(image_size=32)
    wide = torch.rand(1, 3, 60, 100)
    out = model.translate_whole(wide)
    assert out.shape == (1, 3, 32, 52)            # short side at the model's size, the shape kept
    assert model.translate_whole(torch.rand(2, 3, 100, 60), "zebra2horse").shape == (2, 3, 52, 32)
    assert model.translate_whole(torch.rand(1, 3, 30, 200)).shape == (1, 3, 32, 64)   # a panorama: its middle 2:1
    # a square photo gives what translate gives
    sq = torch.rand(1, 3, 80, 80)
    assert torch.allclose(model.translate_whole(sq), model.translate(sq))


def test_the_horse_tab_translates_the_whole_photo_and_shows_it_at_256_px(tmp_path, monkeypatch):
    from genapp.ui.tabs import horse as horse_tab

    model = tiny(image_size=32)
    monkeypatch.setattr(horse_tab, "load_model", lambda *a, **k: model)
    photo = Image.new("RGB", (300, 180), (120, 90, 60))
    photo.paste((250, 250, 250), (0, 0, 40, 180))   # a white strip at the left edge: must not be cropped away
    out = horse_tab.horse_to_zebra(photo, "horse2zebra", "any")
    assert out.size == (52, 32)                      # 300 x 180 at a short side of 32, not a square
    (before, after), recon = horse_tab.cycle_view(photo, out, "horse2zebra", "any")
    assert min(before.size) >= 256 and before.size == after.size and recon.size == after.size
    left = np.asarray(before.crop((0, 0, 20, before.size[1])), dtype=np.float32).mean()
    assert left > 200                                # the photo's left edge is in the "before" picture


def test_translate_and_cycle_pairs_the_slider_with_its_own_photo(monkeypatch):
    """The Translate button's second event translates the photo it shows the slider for: an example
    clicked while the first translation ran no longer pairs one photo with another's zebra."""
    from genapp.ui.tabs import horse as horse_tab

    model = tiny(image_size=32)
    monkeypatch.setattr(horse_tab, "load_model", lambda *a, **k: model)
    light, dark = Image.new("RGB", (64, 48), (230, 220, 200)), Image.new("RGB", (64, 48), (40, 30, 20))
    translated, (before, after), recon = horse_tab.translate_and_cycle(dark, "horse2zebra", "any")
    assert np.array_equal(np.asarray(translated), np.asarray(horse_tab.horse_to_zebra(dark, "horse2zebra", "any")))
    assert not np.array_equal(np.asarray(translated), np.asarray(horse_tab.horse_to_zebra(light, "horse2zebra", "any")))
    assert np.asarray(before, dtype=np.float32).mean() < 60     # the dark photo, not the light one
    assert np.array_equal(np.asarray(after), np.asarray(horse_tab.for_display(translated)))
    assert horse_tab.translate_and_cycle(None, "horse2zebra", "any") == (None, None, None)
