"""Metrics: the Frechet distance, the judge, class accuracy, ring coverage and the live metrics.

A tiny judge is trained for a few dozen steps in a temp folder (about a second); stub models that
return real images stand in for a perfect generator, so every number has a known right answer.
"""
from __future__ import annotations

import json
import math
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import gradio as gr
import pandas as pd
import pytest
import torch

from genapp import metrics as M
from genapp.data import CLASS_NAMES, load_dataset, synthetic_batch
from genapp.models import build_model

REPO = Path(__file__).resolve().parent.parent
TEST_N = 2000


@pytest.fixture(scope="module")
def tiny_judge_dir(tmp_path_factory):
    """pretrained/judge-mnist in a temp folder: a narrow judge trained for 100 steps (about 80 %),
    measured on the first 2,000 test images (its "test split" below)."""
    root = tmp_path_factory.mktemp("pretrained")
    summary = M.train_judge("mnist", root / "judge-mnist", max_steps=100, batch_size=64, lr=3e-3, width=8,
                            features=32, test_n=TEST_N, log=None)
    return root, summary


@pytest.fixture()
def tiny_judge(tiny_judge_dir, monkeypatch):
    root, _ = tiny_judge_dir
    monkeypatch.setenv("GENAPP_PRETRAINED_DIR", str(root))
    return M.load_judge("mnist")


def real_test_images(n: int, label: int | None = None) -> torch.Tensor:
    ds = load_dataset("mnist", "test")
    x, y = ds.tensors["x"], ds.tensors["y"]
    if label is not None:
        x = x[y == label]
    return x[:n].float() / 255.0


class RealImagesCGAN:
    """A 'perfect' conditional generator: it returns real test images of the asked class."""

    conditional, kind, family = True, "image", "cgan"

    def __init__(self, collapse_to: int | None = None):
        self.config = build_model("cgan", "mnist", ngf=8, ndf=8).config
        self.collapse_to = collapse_to  # always draw this class, whatever the label (a broken cGAN)

    def generate(self, n, seed=0, label=None):
        c = self.collapse_to if self.collapse_to is not None else label
        return real_test_images(n, label=c)


class RealImagesGAN:
    """An unconditional generator that returns real test digits, or only the digits of one class."""

    conditional, kind, family = False, "image", "dcgan"

    def __init__(self, only: int | None = None):
        self.config = build_model("dcgan", "mnist", ngf=8, ndf=8).config
        self.only = only

    def generate(self, n, seed=0):
        return real_test_images(n, label=self.only)


class PointsModel:
    """Stands in for a ring GAN: ``points`` returns the given 2-D samples."""

    kind = "toy"

    def __init__(self, pts):
        self.pts = pts
        self.config = build_model("ring", "ring").config

    def points(self, n, seed=0):
        return self.pts[:n]


# ---------------------------------------------------------------- Frechet distance
def test_frechet_distance_of_identical_sets_is_zero():
    feats = torch.randn(3000, 16) @ torch.randn(16, 16)  # correlated features
    assert M.frechet_distance(feats, feats) == pytest.approx(0.0, abs=1e-6)


def test_frechet_distance_matches_the_closed_form_for_a_mean_shift_and_diagonal_covariances():
    d = 8
    f64 = {"dtype": torch.float64}
    mean_a, mean_b = torch.zeros(d, **f64), torch.full((d,), 0.5, **f64)
    var_a, var_b = torch.linspace(0.5, 2.0, d, **f64), torch.linspace(2.0, 0.1, d, **f64)
    got = M.frechet_distance_from_stats(mean_a, torch.diag(var_a), mean_b, torch.diag(var_b))
    want = float(((mean_a - mean_b) ** 2).sum() + ((var_a.sqrt() - var_b.sqrt()) ** 2).sum())
    assert got == pytest.approx(want, rel=1e-9)


def test_frechet_distance_agrees_with_the_eigenvalues_of_the_product_for_non_commuting_covariances():
    g = torch.Generator().manual_seed(0)
    a, b = torch.randn(6, 6, generator=g, dtype=torch.float64), torch.randn(6, 6, generator=g, dtype=torch.float64)
    cov_a, cov_b = a @ a.T + 0.1 * torch.eye(6, dtype=torch.float64), b @ b.T
    mean = torch.zeros(6, dtype=torch.float64)
    tr_sqrt = torch.linalg.eigvals(cov_a @ cov_b).real.clamp(min=0).sqrt().sum()
    want = float(cov_a.trace() + cov_b.trace() - 2 * tr_sqrt)
    assert M.frechet_distance_from_stats(mean, cov_a, mean, cov_b) == pytest.approx(want, rel=1e-8)


