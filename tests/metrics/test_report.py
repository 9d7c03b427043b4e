"""What the app and the cards get (genapp.metrics.report, .cli): the live numbers per family, the
full protocol through ``python -m genapp.metrics evaluate``, and the Train tab's quality curve and
class chart from a real run.
"""
from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import gradio as gr
import pandas as pd
import pytest
import torch

from genapp.data import CLASS_NAMES
from genapp.metrics.categories import sample_categories
from genapp.metrics.cli import main
from genapp.metrics.image_quality import generate_images
from genapp.metrics.report import live_metrics, live_report
from genapp.models import build_model

from .digits import RealImagesGAN


def test_live_report_tells_real_digits_from_a_collapsed_generator(tiny_judge):
    real = live_report(RealImagesGAN())
    shares = real["class_shares"]
    assert len(shares) == 10 and sum(shares) == pytest.approx(1, abs=1e-3)
    assert max(shares) < 0.2 and real["metrics"]["classes_1k"] > 8.5  # the test digits: every class, evenly
    collapsed = live_report(RealImagesGAN(only=7))
    assert collapsed["class_shares"][7] > 0.6 and collapsed["metrics"]["classes_1k"] < 3


# ---------------------------------------------------------------- live metrics and the CLI
def test_live_metrics_per_family(tiny_judge):
    torch.manual_seed(0)
    dc = live_metrics(build_model("dcgan", "mnist", ngf=8, ndf=8))
    assert set(dc) == {"judge_fid_1k", "recognizable_1k", "classes_1k"} and dc["judge_fid_1k"] > 0
    assert 0 <= dc["recognizable_1k"] <= 1 and 1 <= dc["classes_1k"] <= 10
    cg = live_metrics(build_model("cgan", "mnist", ngf=8, ndf=8))
    assert set(cg) == {"judge_fid_1k", "recognizable_1k", "classes_1k", "class_acc"} and 0 <= cg["class_acc"] <= 1
    assert set(live_metrics(build_model("ring", "ring", hidden=16))) == {"modes", "hq_rate"}
    assert live_report(build_model("ring", "ring", hidden=16))["class_shares"] is None
    assert live_metrics(build_model("toy1010", "toy1010")) == {}
    # no judge for Fashion-MNIST in this temp pretrained/: losses only, no crash
    assert live_report(build_model("dcgan", "fashion", ngf=8, ndf=8)) == {"metrics": {}, "class_shares": None}


