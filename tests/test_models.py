"""The model contract every family keeps: it trains, saves, loads, generates and translates the same
way, and refuses settings and inputs it cannot use with what to give instead."""
from __future__ import annotations

import json
import math
import re

import pytest
import torch

import genapp
from genapp.models import FAMILIES, build_model
from genapp.models.base import stats_to_floats

from .tiny import TINY, tiny, tiny_batch


def test_registry_lists_every_course_family():
    assert set(FAMILIES) == {"ae", "dae", "vae", "gan", "toy1010", "ring", "dcgan", "wgan", "cgan", "pix2pix", "cyclegan",
                             "pixelcnn"}


@pytest.mark.parametrize("family", list(TINY))
def test_train_step_gives_finite_losses_and_changes_parameters(family):
    model = tiny(family)
    model.setup_training()
    before = {k: v.clone() for k, v in model.state_dict().items() if v.dtype.is_floating_point}
    losses = {}
    for _ in range(3):
        losses = model.train_step(tiny_batch(model))
    assert losses and all(math.isfinite(v) for v in losses.values()), losses
    changed = [k for k, v in model.state_dict().items() if k in before and not torch.equal(v, before[k])]
    assert changed, "no parameter moved"
    if family in ("gan", "dcgan", "cgan", "ring", "toy1010", "pix2pix"):
        assert {"loss_d", "loss_g", "d_x", "d_g_z"} <= set(losses)


@pytest.mark.parametrize("family", list(TINY))
def test_deferred_statistics_are_the_same_numbers_read_later(family):
    """On a GPU the trainer sets defer_stats: a step hands back its statistics as tensors on the
    device (no wait for it), read at the logged steps; they must be the numbers a plain step gives."""
    import random

    plain, deferred = tiny(family), tiny(family)
    deferred.defer_stats = True
    batch = tiny_batch(plain)
    for model in (plain, deferred):
        model.setup_training()
    for _ in range(2):
        torch.manual_seed(1)
        random.seed(1)
        floats = plain.train_step(batch)
        torch.manual_seed(1)
        random.seed(1)
        tensors = deferred.train_step(batch)
        assert all(type(v) is float for v in floats.values()), floats
        assert set(tensors) == set(floats)
        assert all(isinstance(v, torch.Tensor) and v.dim() == 0 and not v.requires_grad
                   for v in tensors.values()), tensors
        read = stats_to_floats(tensors)
        assert list(read) == list(tensors)
        assert read == pytest.approx(floats, rel=1e-5, abs=1e-6)


@pytest.mark.parametrize("family", list(TINY))
def test_save_load_round_trip_gives_identical_outputs(family, tmp_path):
    model = tiny(family)
    model.setup_training()
    model.train_step(tiny_batch(model))
    model.save_pretrained(tmp_path / "m")
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["README.md", "config.json", "model.safetensors"]
    assert json.loads((tmp_path / "m" / "config.json").read_text())["family"] == family
    loaded = genapp.load(str(tmp_path / "m"))
    assert type(loaded) is type(model)
    model.eval()
    if model.kind == "translation":
        x = torch.rand(2, 3, 40, 48)  # any size in; the model's resolution out
        kw = {"direction": "zebra2horse"} if family == "cyclegan" else {}
        a, b = model.translate(x, **kw), loaded.translate(x, **kw)
        assert a.shape == (2, 3, 32, 32)
    else:
        a, b = model.generate(6, seed=3), loaded.generate(6, seed=3)
    assert torch.equal(a, b)


@pytest.mark.parametrize("family", ["dcgan", "gan", "vae", "cgan", "ae", "wgan"])
def test_generate_contract_same_seed_same_images(family):
    model = tiny(family).eval()
    x = model.generate(16, seed=0)
    c = model.config
    assert x.shape == (16, c.channels, c.image_size, c.image_size)
    assert x.dtype == torch.float32 and x.device.type == "cpu"
    assert 0.0 <= float(x.min()) and float(x.max()) <= 1.0
    assert torch.equal(x, model.generate(16, seed=0))
    assert not torch.equal(x, model.generate(16, seed=1))
    if hasattr(model, "decode") and family != "cgan":
        # one sample does not depend on the others in its batch (eval-mode BatchNorm)
        z = torch.randn(4, c.latent_dim)
        assert torch.allclose(model.decode(z)[:1], model.decode(z[:1]), atol=1e-5)


def test_cgan_labels_by_index_and_name():
    model = build_model("cgan", "fashion", ngf=8, ndf=8).eval()
    a = model.generate(4, seed=0, label=7)
    b = model.generate(4, seed=0, label="sneaker")
    assert torch.equal(a, b)
    with pytest.raises(ValueError, match="Unknown class"):
        model.generate(1, seed=0, label="dragon")
    with pytest.raises(ValueError, match="out of range"):
        model.generate(1, seed=0, label=10)
    grid = model.every_class(seed=0, per_class=3)
    assert grid.shape == (30, 1, 28, 28)