def test_frechet_distance_is_finite_with_rank_deficient_covariances():
    feats = torch.randn(500, 4) @ torch.randn(4, 32)  # rank 4 in 32 dimensions (dead ReLU units)
    d = M.frechet_distance(feats, feats + 1.0)
    assert math.isfinite(d) and d == pytest.approx(32.0, rel=1e-4)  # a pure shift: ||1||^2 = 32


# ---------------------------------------------------------------- the judge and judge-FID
def test_judge_trains_saves_and_loads_with_its_test_statistics(tiny_judge_dir, tiny_judge):
    _, summary = tiny_judge_dir
    assert summary["steps"] == 100 and summary["test_images"] == TEST_N and summary["test_accuracy"] > 0.6
    folder = Path(summary["out"])
    assert sorted(p.name for p in folder.iterdir()) == ["config.json", "model.safetensors"]
    assert json.loads((folder / "config.json").read_text())["test_accuracy"] == summary["test_accuracy"]
    assert M.load_judge("mnist") is tiny_judge  # cached
    x = real_test_images(200)
    assert M.judge_features(tiny_judge, x).shape == (200, tiny_judge.config.features)
    assert tiny_judge.test_cov.abs().sum() > 0 and tiny_judge.test_mean.shape == (tiny_judge.config.features,)


def test_judge_fid_is_zero_for_the_same_images_and_grows_with_a_shift(tiny_judge):
    x = real_test_images(1000)
    feats = M.judge_features(tiny_judge, x)
    assert M.frechet_distance(feats, feats) == pytest.approx(0.0, abs=1e-6)
    same = M.judge_fid(real_test_images(TEST_N), "mnist", judge=tiny_judge)
    assert same == pytest.approx(0.0, abs=1e-5)  # its "test split" against its stored statistics
    floor = M.real_floor("mnist", 1000, judge=tiny_judge)
    shifted = M.judge_fid((x + 0.3).clamp(0, 1), "mnist", judge=tiny_judge)
    noise = M.judge_fid(torch.rand(1000, 1, 28, 28), "mnist", judge=tiny_judge)
    assert 0 < floor < shifted < noise


def test_judge_rejects_images_of_the_wrong_shape(tiny_judge):
    with pytest.raises(ValueError, match="shape"):
        M.judge_features(tiny_judge, torch.rand(4, 3, 28, 28))


def test_missing_judge_says_how_to_train_it(tmp_path, monkeypatch):
    monkeypatch.setenv("GENAPP_PRETRAINED_DIR", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="train-judge --dataset fashion"):
        M.load_judge("fashion")


# ---------------------------------------------------------------- class accuracy
def test_class_accuracy_of_real_images_is_high_and_of_a_collapsed_model_is_one_tenth(tiny_judge):
    good = M.class_accuracy(RealImagesCGAN(), n_per_class=50, judge=tiny_judge)
    assert list(good["per_class"]) == [str(i) for i in range(10)]
    assert good["overall"] == pytest.approx(sum(good["per_class"].values()) / 10)
    assert good["overall"] > 0.6
    collapsed = M.class_accuracy(RealImagesCGAN(collapse_to=1), n_per_class=50, judge=tiny_judge)
    # the other classes only score when the judge mistakes a "1" for them
    assert collapsed["overall"] < 0.15 and collapsed["per_class"]["1"] > 0.6


def test_class_accuracy_of_an_untrained_cgan_lies_in_bounds_and_needs_a_conditional_model(tiny_judge):
    torch.manual_seed(0)
    acc = M.class_accuracy(build_model("cgan", "mnist", ngf=8, ndf=8), n_per_class=5, judge=tiny_judge)
    assert 0.0 <= acc["overall"] <= 1.0 and all(0.0 <= v <= 1.0 for v in acc["per_class"].values())
    with pytest.raises(ValueError, match="conditional"):
        M.class_accuracy(build_model("dcgan", "mnist", ngf=8, ndf=8), judge=tiny_judge)


