"""Model folders: the shipped names, where they live, and building a model from a folder.

A model folder (``pretrained/<name>/``, a run folder or a Hub snapshot) is ``config.json`` +
``model.safetensors``. :func:`validate_folder` checks one before anything is built (a config
that is a JSON object, safetensors weights of a course model's size, never a pickle) and
:func:`load_folder` builds the model from it. Both the Python API (``genapp.load``) and the Hub
(its checks before a push and after a pull) use them, so they sit below both.
"""
from __future__ import annotations

import json
from pathlib import Path

import torch

from . import settings
from .checkpoints import CONFIG_NAME, WEIGHTS_NAME
from .models import GenerativeModel, model_from_config

PRETRAINED_NAMES = ("mnist-dcgan", "fashion-dcgan", "mnist-cgan", "fashion-cgan", "mnist-vae",
                    "mnist-wgan", "mnist-gan", "edges2shoes-pix2pix", "horse2zebra-cyclegan", "mnist-pixelcnn")

MAX_WEIGHTS_BYTES = 500 * 1024 * 1024  # far above any course model; refuse anything bigger
PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".pkl", ".pickle", ".ckpt", ".joblib")  # never loaded


def pretrained_dir() -> Path:
    """Where the shipped models are: ``$GENAPP_PRETRAINED_DIR``, else the repository's ``pretrained/``."""
    if settings.is_set("GENAPP_PRETRAINED_DIR"):
        return settings.path("GENAPP_PRETRAINED_DIR")
    return Path(__file__).resolve().parent.parent / "pretrained"


def validate_folder(folder: Path) -> dict:
    """Check a model folder before loading: a known family, safetensors weights of a sane size."""
    folder = Path(folder)
    cfg_path, w_path = folder / CONFIG_NAME, folder / WEIGHTS_NAME
    if not cfg_path.exists():
        raise ValueError(f"{folder} has no config.json; it is not a GAN Studio model.")
    if not w_path.exists():
        pickles = [f.name for f in folder.iterdir() if f.suffix in PICKLE_SUFFIXES]
        extra = f" It holds {', '.join(pickles)}, which we never load (pickle files can run code)." if pickles else ""
        raise ValueError(f"{folder} has no model.safetensors.{extra}")
    if w_path.stat().st_size > MAX_WEIGHTS_BYTES:
        raise ValueError(f"{w_path} is {w_path.stat().st_size / 1e6:.0f} MB, too big for a course model.")
    try:
        config = json.loads(cfg_path.read_text())
    except (OSError, ValueError) as exc:
        raise ValueError(f"{cfg_path} is not valid JSON: {exc}") from exc
    if not isinstance(config, dict):
        raise ValueError(f"{cfg_path} must hold a JSON object.")  # noqa: TRY004 -- callers catch ValueError
    return config


def load_folder(folder: str | Path, device: str | torch.device = "cpu") -> GenerativeModel:
    """The model in a local ``folder``, checked, on ``device`` in eval mode."""
    folder = Path(folder)
    config = validate_folder(folder)
    model = model_from_config(config)
    model.load_weights(folder / WEIGHTS_NAME)
    model.source = str(folder)
    return model.to(device).eval()
