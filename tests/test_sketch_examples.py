"""The drawn example shoes point the way the pix2pix training shoes do (edges2shoes: side view, toe
to the left), and so does the Sketch tab's instruction. The opening boot used to point right."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from genapp.drawing import example_sketches
from genapp.ui.i18n import EN, KO


def toe_side(ink: np.ndarray) -> str:
    """'left' or 'right': the end of a side-view shoe whose outline is lower. The toe is low; the
    back rises to the collar (a low shoe) or to the shaft (a boot)."""
    cols = np.nonzero(ink.any(0))[0]
    x0, x1 = cols.min(), cols.max() + 1
    quarter = max(1, (x1 - x0) // 4)

    def top(a, b):
        return np.nonzero(ink[:, a:b].any(1))[0].min()

    return "left" if top(x0, x0 + quarter) > top(x1 - quarter, x1) else "right"


def test_toe_side_reads_a_mirrored_shoe():
    sneaker = np.asarray(example_sketches()["sneaker"].convert("L")) < 128
    assert toe_side(sneaker) == "left" and toe_side(sneaker[:, ::-1]) == "right"


def test_edges2shoes_shoes_point_their_toe_left():
    folder = Path(os.environ.get("GENAPP_DATA_DIR", "")) / "edges2shoes" / "train"
    files = sorted(folder.glob("*_AB.jpg"))[:40]
    if not files:
        pytest.skip("no edges2shoes training pairs in GENAPP_DATA_DIR")
    sides = [toe_side(np.asarray(Image.open(f).convert("L").crop((0, 0, 256, 256))) < 128) for f in files]
    assert sides.count("left") >= 0.9 * len(sides), sides


@pytest.mark.parametrize("name", ["boot", "sneaker", "heel"])
def test_examples_point_their_toe_left_like_the_training_shoes(name):
    ink = np.asarray(example_sketches()[name].convert("L")) < 128
    assert toe_side(ink) == "left", f"the example {name} points its toe right; edges2shoes' shoes point left"


def test_the_instruction_says_toe_to_the_left():
    assert "toe to the left" in EN["sketch_intro"]
    assert "앞코는 왼쪽" in KO["sketch_intro"]
