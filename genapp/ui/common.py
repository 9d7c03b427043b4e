"""What every tab shares: the model cache, the model pickers, and errors a user can act on.

* Models load lazily, on the first request that needs them, and stay in a small thread-safe
  LRU cache keyed by the resolved folder and the weights' modification time (so a run that
  was resumed and finished again is reloaded, not served stale).
* Each playground lists the pretrained names that suit it plus the finished runs of the
  matching families; the dropdowns accept any other value, so a Hub repo id can be typed.
* Every endpoint is wrapped by :func:`user_errors`: expected failures (bad input, a missing
  model, a busy queue) become a ``gr.Error`` with the message; anything else becomes a short
  ``gr.Error`` too, with the traceback only in the server log -- never in the browser.
"""
from __future__ import annotations

import functools
import logging
import math
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable

import gradio as gr
import torch
from PIL import Image

import genapp
from genapp import api, checkpoints
from genapp.images import grid_image
from genapp.runs import registry

from ..drawing import upscale_for_display

log = logging.getLogger("genapp.ui")

# Which pretrained models each playground offers (DESIGN.md's names) and which families fit it.
LATENT_FAMILIES = ("dcgan", "gan", "wgan", "vae", "ae", "dae")
PLAYGROUNDS: dict[str, dict[str, tuple[str, ...]]] = {
    "latent": {"pretrained": ("mnist-dcgan", "fashion-dcgan", "mnist-gan", "mnist-wgan", "mnist-vae"),
               "families": LATENT_FAMILIES},
    "conditional": {"pretrained": ("fashion-cgan", "mnist-cgan"), "families": ("cgan",)},
    "sketch": {"pretrained": ("edges2shoes-pix2pix",), "families": ("pix2pix",)},
    "horse": {"pretrained": ("horse2zebra-cyclegan",), "families": ("cyclegan",)},
}
USABLE_RUN_STATUSES = ("finished", "stopped", "interrupted")

MAX_IMAGE_SIDE = 4096          # uploads bigger than this are refused (decompression bombs, memory)


# ---------------------------------------------------------------- errors
class UserError(ValueError):
    """A message for the person using the app."""


def user_errors(fn: Callable) -> Callable:
    """Turn exceptions into ``gr.Error`` messages (no traceback ever reaches the browser)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except KeyError as exc:  # str(KeyError) adds quotes; show the message itself
            raise gr.Error(str(exc.args[0]) if exc.args else "Not found.", print_exception=False) from None
        except (ValueError, FileNotFoundError, TypeError, RuntimeError) as exc:
            # RegistryBusy, HubError, DataMissingError, EmptySketch and our UserError land here.
            raise gr.Error(str(exc) or type(exc).__name__, print_exception=False) from None
        except Exception as exc:  # noqa: BLE001 -- the app must keep serving
            log.exception("unexpected error in %s", fn.__name__)
            raise gr.Error(f"Something went wrong ({type(exc).__name__}). The app is still running; "
                           f"try again or pick another model.", print_exception=False) from None

    return wrapper


# ---------------------------------------------------------------- the model cache
class ModelCache:
    """A small LRU of loaded models, safe to use from Gradio's worker threads."""

    def __init__(self, size: int = 8):
        self.size = size
        self._models: OrderedDict[tuple[str, int], Any] = OrderedDict()
        self._lock = threading.Lock()
        self._loading: dict[tuple[str, int], threading.Lock] = {}

    @staticmethod
    def _key(name: str) -> tuple[tuple[str, int], Path]:
        folder = api.resolve(name)
        w = folder / checkpoints.WEIGHTS_NAME
        return (str(folder.resolve()), w.stat().st_mtime_ns if w.exists() else 0), folder

    def get(self, name: str):
        key, folder = self._key(name)
        with self._lock:
            if key in self._models:
                self._models.move_to_end(key)
                return self._models[key]
            lock = self._loading.setdefault(key, threading.Lock())
        with lock:  # one load per model even when several visitors ask at once
            with self._lock:
                if key in self._models:
                    return self._models[key]
            model = genapp.load(str(folder))
            with self._lock:
                self._models[key] = model
                self._loading.pop(key, None)
                while len(self._models) > self.size:
                    self._models.popitem(last=False)
            return model

    def clear(self) -> None:
        with self._lock:
            self._models.clear()


CACHE = ModelCache()


