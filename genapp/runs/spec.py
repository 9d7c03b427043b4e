"""One run's settings (:class:`RunSpec`) and the one way to turn them into a model, a training
config and the equivalent command line.

The command line (``python -m train``), the Train tab, the race presets, the benches and the
model cards all describe a run with a ``RunSpec``, so they share one set of defaults and one
``command()``. The app differs from the command line in one place, :meth:`RunSpec.in_app`.
"""
from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

import torch

from .. import settings
from ..config import TrainConfig
from ..models import DATASET_SHAPES, build_model, default_dataset, model_class
from ..models.base import GenerativeModel

MAX_SEED = 2**31 - 1


def runs_root() -> Path:
    """Where run folders go (``GENAPP_RUNS_DIR``)."""
    return settings.path("GENAPP_RUNS_DIR")


def next_run_id(root: Path, family: str, dataset: str) -> str:
    """The next free ``NNNNN-<family>-<dataset>`` folder name under ``root`` (StyleGAN3 style)."""
    root.mkdir(parents=True, exist_ok=True)
    nums = [int(m.group(1)) for p in root.iterdir() if (m := re.match(r"^(\d{5})-", p.name))]
    return f"{max(nums, default=-1) + 1:05d}-{family}-{dataset}"


def limits() -> dict[str, int]:
    """What a run started in the app may ask for (a public Space lowers them; the CLI has none)."""
    return {"max_steps": settings.integer("GENAPP_MAX_STEPS", 100_000),
            "max_batch": settings.integer("GENAPP_MAX_BATCH", 512)}


def check_settings(steps, batch_size, lr, seed) -> tuple[int, int, float | None, int]:
    """Validate the numbers a visitor typed, with messages that say the allowed range."""
    lim = limits()

    def as_int(v, name, lo, hi):
        try:
            f = float(v)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be a whole number, not {v!r}.") from None
        if not f.is_integer():
            raise ValueError(f"{name} must be a whole number, not {v!r}.")
        if not lo <= f <= hi:
            raise ValueError(f"{name} must be between {lo} and {hi:,}, not {int(f):,}.")
        return int(f)
    steps = as_int(steps, "Steps", 1, lim["max_steps"])
    batch_size = as_int(batch_size, "Batch size", 1, lim["max_batch"])
    seed = as_int(seed, "Seed", 0, MAX_SEED)
    if lr is not None and lr != "":
        try:
            lr = float(lr)
        except (TypeError, ValueError):
            raise ValueError(f"The learning rate must be a number like 0.0002, not {lr!r}.") from None
        if not (lr > 0 and lr <= 1.0) or lr != lr:
            raise ValueError(f"The learning rate must be above 0 and at most 1 (e.g. 0.0002), not {lr}.")
    else:
        lr = None
    return steps, batch_size, lr, seed


def _set_value(value: Any) -> str:
    """A ``--set`` value as the command line reads it back (JSON, or a bare word)."""
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


