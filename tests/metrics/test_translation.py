"""Metrics of the translation models (genapp.metrics.translation): pix2pix on held-out pairs, the
CycleGAN by the horse/zebra judge, and their sheets.

Stub models that return the real answer (the held-out photo, a real zebra) stand in for perfect
models, so every number has a known right answer; a tiny horse/zebra judge trains for a few steps.
"""
from __future__ import annotations

import pytest
import torch

from genapp.data import load_dataset
from genapp.metrics.horse_zebra import load_horse_zebra_judge, zebra_probability
from genapp.metrics.report import evaluate
from genapp.metrics.translation import (
    colourfulness,
    cyclegan_metrics,
    cyclegan_sheet,
    pix2pix_metrics,
    pix2pix_sheet,
)
from genapp.models import build_model

from .conftest import SIZE


class OraclePix2Pix:
    """A perfect pix2pix: for each held-out edge map it returns that pair's real photo."""

    family = "pix2pix"

    def __init__(self):
        self.config = build_model("pix2pix", "edges2shoes", image_size=SIZE, ngf=8, ndf=8).config
        val = load_dataset("edges2shoes", "val", SIZE)
        self.pairs = {bytes(a.numpy()): b.float() / 255.0 for a, b in zip(val.tensors["a"], val.tensors["b"])}
        # ... and for each held-out outline too (a perfect model makes the shoe from its outline)
        self.pairs.update({bytes(o.numpy()): b.float() / 255.0 for o, b in zip(val.tensors["outline"], val.tensors["b"])})

    def translate(self, x, direction=None):
        return torch.stack([self.pairs[bytes((xi * 255).round().to(torch.uint8).numpy())] for xi in x])


def test_pix2pix_l1_is_zero_for_a_perfect_model_and_positive_for_an_untrained_one():
    perfect = pix2pix_metrics(OraclePix2Pix())
    assert perfect["heldout_pairs"] == 100 and perfect["image_size"] == SIZE
    assert perfect["l1"] == 0.0 and perfect["l1_outline"] == 0.0
    assert perfect["shape_iou"] == 1.0 and perfect["shape_iou_outline"] == 1.0
    # the real shoes' own colours, whichever input they came from
    assert perfect["colourfulness"] == perfect["colourfulness_outline"] == perfect["colourfulness_real"] > 5
    # the references: a shoe-shaped blur and the edge map are both far from the photos
    assert 0.05 < perfect["l1_mean_train_photo"] < 0.5 and 0.05 < perfect["l1_edges_as_photo"] < 0.6
    torch.manual_seed(0)
    untrained = build_model("pix2pix", "edges2shoes", image_size=SIZE, ngf=8, ndf=8)
    m = evaluate(untrained)  # the same numbers through the card protocol's entry point
    assert m["family"] == "pix2pix" and 0.05 < m["l1"] < 1.0


def test_colourfulness_is_zero_for_grey_and_grows_with_colour():
    grey = torch.full((1, 3, 8, 8), 0.6)
    beige = torch.tensor([0.80, 0.72, 0.60]).view(1, 3, 1, 1).expand(1, 3, 8, 8)
    red_and_blue = torch.zeros(1, 3, 8, 8)
    red_and_blue[:, 0, :4], red_and_blue[:, 2, 4:] = 1.0, 1.0
    c = colourfulness(torch.cat([grey, beige, red_and_blue]))
    assert c[0] == 0 and 0 < c[1] < 20 < c[2]  # beige: a little; half red, half blue: very


def test_pix2pix_sheet_rows_are_edges_generated_outlines_generated_real():
    grid, n = pix2pix_sheet(OraclePix2Pix(), n=4)
    assert n == 4 and grid.shape == (20, 3, SIZE, SIZE)
    assert torch.allclose(grid[4:8], grid[16:20]) and torch.allclose(grid[12:16], grid[16:20])  # the oracle's shoes are real
    assert grid[8:12].mean() > grid[0:4].mean() > grid[16:20].mean() * 0.5  # outlines: sparser lines than edge maps


class SwapCycleGAN:
    """A 'perfect' CycleGAN for the metric: a horse becomes a real held-out zebra and comes back
    as itself; a zebra becomes a real held-out horse and comes back as itself."""

    family = "cyclegan"

    def __init__(self):
        self.config = build_model("cyclegan", "horse2zebra", image_size=SIZE, ngf=8, ndf=8, n_blocks=1).config
        val = load_dataset("horse2zebra", "val", SIZE)
        self.horses, self.zebras = val.tensors["a"].float() / 255.0, val.tensors["b"].float() / 255.0
        self.used = {"horse2zebra": 0, "zebra2horse": 0}  # the metric calls in batches: go on where we were

    def cycle(self, x, direction="horse2zebra"):
        other = self.zebras if direction == "horse2zebra" else self.horses
        idx = (self.used[direction] + torch.arange(len(x))) % len(other)
        self.used[direction] += len(x)
        return other[idx], x.clone()


def test_cyclegan_metrics_against_a_perfect_swap(tiny_horse_zebra_judge):
    judge = load_horse_zebra_judge(tiny_horse_zebra_judge[0])
    m = cyclegan_metrics(SwapCycleGAN(), judge=judge)
    assert m["heldout_horses"] > 100 and m["heldout_zebras"] > 100
    assert m["cycle_l1_horse"] == 0.0 and m["cycle_l1_zebra"] == 0.0
    # translated horses are real zebras: the judge calls them zebra exactly as often as it calls
    # the first held-out zebras zebra
    val = load_dataset("horse2zebra", "val", SIZE)
    zebras = val.tensors["b"][:m["heldout_horses"]].float() / 255.0
    expected = float((zebra_probability(judge, zebras) >= 0.5).float().mean())
    assert m["horse2zebra_judged_zebra"] == pytest.approx(expected, abs=1e-4)
    for key in ("horses_judged_zebra_untranslated", "zebra2horse_judged_horse", "zebras_judged_horse_untranslated",
                "horse2zebra_stripes_on_animal"):
        assert 0.0 <= m[key] <= 1.0


def test_cyclegan_evaluate_with_an_untrained_model(tiny_horse_zebra_judge, monkeypatch):
    monkeypatch.setenv("GENAPP_PRETRAINED_DIR", str(tiny_horse_zebra_judge[0].parent))
    torch.manual_seed(0)
    model = build_model("cyclegan", "horse2zebra", image_size=SIZE, ngf=8, ndf=8, n_blocks=1)
    m = evaluate(model)
    assert m["family"] == "cyclegan" and m["cycle_l1_horse"] > 0.01
    grid, n = cyclegan_sheet(model, n=4, row=2)
    assert n == 2 and grid.shape == (16, 3, SIZE, SIZE)
    val = load_dataset("horse2zebra", "val", SIZE)
    # the first unseen horses (not a pick), each row of photos followed by what the model made of them
    assert torch.equal(grid[0:2], val.tensors["a"][0:2].float() / 255.0)
    assert torch.allclose(grid[2:4], model.translate(grid[0:2], "horse2zebra"))
    assert torch.equal(grid[4:6], val.tensors["a"][2:4].float() / 255.0)
    assert torch.equal(grid[8:10], val.tensors["b"][0:2].float() / 255.0)
    assert torch.allclose(grid[10:12], model.translate(grid[8:10], "zebra2horse"))
