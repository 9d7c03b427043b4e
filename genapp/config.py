"""Typed configuration: one dataclass for how a run trains, plus a JSON round trip.

Model configs live next to their model (``genapp/models/<family>.py``) because each family has
its own knobs; they all derive from :class:`ModelConfig` so the shared fields (family, dataset,
image size) and the JSON round trip are written once.
"""
from __future__ import annotations

import dataclasses
import difflib
import json
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T", bound="JsonConfig")


class JsonConfig:
    """Mixin for dataclasses: ``to_dict`` / ``from_dict`` (unknown keys ignored) and files."""

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)  # type: ignore[arg-type]

    @classmethod
    def from_dict(cls: type[T], data: dict[str, Any]) -> T:
        known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        return cls(**{k: v for k, v in data.items() if k in known})

    def replace(self: T, **changes: Any) -> T:
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]

    def save(self, path: str | Path) -> None:
        from .checkpoints import atomic_write_text

        atomic_write_text(Path(path), json.dumps(self.to_dict(), indent=2))

    @classmethod
    def load(cls: type[T], path: str | Path) -> T:
        return cls.from_dict(json.loads(Path(path).read_text()))


_SIZES = {"channels", "d_steps", "hidden", "image_size", "latent_dim", "n_blocks", "n_critic", "ndf", "ngf",
          "num_classes"}
_KINDS = {bool: "true or false", int: "a whole number", float: "a number", str: "a word"}


def check_settings_for(cls: type, values: dict[str, Any], label: str = "") -> None:
    """Raise ValueError, with a message a user can act on, for a key ``cls`` has no field for (a
    typo would otherwise be ignored without a word) or a value of the wrong kind (``ngf=abc``
    would otherwise fail deep inside PyTorch)."""
    known = {f.name: f for f in fields(cls) if f.name not in ("family", "dataset")}  # chosen by name, not set
    for key, value in values.items():
        if key in ("family", "dataset"):
            raise ValueError(f"The {key} is chosen by its name (python -m train <family> --dataset <name>), "
                             f"not as a setting.")
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ValueError(f"{label or 'This model'} has no setting {key!r}.{hint} Its settings: {', '.join(known)}.")
        default = known[key].default
        kind = type(default)
        if kind not in _KINDS:
            continue
        if kind is float:
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        elif kind is bool:
            ok = isinstance(value, bool)
        else:
            ok = isinstance(value, kind) and not isinstance(value, bool)
        if not ok:
            raise ValueError(f"{key} must be {_KINDS[kind]}, such as {json.dumps(default)} (got {value!r}).")
        if key in _SIZES and not value >= 1:
            raise ValueError(f"{key} is a size and must be at least 1, such as {json.dumps(default)} (got {value!r}).")
        if kind in (int, float) and not 0 <= value < float("inf"):  # rates, weights: none is negative
            raise ValueError(f"{key} must be 0 or more, such as {json.dumps(default)} (got {value!r}).")


@dataclass
class ModelConfig(JsonConfig):
    """Fields every family shares. Subclasses add their architecture and recipe knobs."""

    family: str = ""
    dataset: str = "mnist"
    image_size: int = 28          # 28 px for MNIST-like data; 64-128 px for pix2pix / CycleGAN
    channels: int = 1
    lr: float = 2e-4              # Adam 2e-4 is the DCGAN paper's choice; families override
    beta1: float = 0.5            # DCGAN paper: beta1 = 0.5 steadies GAN training
    beta2: float = 0.999
    lr_decay: float = 0.0         # the last fraction of a run over which lr falls linearly to 0
                                  # (pix2pix / CycleGAN: 0.5, "100 epochs at lr, 100 decaying"); 0: constant


@dataclass
class TrainConfig(JsonConfig):
    """How a run trains; the same fields as ``python -m train`` and the app's Train tab."""

    steps: int = 1000             # optimisation steps (the CLI turns --epochs into steps)
    batch_size: int = 64
    seed: int = 0
    device: str = "auto"          # auto | cpu | cuda
    sample_every: int = 100       # fixed-z sample grid cadence (steps)
    checkpoint_every: int = 500   # weights + optimizer state cadence (steps)
    log_every: int = 10           # metrics.jsonl cadence (steps)
    minutes: float = 0.0          # wall-time budget of this invocation (0: none): stop when spent; with
                                  # lr_decay the schedule follows time or steps, whichever is further
    precision: str = "fp32"       # fp32 | bf16: the step's forward passes under bf16 autocast (for a GPU)
    compile: bool = False         # torch.compile each network before the first step (for a GPU)
    command: str = ""             # the exact command line that started the run, for model cards
    extra: dict[str, Any] = field(default_factory=dict)