@dataclass(frozen=True)
class RunSpec:
    """Every setting of one run. ``None`` means the family's recipe (its config's ``lr``, its
    ``default_batch_size``) or the cadence below."""

    family: str
    dataset: str | None = None
    steps: int = 1000
    batch_size: int | None = None
    lr: float | None = None
    seed: int = 0
    device: str = "auto"
    precision: str = "fp32"               # fp32 | bf16 | auto (bf16 where the machine computes it natively)
    sample_every: int | None = None       # None: 10 grids a run, at least every 200 steps
    checkpoint_every: int | None = None   # None: every 1,000 steps (and at the end)
    log_every: int = 10
    minutes: float = 0.0                  # a wall-time budget (0: none)
    compile: bool = False
    overrides: Mapping[str, Any] = field(default_factory=dict)   # model config fields (--set KEY=VALUE)
    init_from: str | None = None          # start from this model's weights (--init-from)
    started_in_app: bool = False          # see in_app()

    # ------------------------------------------------------------ the app's one difference
    @classmethod
    def in_app(cls, family: str, dataset: str | None = None, **values: Any) -> RunSpec:
        """A run started in the app. Where the app differs from ``python -m train``, it is here:

        * it trains in bf16 where the machine computes it natively (``precision="auto"``), which
          is what makes the live view fast;
        * it draws 20 grids a run (at least every 100 steps) and checkpoints every 500 steps, so
          the live view moves and a stopped run keeps more;
        * the Train tab's fields start at the family's ``live_lr`` / ``live_batch_size`` (see
          :meth:`app_start`): a lecture minute on a laptop CPU, not the paper's hours.
        """
        values.setdefault("precision", "auto")
        return cls(family, dataset, started_in_app=True, **values)

    @classmethod
    def app_start(cls, family: str, dataset: str | None = None) -> RunSpec:
        """The settings the Train tab's fields start at for ``family`` on ``dataset``."""
        cls_ = model_class(family, dataset)
        lr = cls_.live_lr if cls_.live_lr is not None else cls_.Config().lr
        batch = cls_.live_batch_size if cls_.kind == "image" and cls_.live_batch_size else cls_.default_batch_size
        return cls.in_app(family, dataset, lr=float(lr), batch_size=int(batch))

    # ------------------------------------------------------------ resolved values
    @property
    def dataset_name(self) -> str:
        return self.dataset or default_dataset(self.family)

    @property
    def batch(self) -> int:
        return int(self.batch_size or model_class(self.family, self.dataset_name).default_batch_size)

    def cadence(self) -> tuple[int, int]:
        """(sample_every, checkpoint_every) in steps."""
        grids, most, ckpt = (20, 100, 500) if self.started_in_app else (10, 200, 1000)
        sample = self.sample_every or max(1, min(most, self.steps // grids or 1))
        return sample, self.checkpoint_every or max(1, min(ckpt, self.steps))

    def within_limits(self) -> RunSpec:
        """This spec with its numbers checked against the app's limits (ValueError says which)."""
        batch = self.batch if self.batch_size is None else self.batch_size  # as typed: 2.5 is refused, not cut
        steps, batch_size, lr, seed = check_settings(self.steps, batch, self.lr, self.seed)
        return replace(self, steps=steps, batch_size=batch_size, lr=lr, seed=seed)

    # ------------------------------------------------------------ what it makes
    def build(self) -> GenerativeModel:
        """A fresh model, its weights drawn from ``seed`` (the same seed gives the same model).
        ``ValueError`` for a setting the family does not have or a dataset it does not train on."""
        overrides = dict(self.overrides)
        if "lr" in overrides and self.lr is not None:
            raise ValueError("--set lr=... and --lr: give the learning rate once.")
        overrides.setdefault("lr", self.lr)
        torch.manual_seed(self.seed)
        return build_model(self.family, self.dataset, **overrides)

    def train_config(self, model: GenerativeModel, precision: str | None = None) -> TrainConfig:
        """How ``model`` (built from this spec) trains; ``precision`` as settled for the device."""
        sample_every, checkpoint_every = self.cadence()
        extra: dict[str, Any] = {"lr": model.config.lr}
        if self.init_from:
            extra["init_from"] = self.init_from
        return TrainConfig(steps=int(self.steps), batch_size=self.batch, seed=int(self.seed), device=self.device,
                           precision=precision or self.precision, compile=self.compile, minutes=self.minutes,
                           sample_every=sample_every, checkpoint_every=checkpoint_every, log_every=self.log_every,
                           command=self.command(), extra=extra)

    def command(self) -> str:
        """The ``python -m train`` line that trains this run."""
        parts = ["python -m train", self.family, "--dataset", self.dataset_name, "--steps", str(self.steps),
                 "--batch-size", str(self.batch)]
        if self.lr:
            parts += ["--lr", f"{self.lr:g}"]
        parts += ["--seed", str(self.seed)]
        if self.minutes:
            parts += ["--minutes", f"{self.minutes:g}"]
        if self.precision != "fp32":
            parts += ["--precision", self.precision]
        if self.compile:
            parts.append("--compile")
        if self.init_from:
            parts += ["--init-from", shlex.quote(self.init_from)]
        parts += [f"--set {shlex.quote(f'{k}={_set_value(v)}')}" for k, v in self.overrides.items()]
        return " ".join(parts)

    @classmethod
    def from_run_config(cls, config: Mapping[str, Any]) -> RunSpec:
        """The spec of a run (or shipped model) from its ``config.json``: its family, dataset and
        training section, and the model settings that differ from the family's defaults."""
        family, dataset = str(config.get("family", "")), config.get("dataset")
        train = config.get("train") if isinstance(config.get("train"), Mapping) else {}
        defaults = model_class(family, dataset).Config().to_dict()
        size, channels = DATASET_SHAPES.get(str(dataset), (defaults.get("image_size"), defaults.get("channels")))
        defaults.update(image_size=size, channels=channels)  # what build_model sets from the dataset
        skip = {"family", "dataset", "lr", "train"}
        overrides = {k: v for k, v in config.items() if k not in skip and k in defaults and defaults[k] != v}
        return cls(family, dataset, steps=int(train.get("steps", 1000)), batch_size=train.get("batch_size"),
                   lr=config.get("lr"), seed=int(train.get("seed", 0)),
                   precision=str(train.get("precision", "fp32")), overrides=overrides)
