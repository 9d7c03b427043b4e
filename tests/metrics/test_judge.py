"""The digit judges (genapp.metrics.judge, .fit) and the Frechet distance (genapp.metrics.frechet).

A tiny judge trains for 100 steps in a temp folder (conftest.py); the Frechet distance is checked
against closed forms, and the shipped judges against the test split.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import torch

from genapp.data import load_dataset
from genapp.metrics.frechet import frechet_distance, frechet_distance_from_stats
from genapp.metrics.judge import judge_features, judge_predict, load_judge

from .digits import TEST_N, real_test_images

REPO = Path(__file__).resolve().parents[2]


# ---------------------------------------------------------------- Frechet distance
def test_frechet_distance_of_identical_sets_is_zero():
    feats = torch.randn(3000, 16) @ torch.randn(16, 16)  # correlated features
    assert frechet_distance(feats, feats) == pytest.approx(0.0, abs=1e-6)


def test_frechet_distance_matches_the_closed_form_for_a_mean_shift_and_diagonal_covariances():
    d = 8
    f64 = {"dtype": torch.float64}
    mean_a, mean_b = torch.zeros(d, **f64), torch.full((d,), 0.5, **f64)
    var_a, var_b = torch.linspace(0.5, 2.0, d, **f64), torch.linspace(2.0, 0.1, d, **f64)
    got = frechet_distance_from_stats(mean_a, torch.diag(var_a), mean_b, torch.diag(var_b))
    want = float(((mean_a - mean_b) ** 2).sum() + ((var_a.sqrt() - var_b.sqrt()) ** 2).sum())
    assert got == pytest.approx(want, rel=1e-9)


def test_frechet_distance_agrees_with_the_eigenvalues_of_the_product_for_non_commuting_covariances():
    g = torch.Generator().manual_seed(0)
    a, b = torch.randn(6, 6, generator=g, dtype=torch.float64), torch.randn(6, 6, generator=g, dtype=torch.float64)
    cov_a, cov_b = a @ a.T + 0.1 * torch.eye(6, dtype=torch.float64), b @ b.T
    mean = torch.zeros(6, dtype=torch.float64)
    tr_sqrt = torch.linalg.eigvals(cov_a @ cov_b).real.clamp(min=0).sqrt().sum()
    want = float(cov_a.trace() + cov_b.trace() - 2 * tr_sqrt)
    assert frechet_distance_from_stats(mean, cov_a, mean, cov_b) == pytest.approx(want, rel=1e-8)


def test_frechet_distance_is_finite_with_rank_deficient_covariances():
    feats = torch.randn(500, 4) @ torch.randn(4, 32)  # rank 4 in 32 dimensions (dead ReLU units)
    d = frechet_distance(feats, feats + 1.0)
    assert math.isfinite(d) and d == pytest.approx(32.0, rel=1e-4)  # a pure shift: ||1||^2 = 32


# ---------------------------------------------------------------- the judge
def test_judge_trains_saves_and_loads_with_its_test_statistics(tiny_judge_dir, tiny_judge):
    _, summary = tiny_judge_dir
    assert summary["steps"] == 100 and summary["test_images"] == TEST_N and summary["test_accuracy"] > 0.6
    folder = Path(summary["out"])
    assert sorted(p.name for p in folder.iterdir()) == ["config.json", "model.safetensors"]
    assert json.loads((folder / "config.json").read_text())["test_accuracy"] == summary["test_accuracy"]
    assert load_judge("mnist") is tiny_judge  # cached
    x = real_test_images(200)
    assert judge_features(tiny_judge, x).shape == (200, tiny_judge.config.features)
    assert tiny_judge.test_cov.abs().sum() > 0 and tiny_judge.test_mean.shape == (tiny_judge.config.features,)


def test_judge_rejects_images_of_the_wrong_shape(tiny_judge):
    with pytest.raises(ValueError, match="shape"):
        judge_features(tiny_judge, torch.rand(4, 3, 28, 28))


def test_missing_judge_says_how_to_train_it(tmp_path, monkeypatch):
    monkeypatch.setenv("GENAPP_PRETRAINED_DIR", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="train-judge --dataset fashion"):
        load_judge("fashion")


# ---------------------------------------------------------------- the shipped judges
@pytest.mark.parametrize("dataset,minimum", [("mnist", 0.98), ("fashion", 0.88)])


def test_shipped_judge_is_accurate(dataset, minimum, monkeypatch):
    folder = REPO / "pretrained" / f"judge-{dataset}"
    if not (folder / "model.safetensors").exists():
        pytest.skip(f"pretrained/judge-{dataset} is not built")
    judge = load_judge(folder=folder)
    test = load_dataset(dataset, "test")
    x, y = test.tensors["x"][:2000].float() / 255.0, test.tensors["y"][:2000]
    assert float((judge_predict(judge, x) == y).float().mean()) >= minimum
    assert judge.config.test_accuracy >= minimum
