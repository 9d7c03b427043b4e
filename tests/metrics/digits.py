"""Real test digits and stub generators for the metrics tests: the stubs return real images, so
they stand in for a perfect (or a perfectly collapsed) generator and every number has a known
right answer."""
from __future__ import annotations

import torch

from genapp.data import load_dataset
from genapp.models import build_model

TEST_N = 2000


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

    kind, family = "toy", "ring"

    def __init__(self, pts):
        self.pts = pts
        self.config = build_model("ring", "ring").config

    def points(self, n, seed=0):
        return self.pts[:n]
