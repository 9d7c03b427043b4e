"""Tiny versions of every family and a batch of their data, shared by the model, trainer and
training tests (the diffusers habit: the same tests at small sizes)."""
from __future__ import annotations

import torch

from genapp.data import BatchStream, load_dataset
from genapp.models import build_model

TINY = {
    "ae": ("mnist", {"latent_dim": 4}),
    "dae": ("mnist", {"latent_dim": 4}),
    "vae": ("mnist", {"hidden": [32, 16]}),
    "gan": ("mnist", {"g_hidden": [16, 32], "d_hidden": [32, 16]}),
    "toy1010": ("toy1010", {}),
    "ring": ("ring", {"hidden": 16}),
    "dcgan": ("mnist", {"ngf": 8, "ndf": 8}),
    "wgan": ("mnist", {"ngf": 8, "ndf": 8}),
    "cgan": ("mnist", {"ngf": 8, "ndf": 8}),
    "pix2pix": ("edges2shoes", {"image_size": 32, "ngf": 8, "ndf": 8}),
    "cyclegan": ("horse2zebra", {"image_size": 32, "ngf": 8, "ndf": 8, "n_blocks": 1}),
    "pixelcnn": ("mnist", {"width": 8, "layers": 1, "kernel": 3}),
}


def tiny(family: str, **extra):
    dataset, over = TINY[family]
    torch.manual_seed(0)
    return build_model(family, dataset, **{**over, **extra})


def tiny_batch(model, n: int = 4):
    ds = load_dataset(model.config.dataset, image_size=model.config.image_size
                      if model.config.dataset in ("edges2shoes", "horse2zebra") else None)
    return next(BatchStream(ds, n, seed=0))

