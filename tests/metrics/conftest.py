"""The metrics tests' tiny judges, trained once in temp folders: an MNIST judge (about a second)
and a horse/zebra judge at 32 px (a few seconds)."""
from __future__ import annotations

import pytest

from genapp.metrics import fit, horse_zebra_fit, judge

from .digits import TEST_N

SIZE = 32  # the translation metrics run at the model's own resolution; small keeps the tests fast


@pytest.fixture(scope="package")
def tiny_judge_dir(tmp_path_factory):
    """pretrained/judge-mnist in a temp folder: a narrow judge trained for 100 steps (about 80 %),
    measured on the first 2,000 test images (its "test split" below)."""
    root = tmp_path_factory.mktemp("pretrained")
    summary = fit.train_judge("mnist", root / "judge-mnist", max_steps=100, batch_size=64, lr=3e-3, width=8,
                              features=32, test_n=TEST_N, log=None)
    return root, summary


@pytest.fixture()
def tiny_judge(tiny_judge_dir, monkeypatch):
    root, _ = tiny_judge_dir
    monkeypatch.setenv("GENAPP_PRETRAINED_DIR", str(root))
    return judge.load_judge("mnist")


@pytest.fixture(scope="package")
def tiny_horse_zebra_judge(tmp_path_factory):
    """pretrained/judge-horse2zebra in a temp folder: 30 steps at 32 px -> (folder, summary)."""
    folder = tmp_path_factory.mktemp("judge") / "judge-horse2zebra"
    summary = horse_zebra_fit.train_horse_zebra_judge(folder, image_size=SIZE, max_steps=30, batch_size=32, lr=3e-3, log=None)
    return folder, summary
