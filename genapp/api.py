"""``genapp.load``: a pretrained name, a local folder, a run id or a Hub repo id -> a model.

Only ``config.json`` + ``model.safetensors`` are ever read (no pickle). The model comes back on
the CPU in eval mode, ready for ``generate`` / ``translate``. Where a name's files are is decided
by :func:`genapp.hub.find_model`; checking and building a folder by :mod:`genapp.pretrained`.
"""
from __future__ import annotations

from pathlib import Path

import torch

from . import checkpoints as ckpt
from .hub import find_model
from .models import GenerativeModel
from .pretrained import (
    MAX_WEIGHTS_BYTES,
    PRETRAINED_NAMES,
    load_folder,
    pretrained_dir,
    validate_folder,
)

__all__ = [
    "MAX_WEIGHTS_BYTES",
    "PRETRAINED_NAMES",
    "init_from",
    "load",
    "pretrained_dir",
    "resolve",
    "validate_folder",
]


def resolve(name: str) -> Path:
    """Where the files for ``name`` are on disk (downloading a Hub repo if needed)."""
    return find_model(name)[0]


def load(name: str, device: str | torch.device = "cpu") -> GenerativeModel:
    """Load a model for use: ``genapp.load("mnist-dcgan").generate(16, seed=0)``."""
    return load_folder(resolve(name), device)


def init_from(model: GenerativeModel, name: str) -> str:
    """Start ``model``'s training from the weights of ``name`` (a pretrained name, folder, run id or
    Hub repo id) of the same family, dataset and architecture: fine-tuning, or a longer run from a
    shipped model whose optimizer state was not kept. Only ``model.safetensors`` is read. A model
    that averages G's weights (``ema``) and a source without an average start the average from G.
    Returns the folder the weights came from."""
    folder = resolve(name)
    config = validate_folder(folder)
    for key in ("family", "dataset"):
        want = getattr(model.config, key)
        if config.get(key) != want:
            raise ValueError(f"--init-from {name}: that is a {config.get('family')}/{config.get('dataset')} model; "
                             f"this run trains {model.family}/{model.config.dataset}.")
    try:
        lacks_average = model.load_weights(folder / ckpt.WEIGHTS_NAME, may_lack="generator_ema.")
    except ValueError as exc:
        raise ValueError(f"--init-from {name}: {exc} Use the same --set values as that model.") from exc
    if lacks_average:
        model.load_generator_into_average()
    return str(folder)
