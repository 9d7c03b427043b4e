"""The shipped models in pretrained/: each loads through genapp.load, makes images of the right
shape, and carries a model card with its exact command and measured metrics; the folder stays
under 100 MB. (Which names are present grows as models are trained; genapp.PRETRAINED_NAMES
lists them all.)"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

import genapp

PRETRAINED = Path(__file__).resolve().parent.parent / "pretrained"
FOLDERS = sorted(p for p in PRETRAINED.iterdir() if p.is_dir()) if PRETRAINED.exists() else []
MODELS = [p for p in FOLDERS if json.loads((p / "config.json").read_text()).get("kind") != "judge"]


def test_pretrained_stays_small_and_uses_the_shipped_names():
    total = sum(f.stat().st_size for f in PRETRAINED.rglob("*") if f.is_file())
    assert total < 100 * 2**20, f"pretrained/ holds {total / 2**20:.1f} MB"
    for folder in MODELS:
        assert folder.name in genapp.PRETRAINED_NAMES, folder.name
    assert not list(PRETRAINED.rglob("*.bin")) and not list(PRETRAINED.rglob("*.pt")), "safetensors only"


@pytest.mark.parametrize("folder", MODELS, ids=[p.name for p in MODELS])
def test_each_model_loads_generates_and_has_a_measured_card(folder, monkeypatch):
    monkeypatch.setenv("GENAPP_PRETRAINED_DIR", str(PRETRAINED))
    assert {"config.json", "model.safetensors", "README.md", "sample.png"} <= {p.name for p in folder.iterdir()}
    model = genapp.load(folder.name)
    c = model.config
    if getattr(model, "kind", "") == "translation":
        x = torch.rand(2, c.channels, 100, 80)  # any size in: the model's resolution out
        y = model.translate(x, direction="horse2zebra") if c.family == "cyclegan" else model.translate(x)
        assert y.shape == (2, c.channels, c.image_size, c.image_size)
    else:
        label = 3 if getattr(model, "conditional", False) else None
        y = model.generate(4, seed=0, label=label)
        assert y.shape == (4, c.channels, c.image_size, c.image_size)
        assert torch.equal(y, model.generate(4, seed=0, label=label))  # the same seed, the same images
    assert torch.isfinite(y).all() and y.min() >= 0 and y.max() <= 1
    card = (folder / "README.md").read_text(encoding="utf-8")
    command = json.loads((folder / "config.json").read_text())["train"]["command"]
    assert command.startswith("python -m train ") and command in card
    assert "## Measured metrics" in card and "| hardware |" in card and "| training time |" in card