def load_model(name: str, playground: str | None = None):
    """The model called ``name`` (pretrained name, run id, folder or Hub id), checked for the tab."""
    name = (name or "").strip()
    if not name:
        raise UserError("Choose a model first.")
    if name.startswith(("/", "~", ".")) or "\\" in name or ".." in name:
        # Visitors pick models by name; they do not get to read folders of the server.
        raise UserError(f"{name!r} is not a model name: give a pretrained name, a run id or a Hub repo id "
                        f"(owner/name).")
    model = CACHE.get(name)
    if playground is not None and model.family not in PLAYGROUNDS[playground]["families"]:
        fams = ", ".join(PLAYGROUNDS[playground]["families"])
        raise UserError(f"{name} is a {model.family} model; this tab needs one of: {fams}.")
    return model


# ---------------------------------------------------------------- model pickers and notices
def pretrained_present(name: str) -> bool:
    return (api.pretrained_dir() / name / checkpoints.WEIGHTS_NAME).exists()


def missing_message(name: str) -> str:
    """'The pretrained model X is not in ...; train it with: python -m train ...' (from the core)."""
    try:
        api.resolve(name)
    except FileNotFoundError as exc:
        return str(exc)
    return ""


def finished_runs(families: tuple[str, ...]) -> list[str]:
    out = []
    for run in registry().list():
        if run.family in families and run.status in USABLE_RUN_STATUSES and \
                (run.folder / checkpoints.WEIGHTS_NAME).exists():
            out.append(run.id)
    return out


def model_choices(playground: str) -> list[str]:
    spec = PLAYGROUNDS[playground]
    present = [n for n in spec["pretrained"] if pretrained_present(n)]
    missing = [n for n in spec["pretrained"] if n not in present]
    # Missing names stay listed (after the present ones) so choosing one explains how to train it.
    return present + finished_runs(spec["families"]) + missing


def default_model(playground: str) -> str:
    choices = model_choices(playground)
    return choices[0] if choices else PLAYGROUNDS[playground]["pretrained"][0]


def notice(playground: str) -> str:
    """Markdown naming every missing pretrained model of a tab and the command that trains it."""
    lines = []
    for name in PLAYGROUNDS[playground]["pretrained"]:
        if not pretrained_present(name):
            cmd = missing_message(name).split("Train it with: ")[-1]
            lines.append(f"- **{name}** is missing. Train it with `{cmd}`")
    if not lines:
        return ""
    return "**Some pretrained models are not installed:**\n" + "\n".join(lines) + \
        "\n\nModels you finish in the **Train** tab appear in the model list too."


def picker_update(playground: str, current: str | None = None):
    """A refreshed model dropdown (choices change as runs finish and models are installed)."""
    choices = model_choices(playground)
    value = current if current else (choices[0] if choices else None)
    return gr.Dropdown(choices=choices, value=value)


# ---------------------------------------------------------------- small converters
def as_int(value, name: str, lo: int | None = None, hi: int | None = None) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise UserError(f"{name} is empty; give a whole number.")
    try:
        f = float(value)
    except (TypeError, ValueError):
        raise UserError(f"{name} must be a whole number (got {value!r}).") from None
    if not math.isfinite(f) or f != int(f):
        raise UserError(f"{name} must be a whole number (got {value!r}).")
    v = int(f)
    if lo is not None and v < lo or hi is not None and v > hi:
        if lo is not None and hi is not None:
            rng = f"between {lo} and {hi}"
        else:
            rng = f"at least {lo}" if lo is not None else f"at most {hi}"
        raise UserError(f"{name} must be {rng} (got {v}).")
    return v


def as_seed(value, name: str = "seed") -> int:
    return as_int(value, name, 0, 2**63 - 1)


def check_upload(img: Image.Image | None, what: str = "an image") -> Image.Image:
    if img is None:
        raise UserError(f"Upload {what} first.")
    if max(img.size) > MAX_IMAGE_SIDE:
        raise UserError(f"The image is {img.width}x{img.height}; {MAX_IMAGE_SIDE} px per side at most.")
    if min(img.size) < 8:
        raise UserError(f"The image is {img.width}x{img.height}; too small to use.")
    return img


def grid(images: torch.Tensor, nrow: int | None = None) -> Image.Image:
    """(N, C, H, W) in [0, 1] -> a PIL grid, upscaled when the tiles are tiny."""
    n = images.size(0)
    nrow = nrow or max(1, math.ceil(math.sqrt(n)))
    img = grid_image(images, nrow)
    return upscale_for_display(img, target=256) if images.shape[-1] <= 32 else img