def test_evaluate_cli_prints_the_full_metrics_json(tiny_judge, tmp_path, capsys):
    torch.manual_seed(0)
    build_model("cgan", "mnist", ngf=8, ndf=8).save_pretrained(tmp_path / "tiny-cgan")
    assert main(["evaluate", str(tmp_path / "tiny-cgan"), "--n", "300", "--n-per-class", "5"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["family"] == "cgan" and out["n"] == 300 and out["n_per_class"] == 5
    assert out["judge_fid"] > out["real_floor"] > 0 and out["fid_over_floor"] > 1
    assert len(out["class_accuracy_per_class"]) == 10 and 0 <= out["class_accuracy"] <= 1
    assert 0 <= out["recognizable"] <= 1 and out["recognizable_real"] > 0.2


def test_evaluate_and_live_metrics_of_a_dcgan_with_codes_give_category_purity(tiny_judge, tmp_path, capsys):
    torch.manual_seed(0)
    model = build_model("dcgan", "mnist", ngf=8, ndf=8, codes=10)
    # the categories evaluate counts belong to the very samples generate_images draws (same z, chunk by chunk)
    from genapp.models.base import seeded_noise

    cats = sample_categories(model, 700, seed=4)
    z = seeded_noise((200, 100), 5, model.device)  # the second chunk of 500
    assert torch.equal(cats[500:], model.category(z))
    assert torch.allclose(generate_images(model, 700, seed=4)[500:], model.decode(z), atol=1e-6)
    live = live_metrics(model)
    assert set(live) == {"judge_fid_1k", "recognizable_1k", "classes_1k", "purity_1k"} and 0.1 <= live["purity_1k"] <= 1
    model.save_pretrained(tmp_path / "tiny-info")
    assert main(["evaluate", str(tmp_path / "tiny-info"), "--n", "600"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert 0.1 <= out["category_purity"] <= 1 and 1 <= out["classes_with_a_category"] <= 10
    assert set(out["category_classes"]) == {str(c) for c in range(10)}  # each of the 10 categories drew samples
    assert set(out["category_classes"].values()) <= set(CLASS_NAMES["mnist"])
    assert len(set(out["category_classes"].values())) == out["classes_with_a_category"]


def test_evaluate_cli_explains_a_model_without_judge_metrics(tmp_path, capsys):
    build_model("toy1010", "toy1010").save_pretrained(tmp_path / "toy")
    assert main(["evaluate", str(tmp_path / "toy")]) == 1
    assert "No judge metrics" in capsys.readouterr().err


def test_python_m_genapp_metrics_is_the_command_line(tmp_path):
    """The command the README and the model cards print runs the package's CLI, with the same
    one-line message (no traceback) for a model it cannot measure."""
    build_model("toy1010", "toy1010").save_pretrained(tmp_path / "toy")
    out = subprocess.run([sys.executable, "-m", "genapp.metrics", "evaluate", str(tmp_path / "toy")],
                         cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, timeout=300)
    assert out.returncode == 1 and out.stderr.startswith("error: No judge metrics for toy1010"), out.stderr


def test_a_live_run_keeps_its_quality_curve_and_class_chart_across_a_restart(tiny_judge, tmp_path, monkeypatch):
    """The Train tab's quality curve and class chart, from a real run and from its folder after a restart;
    the Race tab shows the same chart under each side's grid."""
    from genapp.runs import RunRegistry
    from genapp.ui.tabs import race as race_tab
    from genapp.ui.tabs import train_live

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
    curve = train_live.quality_curve(run)
    assert list(curve["step"]) == [3, 6] and set(curve["curve"]) == {"judge_fid_1k"}
    assert curve["value"].tolist() == [fid for _, m in run.metrics_history for k, fid in m.items() if k == "judge_fid_1k"]
    chart = train_live.class_chart(run)
    assert chart["class"].tolist() == list(shares) and chart["share"].tolist() == list(shares.values())
    assert sorted(chart["class"]) == chart["class"].tolist()  # the plot sorts by name: the class order
    fashion = SimpleNamespace(lock=threading.Lock(), family="dcgan", named_class_shares=lambda: dict.fromkeys(CLASS_NAMES["fashion"], 0.1))
    labels = train_live.class_chart(fashion)["class"].tolist()
    assert labels[0] == "0 T-shirt/top" and labels[9] == "9 Ankle boot" and sorted(labels) == labels

    again = RunRegistry(tmp_path).get(run.id)  # a restarted app reads the same from the run folder
    assert train_live.quality_curve(again).equals(curve) and train_live.class_chart(again).equals(chart)
    assert again.snapshot()["class_shares"] == shares

    ring = reg.start("ring", steps=4, batch_size=8, device="cpu", overrides={"hidden": 8}, sample_every=2)
    ring.thread.join(60)
    assert set(train_live.quality_curve(ring)["curve"]) == {"modes"}
    assert train_live.class_chart(ring).empty and ring.snapshot()["class_shares"] is None

    monkeypatch.setattr(race_tab, "registry", lambda: reg)
    *_, left_bars, right_bars = race_tab.live(f"{run.id}, {ring.id}", "", {})
    assert left_bars.visible is True and right_bars.visible is False  # classes for digits, none for a ring


def test_the_live_view_redraws_the_curves_each_tick_and_the_rest_with_each_grid(tmp_path, monkeypatch):
    from genapp.runs import RunRegistry
    from genapp.ui.tabs import train_live

    reg = RunRegistry(tmp_path, max_concurrent=1)
    monkeypatch.setattr(train_live, "registry", lambda: reg)
    run = reg.start("dcgan", "mnist", steps=100_000, batch_size=4, device="cpu", overrides={"ngf": 8, "ndf": 8},
                    sample_every=100_000)
    try:
        deadline = time.time() + 60
        while run.step < 2 and time.time() < deadline:
            time.sleep(0.05)
        status, sample, loss, score, quality, bars, note, raw, runs, timeline, timer, seen = \
            train_live.live_view(run.id, {})
        assert raw["run_id"] == run.id and sample is not None and timer.active
        step = run.step
        while run.step == step and time.time() < deadline:
            time.sleep(0.05)
        out = train_live.live_view(run.id, seen)  # more steps, the same grid
        assert isinstance(out[2], pd.DataFrame) and not out[2].empty  # the loss curve follows every step
        assert out[1] == out[7] == out[8] == gr.skip()  # the grid, the JSON and the runs list wait for a grid
        assert runs["step"].iloc[0].endswith("/ 100,000")  # the runs list came with the first tick
    finally:
        reg.stop(run.id)
        run.thread.join(60)