def test_pix2pix_and_cyclegan_translate_contract():
    p2p = tiny("pix2pix").eval()
    y = p2p.translate(torch.rand(3, 1, 100, 70))  # grayscale sketch, odd size
    assert y.shape == (3, 3, 32, 32) and 0 <= float(y.min()) and float(y.max()) <= 1
    cyc = tiny("cyclegan").eval()
    with pytest.raises(ValueError, match="direction"):
        cyc.translate(torch.rand(1, 3, 32, 32), direction="cat2dog")
    z, rec = cyc.cycle(torch.rand(1, 3, 32, 32), "horse2zebra")
    assert z.shape == rec.shape == (1, 3, 32, 32)


@pytest.mark.parametrize("family,key,value,message", [
    ("dcgan", "ngF", 128, "dcgan has no setting 'ngF'. Did you mean 'ngf'?"),  # a typo used to be ignored
    ("wgan", "codes", 10, "wgan has no setting 'codes'"),                      # another family's knob
    ("dcgan", "ngf", "abc", "ngf must be a whole number, such as 64"),          # used to fail inside PyTorch
    ("dcgan", "ngf", 0, "ngf is a size and must be at least 1"),               # used to fail at the first step
    ("dcgan", "ngf", 64.5, "ngf must be a whole number"),
    ("dcgan", "ema", True, "ema must be a number"),
    ("dcgan", "r1", -0.1, "r1 must be 0 or more"),
    ("dcgan", "lr", float("nan"), "lr must be 0 or more"),
    ("wgan", "penalty", 1, "penalty must be a word, such as \"clip\""),
    # sizes the networks cannot take: they used to fail at the first step, after loading the data
    ("pix2pix", "image_size", 100, "pix2pix works at 32, 64, 128 or 256 px"),
    ("cyclegan", "image_size", 1000, "cyclegan works at a multiple of 4 from 32 to 256 px"),
    ("dcgan", "image_size", 30, "dcgan works at 14, 28 or 56 px"),
    ("wgan", "image_size", 100, "wgan works at 14, 28 or 56 px"),
    ("cgan", "image_size", 128, "cgan works at 14, 28 or 56 px"),
    ("vae", "image_size", 4096, "vae works at 8 to 256 px"),
])
def test_a_setting_that_cannot_be_used_is_refused_with_what_to_give(family, key, value, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        genapp.build_model(family, **{key: value})


def test_settings_of_the_right_kind_are_taken():
    m = genapp.build_model("dcgan", "fashion", ngf=32, ema=0.999, r1=0, lr_decay=1, codes=10)  # ints for floats: fine
    assert (m.config.ngf, m.config.ema, m.config.r1, m.config.lr_decay, m.codes) == (32, 0.999, 0, 1, 10)
    assert genapp.build_model("wgan", penalty="gp").config.penalty == "gp"
    for family, dataset, size in (("dcgan", "mnist", 32), ("cgan", "fashion", 56), ("pix2pix", "edges2shoes", 128),
                                  ("cyclegan", "horse2zebra", 96)):
        m = genapp.build_model(family, dataset, image_size=size, ngf=4, ndf=4).eval()
        x = torch.rand(2, m.config.channels, size, size)
        out = m.translate(x) if m.kind == "translation" else m.generate(2, seed=0)
        assert out.shape == (2, m.config.channels, size, size)


@pytest.mark.parametrize("n", [0, -1, 2.5, "3", None])
def test_generate_refuses_a_count_that_is_not_a_whole_number_of_samples(n):
    for family in ("dcgan", "cgan", "vae", "gan"):
        with pytest.raises(ValueError, match="number of samples must be a whole number of at least 1"):
            tiny(family).generate(n)
    assert tiny("dcgan").generate(3.0, seed=2.0).shape[0] == 3  # a form field's 3.0 is 3
    with pytest.raises(ValueError, match="seed must be a whole number"):
        tiny("dcgan").generate(2, seed="x")


@pytest.mark.parametrize("x,message", [
    (torch.rand(3, 32, 32), "For one image, use x\\[None\\]"),
    (torch.rand(1, 4, 32, 32), "C = 1 or 3"),
    (torch.rand(1, 3, 32, 32) * 255, "for 8-bit values use x / 255"),
    ((torch.rand(1, 3, 32, 32) * 255).to(torch.uint8), "floats in \\[0, 1\\]"),
    (torch.full((1, 3, 32, 32), float("nan")), "NaN"),
    ([[0.5]], "torch tensor"),
])
def test_translate_says_what_is_wrong_with_the_images_it_is_given(x, message):
    for family in ("pix2pix", "cyclegan"):
        with pytest.raises(ValueError, match=message):
            tiny(family).translate(x)
    for family in ("pix2pix", "cyclegan"):  # what it takes: grey or colour, any size, in [0, 1]
        m = tiny(family)
        for ok in (torch.rand(2, 1, 20, 30), torch.rand(1, 3, 64, 64)):
            assert m.translate(ok).shape == (len(ok), 3, m.config.image_size, m.config.image_size)

