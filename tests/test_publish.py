"""Publishing a finished run as a pretrained model: files, fp16 weights, a card with the command and
the measured metrics; refusing runs that did not finish and names that leave the folder."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

import genapp
from genapp.publish import publish
from train.__main__ import main as train_main

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    run = tmp_path_factory.mktemp("runs") / "vae-run"
    assert train_main(["vae", "--dataset", "mnist", "--steps", "20", "--batch-size", "32", "--seed", "3",
                       "--out", str(run), "--set", "hidden=[32,16]"]) == 0
    return run


def test_publish_writes_a_loadable_fp16_model_with_a_measured_card(finished_run, tmp_path, monkeypatch):
    # the metrics need the shipped MNIST judge (other tests point GENAPP_PRETRAINED_DIR elsewhere)
    monkeypatch.setenv("GENAPP_PRETRAINED_DIR", str(REPO / "pretrained"))
    metrics = publish(finished_run, "mnist-vae", hardware="CPU (test)", note="Cut: 20 steps only.",
                      out_root=tmp_path, docs=False)
    out = tmp_path / "mnist-vae"
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "config.json", "model.safetensors", "sample.png"]
    assert metrics["judge_fid"] > metrics["real_floor"] > 0 and metrics["n"] == 10_000
    from safetensors import safe_open
    with safe_open(str(out / "model.safetensors"), "pt") as f:
        assert {f.get_tensor(k).dtype for k in f.keys()} == {torch.float16}
    shipped, original = genapp.load(str(out)), genapp.load(str(finished_run))
    assert torch.allclose(shipped.generate(8, seed=1), original.generate(8, seed=1), atol=2e-2)
    card = (out / "README.md").read_text()
    command = json.loads((finished_run / "config.json").read_text())["train"]["command"]
    assert command in card and "CPU (test)" in card and "Cut: 20 steps only." in card
    assert f"| judge_fid | {metrics['judge_fid']} |" in card and "fp16 storage" in card
    assert "![Samples](sample.png)" in card


def test_publish_refuses_unfinished_runs_and_bad_names(finished_run, tmp_path):
    status = json.loads((finished_run / "status.json").read_text())
    try:
        (finished_run / "status.json").write_text(json.dumps({**status, "status": "running"}))
        with pytest.raises(ValueError, match="not a finished run"):
            publish(finished_run, "mnist-vae", hardware="x", out_root=tmp_path, docs=False)
    finally:
        (finished_run / "status.json").write_text(json.dumps(status))
    with pytest.raises(ValueError, match="Invalid name"):
        publish(finished_run, "../escape", hardware="x", out_root=tmp_path, docs=False)
    assert not any(tmp_path.iterdir())


def test_card_rows_name_the_class_of_each_code_category_and_skip_other_dicts():
    from genapp.publish import _rows

    rows = _rows({"family": "dcgan", "judge_fid": 56.6, "category_purity": 0.76,
                  "category_classes": {"0": "7", "1": "0"}, "other": {"a": 1}})
    assert rows == ["| judge_fid | 56.6 |", "| category_purity | 0.76 |",
                    "| class the judge sees most per code category | 0: 7, 1: 0 |"]


@pytest.mark.slow
def test_a_pixelcnn_card_shows_its_test_likelihood_and_its_completions(tmp_path, monkeypatch):
    """A family's own card measures and pictures (``card_metrics`` / ``card_pictures``) reach the
    shipped card: a PixelCNN's exact test NLL in the metrics table, its completion sheet as a file
    the card shows."""
    import functools

    import genapp.metrics as metrics_pkg
    from genapp.images import load_image

    run = tmp_path / "pcnn-run"
    assert train_main(["pixelcnn", "--dataset", "mnist", "--steps", "10", "--batch-size", "16", "--out", str(run),
                       "--set", "width=8", "--set", "layers=2", "--sample-every", "10"]) == 0
    monkeypatch.setenv("GENAPP_PRETRAINED_DIR", str(REPO / "pretrained"))
    monkeypatch.setattr(metrics_pkg, "evaluate", functools.partial(metrics_pkg.evaluate, n=256))  # FID of 256
    metrics = publish(run, "mnist-pixelcnn", hardware="CPU (test)", out_root=tmp_path / "out", docs=False)
    out = tmp_path / "out" / "mnist-pixelcnn"
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "completions.png", "config.json",
                                                     "model.safetensors", "sample.png"]
    shipped = genapp.load(str(out))
    assert metrics["test_nll"] == shipped.test_nll(None)["test_nll"]   # all 10,000 test digits, these weights
    assert 0 < metrics["test_nll"] < 784 * 0.7   # better than a coin per pixel after 10 steps: it learned
    card = (out / "README.md").read_text()
    assert f"| test_nll | {metrics['test_nll']} |" in card and f"| test_nll_1k | {metrics['test_nll_1k']} |" in card
    assert "](completions.png)" in card and "`completions.png`" in card
    import numpy as np

    sheet = np.asarray(load_image(out / "completions.png").convert("L"))   # 8 digits x (input + 7), at 2x
    assert sheet.shape == (2 * (2 + 8 * 30), 2 * (2 + 8 * 30))
    for row in range(8):   # each row's first tile: the digit's top half, its hidden bottom half grey
        y, tile = 2 * (2 + row * 30), 56
        hidden = sheet[y + tile // 2:y + tile, 4:4 + tile]
        assert (np.abs(hidden.astype(int) - 128) <= 1).all()
