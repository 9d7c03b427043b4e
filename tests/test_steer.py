"""Controllable generation (genapp.steer, in genapp/steering.py; issue 39): the walk starts exactly at
generate(), the feature's score rises with the amount, keep_others holds the other scores closer, bad inputs get
messages; and the app's /control endpoint through gradio_client.

The behaviour tests use the shipped mnist-dcgan and judge (a walk of a few images takes well under a
second; the model's average gradients are computed once, a few seconds)."""
from __future__ import annotations

from pathlib import Path

import pytest
import torch

import genapp
from genapp import steering as st
from genapp.ui import links

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "pretrained"


@pytest.fixture
def shipped(monkeypatch):
    """The shipped mnist-dcgan, with the shipped judges (even after the app session pointed
    GENAPP_PRETRAINED_DIR at its tiny models)."""
    if not (SHIPPED / "mnist-dcgan" / "model.safetensors").exists() or not (SHIPPED / "judge-mnist").exists():
        pytest.skip("the shipped mnist-dcgan and judge-mnist are needed")
    monkeypatch.setenv("GENAPP_PRETRAINED_DIR", str(SHIPPED))
    return st._model(str(SHIPPED / "mnist-dcgan"))


def test_features_list_classes_then_attributes(shipped):
    assert genapp.features(shipped) == [str(i) for i in range(10)] + ["thickness", "slant"]
    fashion = genapp.build_model("dcgan", "fashion", ngf=8, ndf=8)
    assert genapp.features(fashion)[:2] == ["T-shirt/top", "Trouser"] and genapp.features(fashion)[-2:] == \
        ["thickness", "slant"]


def test_amount_zero_is_exactly_generate(shipped):
    for feature in ("7", "thickness"):
        assert torch.equal(genapp.steer(shipped, 5, seed=3, feature=feature, amount=0), shipped.generate(5, seed=3))
    walk = st.steer_walk(shipped, 3, seed=4, feature="2", amount=1.0)
    assert walk.images.shape == (st.FRAMES, 3, 1, 28, 28)
    assert torch.equal(walk.images[0], shipped.generate(3, seed=4))      # the walk starts at generate()
    assert torch.equal(walk.images[-1], genapp.steer(shipped, 3, seed=4, feature="2", amount=1.0))  # deterministic
    assert 0.0 <= walk.images.min() and walk.images.max() <= 1.0


def test_class_score_rises_with_amount(shipped):
    n = 8
    prob = [sum(st.steer_walk(shipped, n, seed=1, feature="3", amount=a).after["3"]) / n for a in (0.0, 0.5, 1.0)]
    assert prob[0] < prob[1] < prob[2], prob
    assert prob[0] < 0.3 and prob[2] > 0.8, prob
    away = st.steer_walk(shipped, n, seed=1, feature="3", amount=-1.0).after["3"]
    assert sum(away) / n <= prob[0] + 1e-6, "a negative amount must move away from the class"


def test_thickness_and_slant_respond(shipped):
    n = 8
    ink = [sum(st.steer_walk(shipped, n, seed=2, feature="thickness", amount=a).after["thickness"]) / n
           for a in (-1.0, 0.0, 1.0)]
    assert ink[0] < ink[1] < ink[2], ink
    up = torch.tensor(st.steer_walk(shipped, n, seed=2, feature="slant", amount=1.0).after["slant"])
    down = torch.tensor(st.steer_walk(shipped, n, seed=2, feature="slant", amount=-1.0).after["slant"])
    assert (up > down).float().mean() >= 0.9, (up, down)


def test_keep_others_changes_the_other_scores_less(shipped):
    def others_change(keep: bool) -> float:
        walk = st.steer_walk(shipped, 8, seed=5, feature="thickness", amount=1.0, keep_others=keep)
        means = walk.mean_scores()
        classes = sum(abs(means[c]["after"] - means[c]["before"]) for c in walk.names[:10])
        return classes + abs(means["slant"]["after"] - means["slant"]["before"])

    free, kept = others_change(False), others_change(True)
    assert kept < 0.7 * free, (kept, free)
    # ... while the feature itself still moves
    walk = st.steer_walk(shipped, 8, seed=5, feature="thickness", amount=1.0, keep_others=True)
    assert walk.mean_scores()["thickness"]["after"] > walk.mean_scores()["thickness"]["before"] + 0.03


