"""The families, by name: an explicit registry (no discovery by file name)."""
from __future__ import annotations

from typing import Any

from ..config import check_settings_for

from .ae import AutoEncoder, DenoisingAutoEncoder
from .base import AdversarialModel, GenerativeModel
from .cgan import CGAN
from .cyclegan import CycleGAN
from .dcgan import DCGAN
from .gan import GAN
from .pix2pix import Pix2Pix
from .pixelcnn import PixelCNN
from .ring import RingGAN
from .toy1010 import Toy1010GAN
from .vae import VAE
from .wgan import WGAN

FAMILIES: dict[str, type[GenerativeModel]] = {
    "ae": AutoEncoder,
    "dae": DenoisingAutoEncoder,
    "vae": VAE,
    "gan": GAN,
    "toy1010": Toy1010GAN,
    "ring": RingGAN,
    "dcgan": DCGAN,
    "wgan": WGAN,
    "cgan": CGAN,
    "pix2pix": Pix2Pix,
    "cyclegan": CycleGAN,
    "pixelcnn": PixelCNN,
}

# Data-dependent defaults: resolution and channels follow the dataset.
DATASET_SHAPES = {"mnist": (28, 1), "fashion": (28, 1), "edges2shoes": (64, 3), "horse2zebra": (64, 3)}


def default_dataset(family: str) -> str:
    return model_class(family).datasets[0]


def default_family(tab: str) -> str:
    """The family an app tab's picker starts on: the one whose class itself declares
    ``default_in = (..., tab)`` (a subclass does not inherit it: a WGAN is a DCGAN)."""
    found = [f for f, cls in FAMILIES.items() if tab in vars(cls).get("default_in", ())]
    if len(found) != 1:
        raise LookupError(f"{len(found)} families declare default_in={tab!r}; exactly one must.")
    return found[0]


def model_class(family: str, dataset: str | None = None) -> type[GenerativeModel]:
    if family not in FAMILIES:
        raise ValueError(f"Unknown family {family!r}; choose one of: {', '.join(FAMILIES)}.")
    cls = FAMILIES[family]
    if dataset is not None and hasattr(cls, "variant_for"):
        cls = cls.variant_for(dataset)
    return cls


def build_model(family: str, dataset: str | None = None, /, **overrides: Any) -> GenerativeModel:
    """A fresh model of ``family`` for ``dataset`` with any config field overridden."""
    dataset = dataset or default_dataset(family)
    cls = model_class(family, dataset)
    if dataset not in cls.datasets:
        raise ValueError(f"{family} trains on {', '.join(cls.datasets)}, not {dataset!r}.")
    cfg: dict[str, Any] = {"dataset": dataset}
    if dataset in DATASET_SHAPES:
        cfg["image_size"], cfg["channels"] = DATASET_SHAPES[dataset]
    given = {k: v for k, v in overrides.items() if v is not None}
    check_settings_for(cls.Config, given, label=family)
    cfg.update(given)
    return cls(config=cfg)


def model_from_config(config: dict[str, Any]) -> GenerativeModel:
    family = config.get("family")
    if family not in FAMILIES:
        raise ValueError(f"config.json names an unknown family {family!r}; known: {', '.join(FAMILIES)}.")
    cls = model_class(family, config.get("dataset"))
    return cls(config=config)


__all__ = ["FAMILIES", "GenerativeModel", "AdversarialModel", "build_model", "model_class",
           "model_from_config", "default_dataset", "default_family"]
