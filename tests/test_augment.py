"""Training augmentation (genapp/models/augment.py): random jitter and sketch mixing, and the
pix2pix and CycleGAN families using them only when asked."""
from __future__ import annotations

import pytest
import torch

from .tiny import tiny, tiny_batch


def test_random_jitter_crops_and_mirrors_pairs_alike():
    from genapp.models.augment import random_jitter

    gen = torch.Generator().manual_seed(0)
    a = torch.rand(16, 3, 32, 32, generator=gen)
    b = a[:, :1].clone()  # a different number of channels, the same pictures
    ja, jb = random_jitter(a, b, generator=torch.Generator().manual_seed(1))
    assert ja.shape == a.shape and jb.shape == b.shape
    assert torch.equal(ja[:, :1], jb)  # each pair got the same crop and the same mirror
    assert not torch.allclose(ja, a)  # ... and something did change
    # a left-to-right ramp tells a mirrored crop (falling) from a plain one (rising): both happen
    ramp = torch.linspace(0, 1, 32).expand(16, 1, 32, 32)
    (jr,) = random_jitter(ramp, generator=torch.Generator().manual_seed(2))
    slopes = (jr[:, 0, :, -1] - jr[:, 0, :, 0]).mean(1)
    assert (slopes > 0.5).sum() > 0 and (slopes < -0.5).sum() > 0 and (slopes.abs() > 0.5).all()
    with pytest.raises(ValueError, match="same batch size"):
        random_jitter(a, b[:3])


def test_pix2pix_jitters_its_training_pairs_only_when_asked(monkeypatch):
    from genapp.models import pix2pix as p2p

    calls = []
    real = p2p.random_jitter
    monkeypatch.setattr(p2p, "random_jitter", lambda *x: calls.append(len(x)) or real(*x))
    for augment, expected in ((True, [2]), (False, [])):
        calls.clear()
        model = tiny("pix2pix", augment=augment)
        model.setup_training()
        model.train_step(tiny_batch(model))
        assert calls == expected
    with pytest.raises(ValueError, match="augment must be true or false"):
        tiny("pix2pix", augment="maybe")


def test_sketch_mix_swaps_a_share_of_edge_maps_for_outlines():
    from genapp.models.augment import sketch_mix

    n = 400
    edges = torch.ones(n, 3, 32, 32)
    edges[:, :, ::4, :] = 0.0                     # "interior lines" everywhere
    outline = torch.ones(n, 3, 32, 32)
    outline[:, :, :, 0] = 0.0                     # one outline line
    assert torch.equal(sketch_mix(edges, outline, 0.0), edges)
    out = sketch_mix(edges, outline, 0.5, generator=torch.Generator().manual_seed(0))
    as_edges = (out == edges).flatten(1).all(1)
    as_outline = (out == outline).flatten(1).all(1)
    partial = ~as_edges & ~as_outline
    assert 0.4 < as_edges.float().mean() < 0.6      # about half kept
    assert 0.18 < as_outline.float().mean() < 0.32 and 0.18 < partial.float().mean() < 0.32
    # a partial sketch: the whole outline plus the edge map's lines in some cells, never new lines
    p = out[partial]
    assert (p[:, :, :, 0] == 0).all() and (p >= torch.minimum(edges[:1], outline[:1])).all()
    kept = (p[:, 0, ::4, 1:] == 0).float().mean()
    assert 0.3 < kept < 0.7
    with pytest.raises(ValueError, match="between 0 and 1"):
        sketch_mix(edges, outline, 1.5)


def test_pix2pix_trains_on_outlines_only_when_asked(monkeypatch):
    from genapp.models import pix2pix as p2p

    seen = []
    real = p2p.sketch_mix
    monkeypatch.setattr(p2p, "sketch_mix", lambda a, o, p: seen.append(p) or real(a, o, p))
    for share, expected in ((0.5, [0.5]), (0.0, [])):
        seen.clear()
        model = tiny("pix2pix", sketches=share)
        model.setup_training()
        batch = tiny_batch(model)
        assert batch["outline"].shape == batch["a"].shape
        model.train_step(batch)
        assert seen == expected
    for bad in (1.5, -0.1, "half", True):
        with pytest.raises(ValueError, match="sketches must be (a number|0 or more)"):
            tiny("pix2pix", sketches=bad)


def test_cyclegan_jitters_each_side_on_its_own_only_when_asked(monkeypatch):
    from genapp.models import cyclegan as cg

    calls = []
    real = cg.random_jitter
    monkeypatch.setattr(cg, "random_jitter", lambda *x: calls.append(len(x)) or real(*x))
    for augment, expected in ((True, [1, 1]), (False, [])):   # unpaired: horses and zebras apart
        calls.clear()
        model = tiny("cyclegan", augment=augment)
        model.setup_training()
        model.train_step(tiny_batch(model, 1))
        assert calls == expected
    with pytest.raises(ValueError, match="augment must be true or false"):
        tiny("cyclegan", augment="maybe")
    # a config written before these options (the shipped one) keeps the paper's layers, unjittered
    old = cg.CycleGANConfig.from_dict({"family": "cyclegan", "ngf": 32, "n_blocks": 6})
    assert (old.upsample, old.augment) == ("deconv", False)

