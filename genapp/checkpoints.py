"""Run folders and checkpoints: safetensors only, every write atomic (temp file + rename).

A run folder holds ``config.json`` (model config + the run's train config), ``model.safetensors``
(weights, loadable by :func:`genapp.load`), ``training_state.safetensors`` + ``training_state.json``
(optimizer tensors, step, RNG-free bookkeeping) for resuming, ``metrics.jsonl`` and
``samples/step_XXXXXXX.png``. Nothing here ever unpickles.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file

WEIGHTS_NAME = "model.safetensors"
CONFIG_NAME = "config.json"
STATE_TENSORS = "training_state.safetensors"
STATE_JSON = "training_state.json"
METRICS_NAME = "metrics.jsonl"
SAMPLES_DIR = "samples"

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


def atomic_write(path: Path, write, durable: bool = True) -> None:
    """Write ``path`` through ``write(file)`` into a temp file beside it, then rename it over
    ``path``: a reader (another thread, a browser download) sees the old file or the new, never
    half of one. ``durable``: fsync first (checkpoints; a cache of pictures need not)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            if durable:
                os.fsync(f.fileno())
        os.replace(tmp, path)  # atomic on POSIX: readers see the old file or the new, never half
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write_bytes(path: Path, data: bytes, durable: bool = True) -> None:
    atomic_write(path, lambda f: f.write(data), durable)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_save_tensors(path: Path, tensors: dict[str, torch.Tensor], metadata: dict[str, str] | None = None) -> None:
    """Save with safetensors to a temp file in the same folder, then rename over ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        save_file({k: v.detach().contiguous().cpu() for k, v in tensors.items()}, tmp, metadata=metadata)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def safe_child(root: Path, name: str) -> Path:
    """``root / name`` for a plain name only: no separators, no ``..``, nothing outside ``root``."""
    if not isinstance(name, str) or not _SAFE_NAME.match(name) or ".." in name:
        raise ValueError(f"Invalid name {name!r}: use letters, digits, '.', '_' and '-' only.")
    root = Path(root).resolve()
    child = (root / name).resolve()
    if child.parent != root:
        raise ValueError(f"Invalid name {name!r}: it points outside {root}.")
    return child


# ---------------------------------------------------------------- optimizer state <-> tensors
def optimizer_state_to_tensors(prefix: str, opt: torch.optim.Optimizer) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
    """Split ``opt.state_dict()`` into flat tensors (for safetensors) and JSON (param groups)."""
    sd = opt.state_dict()
    tensors: dict[str, torch.Tensor] = {}
    scalars: dict[str, Any] = {}
    for idx, st in sd["state"].items():
        for key, val in st.items():
            name = f"{prefix}.{idx}.{key}"
            if torch.is_tensor(val):
                tensors[name] = val
            else:
                scalars[name] = val
    return tensors, {"param_groups": sd["param_groups"], "scalars": scalars}


def optimizer_state_from_tensors(prefix: str, opt: torch.optim.Optimizer, tensors: dict[str, torch.Tensor], meta: dict[str, Any]) -> None:
    state: dict[int, dict[str, Any]] = {}
    for name, val in list(tensors.items()) + list(meta.get("scalars", {}).items()):
        head, _, rest = name.partition(".")
        if head != prefix:
            continue
        idx, _, key = rest.partition(".")
        state.setdefault(int(idx), {})[key] = val
    opt.load_state_dict({"state": state, "param_groups": meta["param_groups"]})


# ---------------------------------------------------------------- whole checkpoints
def write_run_config(folder: Path, model, cfg) -> None:
    """``config.json`` of a run: the model config (so ``genapp.load`` reads it) + the train config."""
    data = {**model.config_dict(), "train": cfg.to_dict()}
    atomic_write_text(Path(folder) / CONFIG_NAME, json.dumps(data, indent=2))


def save_checkpoint(folder: Path, model, step: int, extra: dict[str, Any] | None = None) -> None:
    """Weights, then optimizer state, then the JSON that names the step (written last)."""
    folder = Path(folder)
    atomic_save_tensors(folder / WEIGHTS_NAME, model.state_dict_for_save(), metadata={"format": "pt"})
    tensors: dict[str, torch.Tensor] = {}
    meta: dict[str, Any] = {"step": int(step), "optimizers": {}, "extra": extra or {}}
    for name, opt in model.optimizers.items():
        t, m = optimizer_state_to_tensors(name, opt)
        tensors.update(t)
        meta["optimizers"][name] = m
    atomic_save_tensors(folder / STATE_TENSORS, tensors)
    atomic_write_text(folder / STATE_JSON, json.dumps(meta))


def load_checkpoint(folder: Path, model) -> int:
    """Restore weights and optimizer state from ``folder``; returns the step to continue from."""
    folder = Path(folder)
    model.load_weights(folder / WEIGHTS_NAME)
    model.setup_training()  # optimizers must exist before their state can be restored
    meta_path = folder / STATE_JSON
    if not meta_path.exists():
        return 0
    meta = json.loads(meta_path.read_text())
    tensors = load_file(str(folder / STATE_TENSORS)) if (folder / STATE_TENSORS).exists() else {}
    for name, opt in model.optimizers.items():
        if name in meta.get("optimizers", {}):
            optimizer_state_from_tensors(name, opt, tensors, meta["optimizers"][name])
    return int(meta.get("step", 0))


def append_jsonl(path: Path, record: dict[str, Any]) -> None:
    """Append one JSON line (a single write + flush; a torn last line is skipped by the reader)."""
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")
        f.flush()


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    out = []
    if not Path(path).exists():
        return out
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a line torn by a kill mid-write
    return out