# ---------------------------------------------------------------- recognizable samples
def test_recognizable_rate_is_high_for_real_digits_and_zero_for_noise(tiny_judge):
    real = real_test_images(500)
    real_rate = M.recognizable_rate(M.judge_outputs(tiny_judge, real)[1])
    noise_rate = M.recognizable_rate(M.judge_outputs(tiny_judge, torch.rand(500, 1, 28, 28))[1])
    blank_rate = M.recognizable_rate(M.judge_outputs(tiny_judge, torch.zeros(500, 1, 28, 28))[1])
    # (this tiny judge is 80 % right and seldom sure: the shipped one is sure of 97 % of real digits)
    assert real_rate > 0.2 and noise_rate < real_rate / 3 and blank_rate in (0.0, 1.0)  # one image 500 times
    # the threshold is the judge's probability: certain logits count, a uniform guess never does
    sure = torch.tensor([[10.0] + [0.0] * 9, [0.0] * 10])
    assert M.recognizable_rate(sure) == 0.5 and M.recognizable_rate(sure, threshold=0.05) == 1.0
    assert M.real_recognizable("mnist", tiny_judge) == pytest.approx(
        M.recognizable_rate(M.judge_outputs(tiny_judge, M._real_images("mnist", "test", M.FID_N))[1]))


# ---------------------------------------------------------------- ring
def test_ring_metrics_of_real_ring_samples_cover_all_modes_with_high_quality():
    real = synthetic_batch("ring", M.RING_N, torch.Generator().manual_seed(0))["x"]
    got = M.ring_coverage(PointsModel(real))
    assert got["modes"] == 8
    assert got["hq_rate"] > 0.97  # 2-D Gaussian: P(r < 3 sigma) = 1 - exp(-4.5) = 0.989


def test_ring_metrics_of_a_collapsed_generator_find_one_mode():
    one_mode = synthetic_batch("ring", 4000, torch.Generator().manual_seed(1))["x"]
    one_mode = one_mode[(one_mode[:, 0] > 1.5)]  # only the mode at (2, 0)
    got = M.ring_coverage(PointsModel(one_mode), n=len(one_mode))
    assert got["modes"] == 1 and got["hq_rate"] > 0.97


# ---------------------------------------------------------------- class shares
def test_class_shares_and_effective_classes_count_what_the_samples_are():
    eye = torch.eye(10)
    even = M.class_shares(eye[torch.arange(1000) % 10])
    assert even == [0.1] * 10 and M.effective_classes(even) == pytest.approx(10)
    one = M.class_shares(eye[torch.full((1000,), 3)])
    assert one[3] == 1.0 and sum(one) == 1.0 and M.effective_classes(one) == pytest.approx(1)
    two = M.class_shares(eye[torch.arange(1000) % 2])
    assert two[:2] == [0.5, 0.5] and M.effective_classes(two) == pytest.approx(2)
    skewed = M.class_shares(eye[torch.tensor([0] * 910 + list(range(1, 10)) * 10)])
    assert 1 < M.effective_classes(skewed) < 2  # every class drawn, but one takes 91 %: nearly collapsed


def test_live_report_tells_real_digits_from_a_collapsed_generator(tiny_judge):
    real = M.live_report(RealImagesGAN())
    shares = real["class_shares"]
    assert len(shares) == 10 and sum(shares) == pytest.approx(1, abs=1e-3)
    assert max(shares) < 0.2 and real["metrics"]["classes_1k"] > 8.5  # the test digits: every class, evenly
    collapsed = M.live_report(RealImagesGAN(only=7))
    assert collapsed["class_shares"][7] > 0.6 and collapsed["metrics"]["classes_1k"] < 3


# ---------------------------------------------------------------- live metrics and the CLI
def test_live_metrics_per_family(tiny_judge):
    torch.manual_seed(0)
    dc = M.live_metrics(build_model("dcgan", "mnist", ngf=8, ndf=8))
    assert set(dc) == {"judge_fid_1k", "recognizable_1k", "classes_1k"} and dc["judge_fid_1k"] > 0
    assert 0 <= dc["recognizable_1k"] <= 1 and 1 <= dc["classes_1k"] <= 10
    cg = M.live_metrics(build_model("cgan", "mnist", ngf=8, ndf=8))
    assert set(cg) == {"judge_fid_1k", "recognizable_1k", "classes_1k", "class_acc"} and 0 <= cg["class_acc"] <= 1
    assert set(M.live_metrics(build_model("ring", "ring", hidden=16))) == {"modes", "hq_rate"}
    assert M.live_report(build_model("ring", "ring", hidden=16))["class_shares"] is None
    assert M.live_metrics(build_model("toy1010", "toy1010")) == {}
    # no judge for Fashion-MNIST in this temp pretrained/: losses only, no crash
    assert M.live_report(build_model("dcgan", "fashion", ngf=8, ndf=8)) == {"metrics": {}, "class_shares": None}


