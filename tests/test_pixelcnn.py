"""PixelCNN: causality of the masks, the blind spot, the likelihood, the samplers and the API,
on tiny networks and the real (binarized) MNIST; and ``python -m train pixelcnn`` end to end."""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

import genapp
from genapp.data import load_dataset
from genapp.models import build_model, model_class
from genapp.models.pixelcnn import binarize
from genapp.models.pixelcnn_layers import MaskedConv2d, sample_cropped, sample_gated

REPO = Path(__file__).resolve().parent.parent
TINY = {"width": 8, "layers": 2, "kernel": 5}


@pytest.fixture(autouse=True)
def one_thread():
    """Tiny networks: more threads only wait on each other (and on the other users of the CPU)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def tiny(arch: str = "gated", **over) -> genapp.models.GenerativeModel:
    torch.manual_seed(0)
    return build_model("pixelcnn", "mnist", arch=arch, **{**TINY, **over})


def before(r: int, c: int, size: int = 28) -> torch.Tensor:
    """The pixels before (r, c) in raster order."""
    i = torch.arange(size * size).view(size, size)
    return i < r * size + c


@pytest.mark.parametrize("arch", ["gated", "plain"])
def test_each_logit_depends_only_on_earlier_pixels(arch):
    model = tiny(arch)
    for r, c in [(0, 0), (0, 5), (5, 0), (13, 14), (27, 27), (27, 0), (10, 27)]:
        seen = model.receptive_field(r, c)
        assert not (seen & ~before(r, c)).any(), f"pixel ({r}, {c}) sees a pixel at or after itself"
        if (r, c) != (0, 0):
            assert seen.any()
    assert not model.receptive_field(0, 0).any()  # the first pixel is a plain Bernoulli


def test_mask_a_hides_the_centre_and_mask_b_shows_it():
    a, b = MaskedConv2d("A", 1, 1, 5).mask[0, 0], MaskedConv2d("B", 1, 1, 5).mask[0, 0]
    assert a[2, 2] == 0 and b[2, 2] == 1
    for m in (a, b):
        assert m[:2].all() and m[2, :2].all()        # rows above, and left in the centre row: seen
        assert not m[3:].any() and not m[2, 3:].any()  # rows below, right in the centre row: hidden


def test_gated_stacks_have_no_blind_spot_and_the_plain_stack_has_one():
    r, c = 14, 14
    gated, plain = tiny("gated").receptive_field(r, c), tiny("plain").receptive_field(r, c)
    reach = TINY["kernel"] // 2 + TINY["layers"]  # rows up and columns either side
    rows, cols = torch.arange(28)[:, None], torch.arange(28)[None, :]
    window = (rows >= r - reach) & ((cols - c).abs() <= reach)
    cone = window & ((rows < r) | ((rows == r) & (cols < c)))
    assert torch.equal(gated, cone)       # every pixel above and to the left within reach
    blind = cone & ~plain
    assert blind.any() and plain.sum() < gated.sum()
    ys, xs = blind.nonzero(as_tuple=True)
    assert (ys < r).all() and (xs > c).all()  # the blind spot lies above and to the right
    assert not (plain & ~cone).any()


@pytest.mark.parametrize("arch", ["gated", "plain"])
def test_fast_sampler_uses_the_full_pass_logits(arch):
    model = tiny(arch, image_size=12).eval()
    g = torch.Generator().manual_seed(1)
    u, x0 = torch.rand(3, 1, 12, 12, generator=g), torch.zeros(3, 1, 12, 12)
    cropped = sample_cropped(model.network, x0, u)
    if arch == "gated":
        used = torch.zeros_like(x0)
        fast = sample_gated(model.network, x0, u, logits_out=used)
        with torch.no_grad():
            assert torch.allclose(used, model.network(fast), atol=1e-4)
        assert torch.equal(fast, cropped)
    assert set(cropped.unique().tolist()) <= {0.0, 1.0}


def test_generate_is_binary_and_seeded():
    model = tiny()
    x = model.generate(5, seed=3)
    assert x.shape == (5, 1, 28, 28) and x.dtype == torch.float32
    assert set(x.unique().tolist()) <= {0.0, 1.0}
    assert torch.equal(x, model.generate(5, seed=3))
    assert not torch.equal(x, model.generate(5, seed=4))


def test_complete_keeps_the_given_rows():
    model = tiny()
    digits = binarize(load_dataset("mnist", "test").tensors["x"][:4].float() / 255,
                      torch.Generator().manual_seed(0))
    done = model.complete(digits, rows=14, seed=0)
    assert done.shape == digits.shape
    assert torch.equal(done[:, :, :14], digits[:, :, :14])
    assert torch.equal(done, model.complete(digits, rows=14, seed=0))
    assert torch.equal(model.complete(digits, rows=28), digits)
    assert torch.equal(model.complete(digits, rows=0, seed=5), model.generate(4, seed=5))


def test_log_prob_prefers_a_digit_to_noise_after_training():
    torch.manual_seed(0)
    model = build_model("pixelcnn", "mnist", width=8, layers=1, kernel=3, lr=1e-2)
    model.setup_training()
    train = load_dataset("mnist").tensors["x"][:16 * 10].float() / 255
    losses = [model.train_step({"x": train[i * 16:(i + 1) * 16]})["nll"] for i in range(10)]
    assert losses[-1] < losses[0]
    model.eval()
    digits = binarize(load_dataset("mnist", "test").tensors["x"][:8].float() / 255,
                      torch.Generator().manual_seed(0))
    noise = (torch.rand(8, 1, 28, 28, generator=torch.Generator().manual_seed(0)) < 0.5).float()
    lp_digit, lp_noise = model.log_prob(digits), model.log_prob(noise)
    assert lp_digit.shape == (8,) and torch.isfinite(lp_digit).all() and (lp_digit < 0).all()
    assert (lp_digit > lp_noise).all()
    assert torch.allclose(lp_digit, -model.nll(digits).detach(), atol=1e-3)


def test_bad_inputs_get_messages():
    model = tiny()
    good = torch.zeros(2, 1, 28, 28)
    with pytest.raises(ValueError, match="binary"):
        model.log_prob(torch.full((2, 1, 28, 28), 0.5))
    with pytest.raises(ValueError, match=r"x\[None\]"):
        model.log_prob(torch.zeros(1, 28, 28))
    with pytest.raises(ValueError, match="shape"):
        model.log_prob(torch.zeros(2, 1, 32, 32))
    with pytest.raises(ValueError, match="torch tensor"):
        model.log_prob([[0, 1]])
    for rows in (-1, 29, 2.5, "3"):
        with pytest.raises(ValueError, match="rows"):
            model.complete(good, rows=rows)
    with pytest.raises(ValueError, match="number of samples"):
        model.generate(0)
    with pytest.raises(ValueError, match="seed"):
        model.generate(2, seed=1.5)
    with pytest.raises(ValueError, match="pixel"):
        model.receptive_field(28, 0)
    with pytest.raises(ValueError, match="arch"):
        build_model("pixelcnn", "mnist", arch="lstm")
    with pytest.raises(ValueError, match="kernel"):
        build_model("pixelcnn", "mnist", kernel=4)


def test_family_declarations():
    cls = model_class("pixelcnn")
    assert cls.datasets == ("mnist", "fashion") and not cls.has_discriminator
    assert set(cls.loss_names) == {"nll"} and cls.title and cls.live_note
    images, nrow = tiny().preview({})
    assert images.shape == (16, 1, 28, 28) and nrow == 8


def test_train_cli_end_to_end(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO), "GENAPP_PRETRAINED_DIR": str(tmp_path / "none"),
           "GENAPP_RUNS_DIR": str(tmp_path / "runs")}
    out = tmp_path / "run"
    cmd = [sys.executable, "-m", "train", "pixelcnn", "--dataset", "mnist", "--steps", "3", "--batch-size", "8",
           "--set", "width=4", "--set", "layers=1", "--threads", "1", "--sample-every", "3", "--checkpoint-every", "3",
           "--out", str(out)]
    done = subprocess.run(cmd, check=False, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    records = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert any("nll" in r and "bits_per_dim" in r for r in records)
    tests = [r for r in records if "test_nll_1k" in r]
    assert tests and 0 < tests[-1]["test_nll_1k"] < 784 * math.log(2) + 60  # about a coin flip per pixel
    assert tests[-1]["test_bits_per_dim_1k"] == pytest.approx(tests[-1]["test_nll_1k"] / (784 * math.log(2)),
                                                              abs=1e-3)
    assert list((out / "samples").glob("*.png"))
    model = genapp.load(str(out))
    assert model.family == "pixelcnn" and model.config.width == 4
    assert model.log_prob(model.generate(2, seed=0)).shape == (2,)
