"""EMA of G and the R1 penalty (genapp/models/stabilizers.py) in the dcgan and the cgan."""
from __future__ import annotations

import math

import pytest
import torch

import genapp

from .tiny import tiny, tiny_batch


def test_dcgan_ema_averages_g_and_samples_with_the_average(tmp_path):
    plain = tiny("dcgan")
    assert plain.sampler is plain.generator and plain.generator_ema is None
    assert not any(k.startswith("generator_ema.") for k in plain.state_dict())  # nothing extra saved
    model = tiny("dcgan", ema=0.5)
    model.setup_training()
    before = [p.clone() for p in model.generator_ema.parameters()]
    model.train_step(tiny_batch(model))
    # after one G step with decay 0.5 the average sits halfway between the old and the new weights
    for old, avg, cur in zip(before, model.generator_ema.parameters(), model.generator.parameters()):
        assert torch.allclose(avg, 0.5 * old + 0.5 * cur, atol=1e-6)
        assert not avg.requires_grad
    assert not torch.equal(model.generate(4, seed=0), from_generator(model, 4, seed=0))  # samples come from the average
    # the step-by-step G step of the Lab updates it too
    snapshot = [p.clone() for p in model.generator_ema.parameters()]
    model.g_step(tiny_batch(model))
    assert any(not torch.equal(a, b) for a, b in zip(snapshot, model.generator_ema.parameters()))
    # saved and loaded with the model: the same samples after a round trip
    model.save_pretrained(tmp_path)
    again = genapp.load(str(tmp_path))
    assert torch.equal(again.generate(4, seed=1), model.eval().generate(4, seed=1))
    with pytest.raises(ValueError, match="decay"):
        tiny("dcgan", ema=1.5)
    with pytest.raises(ValueError, match="ema must be a number.*'abc'"):
        tiny("dcgan", ema="abc")


def test_dcgan_r1_penalises_d_gradient_at_real_images():
    """r1 = gamma adds gamma/2 * E ||grad_x D(x)||^2 on real images to D's loss (Mescheder et al.
    2018); 0 (the default, the paper's recipe) adds nothing."""
    plain = tiny("dcgan")
    plain.setup_training()
    assert "gp" not in plain.train_step(tiny_batch(plain))
    model = tiny("dcgan", r1=2.0)
    model.setup_training()
    x, _ = model.real(tiny_batch(model))
    penalty = model.discriminator_penalty(x, None, None, None)
    xr = x.clone().requires_grad_(True)
    grad, = torch.autograd.grad(model.discriminator(xr).sum(), xr)
    expected = 0.5 * 2.0 * grad.flatten(1).pow(2).sum(1).mean()
    assert penalty.item() > 0 and torch.allclose(penalty, expected, rtol=1e-4)
    # it reaches D's weights (a second-order gradient) and shows in the step's stats
    d_grads = torch.autograd.grad(penalty, list(model.discriminator.parameters()), allow_unused=True)
    assert any(g is not None and g.abs().sum() > 0 for g in d_grads)
    stats = model.train_step(tiny_batch(model))
    assert stats["gp"] > 0 and all(math.isfinite(v) for v in stats.values())
    assert tiny("wgan").discriminator_penalty(x, x, None, None) is None  # wgan keeps its own (clip: none)
    for bad in (-1.0, "abc", float("nan")):
        with pytest.raises(ValueError, match="r1 must be"):
            tiny("dcgan", r1=bad)


def test_cgan_ema_averages_g_and_its_label_embedding_and_r1_uses_the_labels(tmp_path):
    plain = tiny("cgan")
    assert plain.generator_ema is None and not any(k.startswith("generator_ema.") for k in plain.state_dict())
    model = tiny("cgan", ema=0.5, r1=1.0)
    model.setup_training()
    live = list(model.generator.parameters()) + list(model.label_to_z.parameters())
    before = [p.clone() for p in model.generator_ema.parameters()]
    assert len(before) == len(live)
    stats = model.train_step(tiny_batch(model))
    assert stats["gp"] > 0
    for old, avg, cur in zip(before, model.generator_ema.parameters(), live):  # the embedding too
        assert torch.allclose(avg, 0.5 * old + 0.5 * cur, atol=1e-6)
    # samples come from the average: G and embedding of the average, not the live ones
    z = torch.randn(4, model.config.latent_dim)
    y = torch.tensor([0, 1, 2, 3])
    with torch.no_grad():
        model.eval()
        from_average = (model.generator_ema["generator"](z * model.generator_ema["label_to_z"](y)) + 1) / 2
        from_live = (model.g(z, y) + 1) / 2
    assert torch.allclose(model.decode(z, y), from_average, atol=1e-6)
    assert not torch.allclose(model.decode(z, y), from_live, atol=1e-4)
    # R1 differentiates D with each real image's own label channel
    x, labels = model.real(tiny_batch(model))
    xr = x.clone().requires_grad_(True)
    grad, = torch.autograd.grad(model.discriminate(xr, labels).sum(), xr)
    assert torch.allclose(model.discriminator_penalty(x, None, labels, None),
                          0.5 * grad.flatten(1).pow(2).sum(1).mean(), rtol=1e-4)
    # saved and loaded with the model: the same samples after a round trip
    model.save_pretrained(tmp_path / "m")
    assert torch.equal(genapp.load(str(tmp_path / "m")).generate(6, seed=2, label=3), model.generate(6, seed=2, label=3))
    # a model without the average can start one (--init-from): it begins at the live weights
    plain.setup_training()
    plain.train_step(tiny_batch(plain))  # weights that differ from a fresh build's
    plain.save_pretrained(tmp_path / "plain")
    from genapp.api import init_from
    fresh = tiny("cgan", ema=0.999)
    init_from(fresh, str(tmp_path / "plain"))
    assert torch.equal(fresh.generate(5, seed=1), plain.generate(5, seed=1))
    with pytest.raises(ValueError, match="decay"):
        tiny("cgan", ema=2)
    with pytest.raises(ValueError, match="r1 must be"):
        tiny("cgan", r1=-1)


def from_generator(model, n, seed):
    from genapp.models.base import from_tanh_space, seeded_noise

    model.eval()
    with torch.no_grad():
        return from_tanh_space(model.generator(seeded_noise((n, model.config.latent_dim), seed, model.device)))

