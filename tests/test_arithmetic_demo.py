"""The Latent tab's arithmetic demo (issue 35, item 7): its caption has no missing glyph ("tofu"),
and its default seeds show the idea on the shipped mnist-dcgan, read by the shipped judge.

Uses the real weights in pretrained/ (skipped where they are not installed).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parent.parent
PRETRAINED = REPO / "pretrained"
pytestmark = pytest.mark.skipif(not (PRETRAINED / "mnist-dcgan" / "model.safetensors").exists()
                                or not (PRETRAINED / "judge-mnist" / "model.safetensors").exists(),
                                reason="needs the shipped mnist-dcgan and judge-mnist")

MISSING = "\ue000"  # a private-use code point: no font has it, so it draws the font's "missing" box


@pytest.fixture
def shipped(monkeypatch):
    monkeypatch.setenv("GENAPP_PRETRAINED_DIR", str(PRETRAINED))


def _mask(font, ch: str) -> np.ndarray:
    m = font.getmask(ch)
    return np.asarray(m, dtype=np.uint8).reshape(m.size[1], m.size[0])


def _missing(font, ch: str) -> bool:
    """Whether ``font`` draws ``ch`` as its missing-glyph box."""
    a, b = _mask(font, ch), _mask(font, MISSING)
    return a.shape == b.shape and (a == b).all()


def test_arithmetic_caption_has_no_missing_glyph(shipped, monkeypatch):
    from genapp import drawing
    from genapp.ui.tabs import latent as latent_tab

    drawn: list[str] = []
    real = latent_tab.labelled_row

    def spy(images, labels, *args, **kwargs):
        drawn.extend(labels)
        return real(images, labels, *args, **kwargs)

    monkeypatch.setattr(latent_tab, "labelled_row", spy)
    img = latent_tab.arithmetic("mnist-dcgan", "1", "2", "3")
    assert img.width > 4 * 28 and len(drawn) == 4
    font = drawing._font(16)  # the font labelled_row draws with
    assert _missing(font, "\u2212")  # the check itself: the bundled font has no minus sign (U+2212)
    tofu = sorted({ch for label in drawn for ch in label if not ch.isspace() and _missing(font, ch)})
    assert not tofu, f"the caption draws {tofu} as boxes: {drawn}"


def _default_seeds() -> list[str]:
    """The seed fields' values as the tab builds them."""
    import gradio as gr

    from genapp.ui.tabs import latent as latent_tab

    with gr.Blocks() as demo:
        latent_tab.build()
    by_key = {getattr(b.label, "key", None): b.value for b in demo.blocks.values() if isinstance(b, gr.Textbox)}
    return [by_key["seeds_a"], by_key["seeds_b"], by_key["seeds_c"]]


def test_default_arithmetic_seeds_change_the_class_of_c(shipped):
    """Thin 7s - thin 1s + thick 1s: each mean reads as its digit, and the result as a 7 (not C's 1),
    thicker than A's 7."""
    import torch

    import genapp
    from genapp import latent, metrics

    model = genapp.load(str(PRETRAINED / "mnist-dcgan"))
    seeds = [latent.parse_seeds(s) for s in _default_seeds()]
    za, zb, zc = (latent.mean_z(model, s) for s in seeds)
    images = model.decode(torch.stack([za, zb, zc, latent.arithmetic(za, zb, zc)]))
    probs = torch.softmax(metrics.judge_outputs(metrics.load_judge("mnist"), images)[1], 1)
    read, sure = probs.argmax(1).tolist(), probs.max(1).values.tolist()
    assert read[3] != read[2], f"A - B + C reads as C's class ({read}, p = {sure})"
    assert read == [7, 1, 1, 7] and min(sure) > 0.9, (read, sure)
    ink = images.flatten(1).sum(1)
    assert ink[2] > 2 * ink[1] and ink[3] > 2 * ink[0], ink.tolist()  # C thicker than B, so the result than A
