"""The digit judges, and loading and saving any judge folder (``pretrained/judge-*``).

A judge is a small CNN trained by the project on the train split of ``mnist`` / ``fashion``. It
plays the role Inception-v3 plays for FID on photos: Inception knows nothing about 28 px digits,
so we use a network that does. Its penultimate layer (128 ReLU units) gives the features, its
output the class. It also stores the feature mean and covariance of the test split, so the live
metric needs no data on disk. A judge folder holds ``config.json`` + ``model.safetensors``.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import torch
from safetensors.torch import load_file
from torch import nn

from ..pretrained import pretrained_dir
from ..checkpoints import atomic_save_tensors
from ..config import JsonConfig

JUDGE_DATASETS = ("mnist", "fashion")


@dataclass
class JudgeConfig(JsonConfig):
    kind: str = "judge"           # marks the folder as a judge, not a generative model
    dataset: str = "mnist"
    channels: int = 1
    image_size: int = 28
    width: int = 32               # channels of the first conv; the second has 2x
    features: int = 128           # size of the penultimate layer (the FID features)
    num_classes: int = 10
    test_accuracy: float = 0.0    # measured after training, kept for the model card
    command: str = ""             # how it was trained


class Judge(nn.Module):
    """conv4-32 stride 2, conv4-64 stride 2, fc-128 (the features), fc-10.

    Deliberately small and cheap -- strided convolutions instead of pooling keep the activations
    small, so 1,000 images take a few tens of milliseconds on a laptop CPU -- and without
    BatchNorm, so an image's features never depend on the rest of its batch.
    """

    def __init__(self, config: JudgeConfig):
        super().__init__()
        self.config = config
        c, w = config, config.width
        side = c.image_size // 4
        self.body = nn.Sequential(
            nn.Conv2d(c.channels, w, 4, 2, 1), nn.ReLU(True),
            nn.Conv2d(w, 2 * w, 4, 2, 1), nn.ReLU(True),
            nn.Flatten(), nn.Linear(2 * w * side * side, c.features), nn.ReLU(True))
        self.dropout = nn.Dropout(0.3)
        self.head = nn.Linear(c.features, c.num_classes)
        # Feature statistics of the real test split, set when the judge is trained.
        self.register_buffer("test_mean", torch.zeros(c.features, dtype=torch.float64))
        self.register_buffer("test_cov", torch.zeros(c.features, c.features, dtype=torch.float64))

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Images in [0, 1], (N, C, H, W) -> penultimate features (N, features)."""
        return self.body(x * 2.0 - 1.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.dropout(self.features(x)))


def _check_images(x: torch.Tensor, config: JudgeConfig) -> torch.Tensor:
    if not torch.is_tensor(x) or x.dim() != 4:
        raise ValueError("Expected images as a float tensor (N, C, H, W) in [0, 1].")
    want = (config.channels, config.image_size, config.image_size)
    if tuple(x.shape[1:]) != want:
        raise ValueError(f"The {config.dataset} judge takes images of shape {want}, got {tuple(x.shape[1:])}.")
    return x.float()


@torch.no_grad()
def judge_outputs(judge: Judge, images: torch.Tensor, batch_size: int = 1000) -> tuple[torch.Tensor, torch.Tensor]:
    """(penultimate features, class logits) of ``images`` (N, C, H, W) in [0, 1], in one pass."""
    judge.eval()
    x = _check_images(images, judge.config)
    feats = torch.cat([judge.features(x[i:i + batch_size]) for i in range(0, len(x), batch_size)])
    return feats, judge.head(feats)


def judge_features(judge: Judge, images: torch.Tensor, batch_size: int = 1000) -> torch.Tensor:
    """Penultimate-layer features of ``images`` (N, C, H, W) in [0, 1], on the CPU."""
    return judge_outputs(judge, images, batch_size)[0]


def judge_predict(judge: Judge, images: torch.Tensor, batch_size: int = 1000) -> torch.Tensor:
    """The judge's class for each image."""
    return judge_outputs(judge, images, batch_size)[1].argmax(1)


# ---------------------------------------------------------------- judge folders
_JUDGES: dict[tuple[str, float], nn.Module] = {}
_LOCK = threading.Lock()


def judge_dir(dataset: str) -> Path:
    return pretrained_dir() / f"judge-{dataset}"


def load_judge_folder(folder: Path, build: Callable[[dict[str, Any]], nn.Module], dataset: str) -> nn.Module:
    """A judge network from ``folder`` (``config.json`` + ``model.safetensors``), built by
    ``build(config_dict)``, in eval mode without gradients; cached per file and modification time."""
    weights = folder / "model.safetensors"
    if not weights.exists():
        raise FileNotFoundError(f"No judge in {folder}. Train it with: "
                                f"python -m genapp.metrics train-judge --dataset {dataset} --out {folder}")
    key = (str(weights.resolve()), weights.stat().st_mtime)
    with _LOCK:
        if key in _JUDGES:
            return _JUDGES[key]
    judge = build(json.loads((folder / "config.json").read_text()))
    own = judge.state_dict()
    judge.load_state_dict({k: v.to(own[k].dtype) for k, v in load_file(str(weights)).items()}, strict=True)
    judge.eval().requires_grad_(False)
    with _LOCK:
        _JUDGES[key] = judge
    return judge


def save_judge_folder(judge: nn.Module, out: Path) -> None:
    """Write ``judge`` to ``out`` as :func:`load_judge_folder` reads it (each file replaced whole)."""
    atomic_save_tensors(out / "model.safetensors", judge.state_dict(), metadata={"format": "pt"})
    judge.config.save(out / "config.json")


def load_judge(dataset: str | None = None, folder: str | Path | None = None) -> Judge:
    """The judge for ``dataset`` (from ``pretrained/judge-<dataset>``) or from ``folder``; cached."""
    if folder is None:
        if dataset not in JUDGE_DATASETS:
            raise ValueError(f"There is a judge for {', '.join(JUDGE_DATASETS)} only, not {dataset!r}.")
        folder = judge_dir(dataset)
    return load_judge_folder(Path(folder), lambda cfg: Judge(JudgeConfig.from_dict(cfg)), dataset or "mnist")


def judge_for(dataset: str, judge: Judge | None) -> Judge:
    """``judge`` if given, else the shipped judge of ``dataset``."""
    return judge if judge is not None else load_judge(dataset)
