"""``genapp.load``: a pretrained name, a local folder, a run id or a Hub repo id -> a model.

Only ``config.json`` + ``model.safetensors`` are ever read (no pickle). The model comes back on
the CPU in eval mode, ready for ``generate`` / ``translate``.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import torch

from . import checkpoints as ckpt
from .models import GenerativeModel, model_from_config

PRETRAINED_NAMES = ("mnist-dcgan", "fashion-dcgan", "mnist-cgan", "fashion-cgan", "mnist-vae",
                    "mnist-wgan", "mnist-gan", "edges2shoes-pix2pix", "horse2zebra-cyclegan")

MAX_WEIGHTS_BYTES = 500 * 1024 * 1024  # far above any course model; refuse anything bigger


def pretrained_dir() -> Path:
    env = os.environ.get("GENAPP_PRETRAINED_DIR")
    return Path(env) if env else Path(__file__).resolve().parent.parent / "pretrained"


def resolve(name: str) -> Path:
    """Where the files for ``name`` are on disk (downloading a Hub repo if needed)."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError("Give a model name: a pretrained name, a folder, a run id or a Hub repo id.")
    name = name.strip()
    p = Path(name).expanduser()
    if p.is_dir():
        return p
    if "/" not in name and "\\" not in name and ".." not in name:
        for root in (pretrained_dir(), Path(os.environ.get("GENAPP_RUNS_DIR", "runs"))):
            cand = root / name
            if (cand / ckpt.WEIGHTS_NAME).exists():
                return cand
        if name in PRETRAINED_NAMES:
            raise FileNotFoundError(
                f"The pretrained model {name!r} is not in {pretrained_dir()}. Train it with: "
                f"python -m train {name.split('-', 1)[1]} --dataset {name.split('-')[0]} "
                f"--out pretrained/{name}")
    if name.startswith(("/", ".", "~")) or p.is_absolute():  # written as a path: never a Hub repo id
        raise FileNotFoundError(f"No folder {name!r}." + (" It is a file; give the folder that holds it."
                                                        if p.exists() else ""))
    if name.count("/") == 1 and not p.exists():
        from .hub import download
        return download(name)
    raise FileNotFoundError(f"No model called {name!r}: not a folder, a pretrained name ({', '.join(PRETRAINED_NAMES)}), "
                            f"a run id or a Hub repo id (owner/name).")


def validate_folder(folder: Path) -> dict:
    """Check a model folder before loading: a known family, safetensors weights of a sane size."""
    cfg_path, w_path = folder / ckpt.CONFIG_NAME, folder / ckpt.WEIGHTS_NAME
    if not cfg_path.exists():
        raise ValueError(f"{folder} has no config.json; it is not a GAN Studio model.")
    if not w_path.exists():
        pickles = [f.name for f in folder.iterdir() if f.suffix in (".bin", ".pt", ".pth", ".pkl", ".ckpt")]
        extra = f" It holds {', '.join(pickles)}, which we never load (pickle files can run code)." if pickles else ""
        raise ValueError(f"{folder} has no model.safetensors.{extra}")
    if w_path.stat().st_size > MAX_WEIGHTS_BYTES:
        raise ValueError(f"{w_path} is {w_path.stat().st_size / 1e6:.0f} MB, too big for a course model.")
    try:
        config = json.loads(cfg_path.read_text())
    except (OSError, ValueError) as exc:
        raise ValueError(f"{cfg_path} is not valid JSON: {exc}") from exc
    if not isinstance(config, dict):
        raise ValueError(f"{cfg_path} must hold a JSON object.")
    return config


def load(name: str, device: str | torch.device = "cpu") -> GenerativeModel:
    """Load a model for use: ``genapp.load("mnist-dcgan").generate(16, seed=0)``."""
    folder = resolve(name)
    config = validate_folder(folder)
    model = model_from_config(config)
    model.load_weights(folder / ckpt.WEIGHTS_NAME)
    model.source = str(folder)
    return model.to(device).eval()


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