def test_evaluate_cli_prints_the_full_metrics_json(tiny_judge, tmp_path, capsys):
    torch.manual_seed(0)
    build_model("cgan", "mnist", ngf=8, ndf=8).save_pretrained(tmp_path / "tiny-cgan")
    assert M.main(["evaluate", str(tmp_path / "tiny-cgan"), "--n", "300", "--n-per-class", "5"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["family"] == "cgan" and out["n"] == 300 and out["n_per_class"] == 5
    assert out["judge_fid"] > out["real_floor"] > 0 and out["fid_over_floor"] > 1
    assert len(out["class_accuracy_per_class"]) == 10 and 0 <= out["class_accuracy"] <= 1
    assert 0 <= out["recognizable"] <= 1 and out["recognizable_real"] > 0.2


def test_category_purity_counts_each_categorys_most_common_class():
    logits = torch.nn.functional.one_hot(torch.tensor([3, 3, 5, 7, 7, 7]), 10).float()
    out = M.category_purity(torch.tensor([0, 0, 0, 1, 1, 2]), logits, codes=4)
    assert out == {"purity": round(5 / 6, 4), "classes": {0: 3, 1: 7, 2: 7}, "covered": 2}  # category 3 drew nothing
    perfect = M.category_purity(torch.arange(10).repeat(3), torch.eye(10).repeat(3, 1), codes=10)
    assert perfect["purity"] == 1.0 and perfect["covered"] == 10


def test_evaluate_and_live_metrics_of_a_dcgan_with_codes_give_category_purity(tiny_judge, tmp_path, capsys):
    torch.manual_seed(0)
    model = build_model("dcgan", "mnist", ngf=8, ndf=8, codes=10)
    # the categories evaluate counts belong to the very samples generate_images draws (same z, chunk by chunk)
    from genapp.models.base import seeded_noise

    cats = M._categories(model, 700, seed=4)
    z = seeded_noise((200, 100), 5, model.device)  # the second chunk of 500
    assert torch.equal(cats[500:], model.category(z))
    assert torch.allclose(M.generate_images(model, 700, seed=4)[500:], model.decode(z), atol=1e-6)
    live = M.live_metrics(model)
    assert set(live) == {"judge_fid_1k", "recognizable_1k", "classes_1k", "purity_1k"} and 0.1 <= live["purity_1k"] <= 1
    model.save_pretrained(tmp_path / "tiny-info")
    assert M.main(["evaluate", str(tmp_path / "tiny-info"), "--n", "600"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert 0.1 <= out["category_purity"] <= 1 and 1 <= out["classes_with_a_category"] <= 10
    assert set(out["category_classes"]) == {str(c) for c in range(10)}  # each of the 10 categories drew samples
    assert set(out["category_classes"].values()) <= set(M.CLASS_NAMES["mnist"])
    assert len(set(out["category_classes"].values())) == out["classes_with_a_category"]


def test_category_names_read_each_categorys_class_and_share(tiny_judge, monkeypatch):
    model = build_model("dcgan", "mnist", ngf=8, ndf=8, codes=10)
    order = [3, 7, 0, 1, 9, 2, 8, 5, 4, 6]  # category i draws real test digits of class order[i]
    half_ones = real_test_images(20, label=1)  # ...except category 9: half "6", half "1"

    def every_category(seed=0, per_category=8):
        rows = [real_test_images(per_category, label=c) for c in order[:-1]]
        rows.append(torch.cat([real_test_images(per_category // 2, label=6), half_ones[:per_category // 2]]))
        return torch.cat(rows)

    monkeypatch.setattr(model, "every_category", every_category)
    names = M.category_names(model, per_category=40, judge=tiny_judge)
    assert [n["class"] for n in names[:-1]] == [str(c) for c in order[:-1]]
    assert all(n["share"] > 0.6 for n in names[:-1])
    assert names[-1]["share"] <= 0.6 and names[-1]["class"] in ("6", "1")  # a mixed category says so
    with pytest.raises(ValueError, match="no categorical code"):
        M.category_names(build_model("dcgan", "mnist", ngf=8, ndf=8), judge=tiny_judge)


def test_evaluate_cli_explains_a_model_without_judge_metrics(tmp_path, capsys):
    build_model("toy1010", "toy1010").save_pretrained(tmp_path / "toy")
    assert M.main(["evaluate", str(tmp_path / "toy")]) == 1
    assert "No judge metrics" in capsys.readouterr().err


# ---------------------------------------------------------------- the shipped judges
@pytest.mark.parametrize("dataset,minimum", [("mnist", 0.98), ("fashion", 0.88)])
def test_shipped_judge_is_accurate(dataset, minimum, monkeypatch):
    folder = REPO / "pretrained" / f"judge-{dataset}"
    if not (folder / "model.safetensors").exists():
        pytest.skip(f"pretrained/judge-{dataset} is not built")
    judge = M.load_judge(folder=folder)
    test = load_dataset(dataset, "test")
    x, y = test.tensors["x"][:2000].float() / 255.0, test.tensors["y"][:2000]
    assert float((M.judge_predict(judge, x) == y).float().mean()) >= minimum
    assert judge.config.test_accuracy >= minimum


def test_a_live_run_keeps_its_quality_curve_and_class_chart_across_a_restart(tiny_judge, tmp_path, monkeypatch):
    """The Train tab's quality curve and class chart, from a real run and from its folder after a restart;
    the Race tab shows the same chart under each side's grid."""
    from genapp.runs import RunRegistry
    from genapp.ui import race_tab, train_tab

    reg = RunRegistry(tmp_path, max_concurrent=1)
    run = reg.start("dcgan", "mnist", steps=6, batch_size=8, device="cpu", overrides={"ngf": 8, "ndf": 8},
                    sample_every=3)
    run.thread.join(120)
    assert run.status == "finished", run.reason
    snap = run.snapshot()
    shares = snap["class_shares"]
    assert list(shares) == [str(d) for d in range(10)] and sum(shares.values()) == pytest.approx(1, abs=1e-3)
    assert 1 <= snap["metrics"]["classes_1k"] <= 10
    json.dumps(snap)
    curve = train_tab.quality_curve(run)
    assert list(curve["step"]) == [3, 6] and set(curve["curve"]) == {"judge_fid_1k"}
    assert curve["value"].tolist() == [fid for _, m in run.metrics_history for k, fid in m.items() if k == "judge_fid_1k"]
    chart = train_tab.class_chart(run)
    assert chart["class"].tolist() == list(shares) and chart["share"].tolist() == list(shares.values())
    assert sorted(chart["class"]) == chart["class"].tolist()  # the plot sorts by name: the class order
    fashion = SimpleNamespace(lock=threading.Lock(), family="dcgan", named_class_shares=lambda: dict.fromkeys(CLASS_NAMES["fashion"], 0.1))
    labels = train_tab.class_chart(fashion)["class"].tolist()
    assert labels[0] == "0 T-shirt/top" and labels[9] == "9 Ankle boot" and sorted(labels) == labels

    again = RunRegistry(tmp_path).get(run.id)  # a restarted app reads the same from the run folder
    assert train_tab.quality_curve(again).equals(curve) and train_tab.class_chart(again).equals(chart)
    assert again.snapshot()["class_shares"] == shares

    ring = reg.start("ring", steps=4, batch_size=8, device="cpu", overrides={"hidden": 8}, sample_every=2)
    ring.thread.join(60)
    assert set(train_tab.quality_curve(ring)["curve"]) == {"modes"}
    assert train_tab.class_chart(ring).empty and ring.snapshot()["class_shares"] is None

    monkeypatch.setattr(race_tab, "registry", lambda: reg)
    *_, left_bars, right_bars = race_tab.live(f"{run.id}, {ring.id}", "", {})
    assert left_bars.visible is True and right_bars.visible is False  # classes for digits, none for a ring


def test_the_live_view_redraws_the_curves_each_tick_and_the_rest_with_each_grid(tmp_path, monkeypatch):
    from genapp.runs import RunRegistry
    from genapp.ui import train_tab

    reg = RunRegistry(tmp_path, max_concurrent=1)
    monkeypatch.setattr(train_tab, "registry", lambda: reg)
    run = reg.start("dcgan", "mnist", steps=100_000, batch_size=4, device="cpu", overrides={"ngf": 8, "ndf": 8},
                    sample_every=100_000)
    try:
        deadline = time.time() + 60
        while run.step < 2 and time.time() < deadline:
            time.sleep(0.05)
        status, sample, loss, score, quality, bars, note, raw, runs, timeline, timer, seen = \
            train_tab.live_view(run.id, {})
        assert raw["run_id"] == run.id and sample is not None and timer.active
        step = run.step
        while run.step == step and time.time() < deadline:
            time.sleep(0.05)
        out = train_tab.live_view(run.id, seen)  # more steps, the same grid
        assert isinstance(out[2], pd.DataFrame) and not out[2].empty  # the loss curve follows every step
        assert out[1] == out[7] == out[8] == gr.skip()  # the grid, the JSON and the runs list wait for a grid
        assert runs["step"].iloc[0].endswith("/ 100,000")  # the runs list came with the first tick
    finally:
        reg.stop(run.id)
        run.thread.join(60)
