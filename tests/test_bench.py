"""The benches behind docs/PERFORMANCE.md still run and print their figures (tiny settings; the
figures themselves are measured by running the benches on an idle machine, not here)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("GENAPP_DATA_DIR") or REPO.parent / "shared" / "data")
needs_data = pytest.mark.skipif(not (DATA / "mnist.npz").exists(), reason="needs the shared data (GENAPP_DATA_DIR)")


def bench(*args: str) -> str:
    # the shipped judges (another test's session may point GENAPP_PRETRAINED_DIR at its tiny models)
    env = {**os.environ, "GENAPP_DATA_DIR": str(DATA), "PYTHONPATH": str(REPO),
           "GENAPP_PRETRAINED_DIR": str(REPO / "pretrained")}
    done = subprocess.run([sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout


@needs_data
@pytest.mark.parametrize("family", ["dcgan", "cgan"])
def test_time_to_quality_checks_a_training_as_it_goes(family):
    # A budget of a few seconds: on a CPU without bf16 (an AVX2 EPYC) the first step alone takes
    # 2-3 s (one-time kernel set-up), so a 2-s budget saw one check only.
    out = bench("bench/time_to_quality.py", "--family", family, "--budget", "6", "--every", "2", "--n", "300")
    checks = re.findall(r"train +([\d.]+)s +step +(\d+) +judge-FID +([\d.]+)", out)
    assert len(checks) >= 2, out
    assert int(checks[1][1]) > int(checks[0][1]) > 0  # the training went on between the checks
    assert ("class accuracy" in out) == (family == "cgan")
    assert "RESULT:" in out


@needs_data
def test_train_throughput_compares_both_loops():
    out = bench("bench/train_throughput.py", "--steps", "2", "--rounds", "1")
    rows = re.findall(r"(dcgan|pix2pix) +batch +\d+: ours +([\d.]+) img/s +reference +([\d.]+) img/s +ratio ([\d.]+)x", out)
    assert [r[0] for r in rows] == ["dcgan", "pix2pix"], out
    assert all(float(r[1]) > 0 and float(r[2]) > 0 for r in rows)


@needs_data
def test_horse_zebra_agreement_scores_both_measures_against_a_persons_calls(tmp_path):
    """The sheet a person labels, and the score of the judge and of "stripes on the animal"
    against those labels; labels of other weights are refused, not scored."""
    import hashlib
    import json

    from PIL import Image

    model = REPO / "pretrained" / "horse2zebra-cyclegan"
    out = bench("bench/horse_zebra_agreement.py", "sheet", str(model), str(tmp_path / "label.png"))
    assert "translations 1-48" in out
    side = json.loads((model / "config.json").read_text())["image_size"] + 2   # a tile and its padding
    assert Image.open(tmp_path / "label.png").size == (2 * (4 * side + 2), 2 * (12 * side + 2))  # 48 tiles, at 2x
    sha = hashlib.sha256((model / "model.safetensors").read_bytes()).hexdigest()
    calls = [1, 0, 1, 0, 0, 1, 0, 0]
    (tmp_path / "eye.json").write_text(json.dumps({"weights_sha256": sha, "rule": "test", "horse2zebra": calls}))
    score = json.loads(bench("bench/horse_zebra_agreement.py", "score", str(model), str(tmp_path / "eye.json")))
    assert score["photos"] == 8 and score["person_says_zebra"] == 3
    for measure in ("judge", "stripes_on_animal"):
        s = score[measure]
        assert s["zebra_person_not"] + s["person_zebra_not"] == round(8 * (1 - s["agree"]))
        assert 0 <= s["says_zebra"] <= 8 and 0 <= s["auc"] <= 1
    (tmp_path / "eye.json").write_text(json.dumps({"weights_sha256": "0" * 64, "rule": "test", "horse2zebra": calls}))
    env = {**os.environ, "GENAPP_DATA_DIR": str(DATA), "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "bench/horse_zebra_agreement.py", "score", str(model), str(tmp_path / "eye.json")],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode != 0 and "labels other weights" in done.stderr
    done = subprocess.run([sys.executable, "bench/horse_zebra_agreement.py", "score", str(model), str(tmp_path / "none.json")],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1 and "none.json" in done.stderr and "Traceback" not in done.stderr