def test_attributes_measure_ink_and_shear():
    bar = torch.zeros(1, 1, 28, 28)
    bar[..., 4:24, 13:15] = 1.0                                # an upright stroke
    assert st.slant(bar).abs().item() < 1e-5
    assert st.thickness(bar).item() == pytest.approx(40 / 784)
    sheared = torch.zeros_like(bar)
    for row in range(4, 24):                                   # x' = x + 0.5 y (y up): the top leans right
        shift = round(0.5 * (14 - row))
        sheared[..., row, 13 + shift:15 + shift] = 1.0
    assert st.slant(sheared).item() == pytest.approx(0.5, abs=0.05)
    assert st.slant(sheared.flip(-1)).item() == pytest.approx(-0.5, abs=0.05)


def test_bad_inputs_get_messages(shipped):
    with pytest.raises(ValueError, match=r"Unknown feature 'purple'.*0, 1, 2.*thickness, slant"):
        genapp.steer(shipped, 2, feature="purple")
    for amount in (5, -3.5, float("nan"), "lots", True):
        with pytest.raises(ValueError, match="amount must be a number from -3 to 3"):
            genapp.steer(shipped, 2, feature="7", amount=amount)
    with pytest.raises(ValueError, match="whole number"):
        genapp.steer(shipped, 0, feature="7")
    with pytest.raises(ValueError, match=r"cgan model: it is told the class.*generate\(n, seed, label=...\)"):
        genapp.steer(genapp.build_model("cgan", "mnist", ngf=8, ndf=8), 2, feature="7")
    with pytest.raises(ValueError, match="unconditional image GANs.*this is a pix2pix model"):
        genapp.features(genapp.build_model("pix2pix", "edges2shoes", image_size=32, ngf=8, ndf=8))
    with pytest.raises(ValueError, match="this is a vae model"):
        genapp.features(genapp.build_model("vae", "mnist"))


def test_a_name_loads_like_genapp_load(shipped):
    x = genapp.steer("mnist-dcgan", 2, seed=9, feature="thickness", amount=0.0)
    assert torch.equal(x, shipped.generate(2, seed=9))


def test_links_carry_the_control_settings():
    q = links.parse({"tab": "control", "model": "mnist-dcgan", "seed": "3", "feature": "T-shirt/top",
                     "amount": "-1.5", "keep": "1"})
    assert q == {"tab": "control", "model": "mnist-dcgan", "seed": 3, "feature": "T-shirt/top", "amount": -1.5,
                 "keep": True}
    bad = links.parse({"tab": "control", "feature": "<script>", "amount": "9", "keep": "maybe"})
    assert bad == {"tab": "control"}


# ---------------------------------------------------------------- the app: /control
@pytest.fixture(scope="module")
def judged_app(shipped_mnist_judge):
    """The app session's tiny models plus the shipped MNIST judge (steering reads its classes)."""
    return shipped_mnist_judge


def test_control_endpoint(judged_app, client):
    from PIL import Image

    strip, bars, scores = client.predict("mnist-dcgan", 2, "thickness", 1.0, False, 3, api_name="/control")
    img = Image.open(strip)
    assert img.width > img.height > 0                          # 8 columns (the walk), 3 rows (the images)
    assert scores["feature"] == "thickness" and scores["frames"] == st.FRAMES and scores["keep_others"] is False
    assert set(scores["scores"]) == {*(str(i) for i in range(10)), "thickness", "slant"}
    assert len(scores["per_image"]["after"]["7"]) == 3
    assert 'data-feature="thickness"' in bars and "ctl-target" in bars
    kept = client.predict("mnist-dcgan", 2, "thickness", 1.0, True, 3, api_name="/control")[2]
    assert kept["keep_others"] is True
    zero = client.predict("mnist-dcgan", 2, "7", 0, False, 3, api_name="/control")[2]
    assert all(v["before"] == v["after"] for v in zero["scores"].values())


@pytest.mark.parametrize("args, message", [
    (("mnist-dcgan", 0, "purple", 1.0, False, 3), "Unknown feature 'purple'"),
    (("mnist-dcgan", 0, "7", 7.0, False, 3), "Amount: Value 7.0 is greater than maximum value 3"),
    (("mnist-cgan", 0, "7", 1.0, False, 3), "it is told the class"),
    (("edges2shoes-pix2pix", 0, "7", 1.0, False, 3), "this is a pix2pix model"),
])
def test_control_endpoint_explains_bad_inputs(judged_app, client, args, message):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match=message):
        client.predict(*args, api_name="/control")
