"""The dcgan's InfoGAN codes: a category in z that G draws and D's Q head reads back."""
from __future__ import annotations

import math

import pytest
import torch

from genapp.data import BatchStream, load_dataset
from genapp.models.base import seeded_noise

from .tiny import tiny, tiny_batch


def test_dcgan_codes_give_g_a_category_that_d_reads_back():
    """codes = k (InfoGAN): the argmax of z's first k entries picks a category that reaches G as
    a one-hot vector; D's Q head must tell it back from the image, and D and G both minimise that
    cross-entropy, so the categories come to look different. codes = 0 changes nothing."""
    import torch.nn.functional as F

    plain = tiny("dcgan")
    z = torch.randn(6, 100)
    assert plain.category(z) is None and torch.equal(plain.with_code(z)[0], z)
    assert plain.discriminator(torch.zeros(2, 1, 28, 28)).shape == (2,)
    model = tiny("dcgan", codes=4)
    g_in, cat = model.with_code(z)
    assert torch.equal(cat, z[:, :4].argmax(1))
    assert torch.equal(g_in[:, :4], 5.0 * F.one_hot(cat, 4).float()) and torch.equal(g_in[:, 4:], z[:, 4:])
    assert torch.equal(tiny("dcgan", codes=4, code_scale=2.0).with_code(z)[0][:, :4], 2.0 * F.one_hot(cat, 4).float())
    # only the argmax of the first k entries matters, not their values
    z2 = z.clone()
    z2[:, :4] = z2[:, :4] * 3.0 + 1.0  # same argmax
    assert torch.equal(model.decode(z), model.decode(z2))
    z3 = z.clone()
    z3[:, :4] = F.one_hot((cat + 1) % 4, 4).float()  # every sample in another category
    assert not torch.allclose(model.decode(z), model.decode(z3))
    # D: the logit and k code logits from one network; discriminate gives the logit only
    x, _ = model.real(tiny_batch(model))
    assert model.discriminator(x).shape == (4, 5) and model.discriminate(x, None).shape == (4,)
    fake, labels = model.fake(4)
    out, info = model.discriminate_fake(fake, labels)
    full = model.discriminator(fake)
    assert torch.allclose(out, full[:, 0]) and torch.allclose(info, F.cross_entropy(full[:, 1:], labels))
    g_grads = torch.autograd.grad(info, list(model.generator.parameters()), allow_unused=True)
    assert any(g is not None and g.abs().sum() > 0 for g in g_grads)  # it reaches G
    # training: the information term shows in the stats and falls well below chance (log k)
    model = tiny("dcgan", codes=4, lr=2e-3)  # a higher rate: the tiny nets learn it in a few dozen steps
    model.setup_training()
    stream = BatchStream(load_dataset("mnist"), 16, seed=0)
    infos = [model.train_step(next(stream))["info"] for _ in range(80)]
    assert all(math.isfinite(v) for v in infos)
    assert sum(infos[-10:]) / 10 < 0.5 * math.log(4) < infos[0]
    assert "info" in model.d_step_fake(next(stream))  # the Lab's step-by-step D step has it too
    for bad in (1, -1, 100, "abc", 2.5, True):
        with pytest.raises(ValueError, match="codes must be"):
            tiny("dcgan", codes=bad)
    for bad in (0, -1.0, "abc"):
        with pytest.raises(ValueError, match="info must be"):
            tiny("dcgan", codes=4, info=bad)
    for bad in (0, -2.0, "abc"):
        with pytest.raises(ValueError, match="code_scale must be"):
            tiny("dcgan", codes=4, code_scale=bad)
    assert not hasattr(tiny("wgan").config, "codes") and tiny("wgan").codes == 0
    # the live view and the sample sheet show one row per category, the same rest of z per column
    grid, per_row = model.preview(None)
    assert grid.shape == (4 * 8, 1, 28, 28) and per_row == 8
    rows = model.every_category(seed=3, per_category=2)
    z = seeded_noise((2, 100), 3, model.device)
    z[:, :4] = 0.0
    z[:, 2] = 1.0  # category 2: its row
    assert torch.allclose(rows[4:6], model.decode(z), atol=1e-5)

