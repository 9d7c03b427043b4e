"""The ring's modes covered and high-quality rate (genapp.metrics.toys, VEEGAN's protocol)."""
from __future__ import annotations

import torch

from genapp.data import synthetic_batch
from genapp.metrics.toys import RING_N, ring_coverage

from .digits import PointsModel


def test_ring_metrics_of_real_ring_samples_cover_all_modes_with_high_quality():
    real = synthetic_batch("ring", RING_N, torch.Generator().manual_seed(0))["x"]
    got = ring_coverage(PointsModel(real))
    assert got["modes"] == 8
    assert got["hq_rate"] > 0.97  # 2-D Gaussian: P(r < 3 sigma) = 1 - exp(-4.5) = 0.989


def test_ring_metrics_of_a_collapsed_generator_find_one_mode():
    one_mode = synthetic_batch("ring", 4000, torch.Generator().manual_seed(1))["x"]
    one_mode = one_mode[(one_mode[:, 0] > 1.5)]  # only the mode at (2, 0)
    got = ring_coverage(PointsModel(one_mode), n=len(one_mode))
    assert got["modes"] == 1 and got["hq_rate"] > 0.97
