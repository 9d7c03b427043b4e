"""One run: its settings, its live state (step, losses, samples, metrics) and its status file.
The registry (``run_registry.py``) owns the runs; the live views read them under ``Run.lock``."""
from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from .. import checkpoints as ckpt
from ..config import TrainConfig
from ..data import CLASS_NAMES

STATUS_NAME = "status.json"
ACTIVE = ("queued", "running")


@dataclass
class Run:
    id: str
    folder: Path
    family: str
    dataset: str
    train_cfg: TrainConfig
    status: str = "queued"
    step: int = 0
    start_step: int = 0
    reason: str = ""
    created: float = field(default_factory=time.time)
    started: float | None = None
    ended: float | None = None
    images_per_s: float = 0.0
    threads: int | None = None      # CPU threads the run trains on now (None: not on the CPU)
    max_threads: int | None = None  # ... of how many, where it adapts them (ThreadGovernor)
    losses: deque = field(default_factory=lambda: deque(maxlen=2000))   # (step, {name: value}), recent
    loss_history: list = field(default_factory=list)                    # thinned whole-run history
    samples: list = field(default_factory=list)                         # (step, path)
    metrics: dict = field(default_factory=dict)
    metrics_history: list = field(default_factory=list)                 # (step, {name: value})
    class_shares: list | None = None                                    # judge's class shares, latest grid
    stop_event: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    model: Any = None
    rng_state: torch.Tensor | None = None       # a race run's own random stream (CPU), see Lockstep
    cuda_rng_state: torch.Tensor | None = None  # ... and on a GPU

    @property
    def total_steps(self) -> int:
        return self.train_cfg.steps

    def eta_s(self) -> float | None:
        if self.status != "running" or self.images_per_s <= 0:
            return None
        return (self.total_steps - self.step) * self.train_cfg.batch_size / self.images_per_s

    def latest_sample(self) -> str | None:
        with self.lock:
            return self.samples[-1][1] if self.samples else None

    def named_class_shares(self) -> dict[str, float] | None:
        """``{class name: share}`` of the latest sample grid's 1,000 judged samples (None: no judge)."""
        names = CLASS_NAMES.get(self.dataset, [])
        if not self.class_shares or len(self.class_shares) != len(names):
            return None
        return dict(zip(names, self.class_shares))

    def snapshot(self, n_losses: int = 200) -> dict[str, Any]:
        """A JSON-safe view of the run (what ``/train_status`` returns)."""
        with self.lock:
            recent = list(self.losses)[-n_losses:] if n_losses > 0 else list(self.losses)
            return {
                "run_id": self.id, "family": self.family, "dataset": self.dataset, "status": self.status,
                "step": self.step, "total_steps": self.total_steps, "reason": self.reason,
                "images_per_s": round(self.images_per_s, 1), "threads": self.threads,
                "max_threads": self.max_threads,
                "eta_s": None if self.eta_s() is None else round(self.eta_s(), 1),
                "elapsed_s": round((self.ended or time.time()) - self.started, 1) if self.started else 0.0,
                "batch_size": self.train_cfg.batch_size, "seed": self.train_cfg.seed,
                "precision": self.train_cfg.precision,
                "lr": self.train_cfg.extra.get("lr"),
                "losses": [{"step": s, **v} for s, v in recent],
                "metrics": dict(self.metrics),
                "class_shares": self.named_class_shares(),
                "samples": len(self.samples),
            }

    def write_status(self) -> None:
        ckpt.atomic_write_text(self.folder / STATUS_NAME, json.dumps(
            {"status": self.status, "step": self.step, "reason": self.reason,
             "family": self.family, "dataset": self.dataset, "total_steps": self.total_steps}))


HISTORY_POINTS = 1000


def _thin_append(history: list, item) -> None:
    """Keep at most HISTORY_POINTS points over the whole run: when full, drop every other one
    and keep only steps on the (doubled) stride from then on. The curve stays whole, coarser."""
    stride = history[1][0] - history[0][0] if len(history) > 1 else 1
    if history and item[0] - history[-1][0] < stride:
        return
    history.append(item)
    if len(history) > HISTORY_POINTS:
        del history[1::2]
