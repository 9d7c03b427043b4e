"""Judge-FID, the recognizable share, class shares and class accuracy (genapp.metrics.image_quality).

Stub generators that return real test digits (digits.py) stand in for a perfect or a
collapsed generator, read by a tiny judge, so every number has a known right answer.
"""
from __future__ import annotations

import pytest
import torch

from genapp.metrics.frechet import frechet_distance
from genapp.metrics.image_quality import (
    FID_N,
    class_accuracy,
    class_shares,
    effective_classes,
    judge_fid,
    real_floor,
    real_images,
    real_recognizable,
    recognizable_rate,
)
from genapp.metrics.judge import judge_features, judge_outputs
from genapp.models import build_model

from .digits import TEST_N, RealImagesCGAN, real_test_images


# ---------------------------------------------------------------- judge-FID
def test_judge_fid_is_zero_for_the_same_images_and_grows_with_a_shift(tiny_judge):
    x = real_test_images(1000)
    feats = judge_features(tiny_judge, x)
    assert frechet_distance(feats, feats) == pytest.approx(0.0, abs=1e-6)
    same = judge_fid(real_test_images(TEST_N), "mnist", judge=tiny_judge)
    assert same == pytest.approx(0.0, abs=1e-5)  # its "test split" against its stored statistics
    floor = real_floor("mnist", 1000, judge=tiny_judge)
    shifted = judge_fid((x + 0.3).clamp(0, 1), "mnist", judge=tiny_judge)
    noise = judge_fid(torch.rand(1000, 1, 28, 28), "mnist", judge=tiny_judge)
    assert 0 < floor < shifted < noise


# ---------------------------------------------------------------- class accuracy
def test_class_accuracy_of_real_images_is_high_and_of_a_collapsed_model_is_one_tenth(tiny_judge):
    good = class_accuracy(RealImagesCGAN(), n_per_class=50, judge=tiny_judge)
    assert list(good["per_class"]) == [str(i) for i in range(10)]
    assert good["overall"] == pytest.approx(sum(good["per_class"].values()) / 10)
    assert good["overall"] > 0.6
    collapsed = class_accuracy(RealImagesCGAN(collapse_to=1), n_per_class=50, judge=tiny_judge)
    # the other classes only score when the judge mistakes a "1" for them
    assert collapsed["overall"] < 0.15 and collapsed["per_class"]["1"] > 0.6


def test_class_accuracy_of_an_untrained_cgan_lies_in_bounds_and_needs_a_conditional_model(tiny_judge):
    torch.manual_seed(0)
    acc = class_accuracy(build_model("cgan", "mnist", ngf=8, ndf=8), n_per_class=5, judge=tiny_judge)
    assert 0.0 <= acc["overall"] <= 1.0 and all(0.0 <= v <= 1.0 for v in acc["per_class"].values())
    with pytest.raises(ValueError, match="conditional"):
        class_accuracy(build_model("dcgan", "mnist", ngf=8, ndf=8), judge=tiny_judge)


# ---------------------------------------------------------------- recognizable samples
def test_recognizable_rate_is_high_for_real_digits_and_zero_for_noise(tiny_judge):
    real = real_test_images(500)
    real_rate = recognizable_rate(judge_outputs(tiny_judge, real)[1])
    noise_rate = recognizable_rate(judge_outputs(tiny_judge, torch.rand(500, 1, 28, 28))[1])
    blank_rate = recognizable_rate(judge_outputs(tiny_judge, torch.zeros(500, 1, 28, 28))[1])
    # (this tiny judge is 80 % right and seldom sure: the shipped one is sure of 97 % of real digits)
    assert real_rate > 0.2 and noise_rate < real_rate / 3 and blank_rate in (0.0, 1.0)  # one image 500 times
    # the threshold is the judge's probability: certain logits count, a uniform guess never does
    sure = torch.tensor([[10.0] + [0.0] * 9, [0.0] * 10])
    assert recognizable_rate(sure) == 0.5 and recognizable_rate(sure, threshold=0.05) == 1.0
    assert real_recognizable("mnist", tiny_judge) == pytest.approx(
        recognizable_rate(judge_outputs(tiny_judge, real_images("mnist", "test", FID_N))[1]))


# ---------------------------------------------------------------- class shares
def test_class_shares_and_effective_classes_count_what_the_samples_are():
    eye = torch.eye(10)
    even = class_shares(eye[torch.arange(1000) % 10])
    assert even == [0.1] * 10 and effective_classes(even) == pytest.approx(10)
    one = class_shares(eye[torch.full((1000,), 3)])
    assert one[3] == 1.0 and sum(one) == 1.0 and effective_classes(one) == pytest.approx(1)
    two = class_shares(eye[torch.arange(1000) % 2])
    assert two[:2] == [0.5, 0.5] and effective_classes(two) == pytest.approx(2)
    skewed = class_shares(eye[torch.tensor([0] * 910 + list(range(1, 10)) * 10)])
    assert 1 < effective_classes(skewed) < 2  # every class drawn, but one takes 91 %: nearly collapsed
