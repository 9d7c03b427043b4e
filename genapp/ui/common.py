"""What every tab shares: the model cache, the model pickers, and errors a user can act on.

* Models load lazily, on the first request that needs them, and stay in a small thread-safe
  LRU cache keyed by the resolved folder and the weights' modification time (so a run that
  was resumed and finished again is reloaded, not served stale).
* Each playground lists the pretrained names that suit it plus the finished runs of the
  matching families; the dropdowns accept any other value, so a Hub repo id can be typed.
* Every endpoint is wrapped by :func:`user_errors`: expected failures (bad input, a missing
  model, a busy queue) become a ``gr.Error`` with the message; anything else becomes a short
  ``gr.Error`` too, with the traceback only in the server log -- never in the browser.
* Model names are names, never paths: a pretrained name or a run id (looked up inside
  ``pretrained/`` and the runs folder only), or a Hub repo id (fetched and checked by
  ``genapp.hub``; offline, the tab's pretrained model is used instead and the visitor is told).
* Inputs are checked before a handler runs: :func:`upload_image` hands the handler the uploaded
  file untouched (Gradio's own ``gr.Image`` would open it with PIL first, and a bomb, a text file
  or a truncated PNG would fail there with no message), and :func:`read_upload` validates it with
  ``genapp.images.load_image``; :func:`checked_number` and :func:`checked_slider` answer "abc"
  with a message.
"""
from __future__ import annotations

import base64
import binascii
import functools
import logging
import math
import re
import threading
import types
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable

import gradio as gr
import torch
from PIL import Image

import genapp
from genapp import api, checkpoints, hub
from genapp.images import MAX_BYTES, grid_image, load_image
from genapp.models import FAMILIES
from genapp.runs import RegistryBusy, registry
from genapp.threads import serve_threads, use_threads

from ..drawing import upscale_for_display
from .i18n import EN, message, tr

log = logging.getLogger("genapp.ui")

# The shipped models in the order the playgrounds' pickers list them (a tab's first is its default).
SHOWN = ("mnist-dcgan", "fashion-dcgan", "mnist-gan", "mnist-wgan", "mnist-vae", "fashion-cgan", "mnist-cgan",
         "edges2shoes-pix2pix", "horse2zebra-cyclegan", "mnist-pixelcnn")


def family_of(pretrained_name: str) -> str:
    """The family of a shipped model: its name is ``<dataset>-<family>`` (genapp.pretrained)."""
    return pretrained_name.rsplit("-", 1)[-1]


def _playgrounds() -> dict[str, dict[str, tuple[str, ...]]]:
    """Each playground (app tab) the families declare (``playground``): the families that declare
    it and the shipped models of those families."""
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for name in dict.fromkeys(c.playground for c in FAMILIES.values() if c.playground):
        families = tuple(f for f, c in FAMILIES.items() if c.playground == name)
        out[name] = {"pretrained": tuple(n for n in SHOWN if family_of(n) in families), "families": families}
    return out


PLAYGROUNDS: dict[str, dict[str, tuple[str, ...]]] = _playgrounds()
USABLE_RUN_STATUSES = ("finished", "stopped", "interrupted")

# Every event that runs a model shares one concurrency group, so however many tabs and visitors
# ask at once, at most ``default_concurrency_limit`` (app.py) forward passes share the CPU.
MODEL_EVENTS: dict[str, Any] = {"concurrency_id": "models"}

INTRO_MIN_WIDTH = 260  # px: see tab_intro

PLAIN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")  # a pretrained name or a run id


# ---------------------------------------------------------------- errors
class UserError(ValueError):
    """A message for the person using the app."""


def user_errors(fn: Callable) -> Callable:
    """Turn exceptions into ``gr.Error`` messages (no traceback ever reaches the browser)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        use_threads(serve_threads())  # this request's share of the cores (genapp/threads.py)
        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except KeyError as exc:  # str(KeyError) adds quotes; show the message itself
            raise gr.Error(str(exc.args[0]) if exc.args else "Not found.", print_exception=False) from None
        except RegistryBusy as exc:
            raise gr.Error(f"The app is busy, try again in a few minutes: {exc}", print_exception=False) from None
        except (ValueError, FileNotFoundError, TypeError, RuntimeError) as exc:
            # HubError, DataMissingError, ImageInputError, EmptySketch and our UserError land here.
            raise gr.Error(str(exc) or type(exc).__name__, print_exception=False) from None
        except Exception as exc:  # noqa: BLE001 -- the app must keep serving
            log.exception("unexpected error in %s", fn.__name__)
            raise gr.Error(f"Something went wrong ({type(exc).__name__}). The app is still running; "
                           f"try again or pick another model.", print_exception=False) from None

    return wrapper


def tab_intro(text: str) -> None:
    """A playground's intro, in the row beside its model picker. On a wide screen they sit side by
    side; on a phone (about 350 px of row) the two do not fit at these widths, so the row wraps and
    the intro gets the full width under the picker instead of a column a few words wide. (The
    Column carries the width: a Markdown's own ``min_width`` is not applied.)"""
    with gr.Column(min_width=INTRO_MIN_WIDTH):
        gr.Markdown(text)


def stop_first_look(look, triggers, acted) -> None:
    """A visitor who acts before the first view has landed (uploads, presses a button, picks a
    model) cancels it, so it never replaces what they made. ``acted`` (a ``gr.State``) remembers
    it, for a first view not yet sent when they acted: a cancel reaches only events under way."""
    for trigger in triggers:
        trigger(lambda: True, None, acted, cancels=[look], api_visibility="private", show_progress="hidden")


def skips(n_outputs: int):
    """An event's "leave every output as it is"."""
    return gr.skip() if n_outputs == 1 else tuple(gr.skip() for _ in range(n_outputs))


def first_look(fn: Callable, n_outputs: int = 1) -> Callable:
    """A playground's first view: what its main button makes with the default settings, while its
    first output (``current``) is still empty, so a visitor or a class sees the model at work before
    pressing anything. Silent when it cannot be made: the notice under the model picker already
    says what is missing."""
    skip = skips(n_outputs)

    def run(current, acted, *args):
        if current is not None or acted:  # something shown, or the visitor acted (stop_first_look)
            return skip
        try:
            return fn(*args)
        except gr.Error:
            return skip
        except Exception:  # noqa: BLE001 -- a first view must never break the page
            log.exception("first view of %s", getattr(fn, "__name__", fn))
            return skip

    return run


# ---------------------------------------------------------------- the model cache
class ModelCache:
    """A small LRU of loaded models, safe to use from Gradio's worker threads."""

    def __init__(self, size: int = 8):
        self.size = size
        self._models: OrderedDict[tuple[str, int], Any] = OrderedDict()
        self._lock = threading.Lock()
        self._loading: dict[tuple[str, int], threading.Lock] = {}

    @staticmethod
    def _key(folder: Path) -> tuple[str, int]:
        w = folder / checkpoints.WEIGHTS_NAME
        return str(folder.resolve()), w.stat().st_mtime_ns if w.exists() else 0

    def get(self, folder: Path):
        """The model in ``folder`` (already resolved and checked by :func:`resolve_model`)."""
        key = self._key(folder)
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


def _stand_ins(name: str, playground: str | None) -> list[str] | None:
    """The pretrained models a tab may show instead of a Hub repo that cannot be fetched: the one
    with the repo's name first, then the tab's own (None outside a tab: no stand-in)."""
    if playground is None:
        return None
    listed = list(PLAYGROUNDS[playground]["pretrained"])
    tail = name.rsplit("/", 1)[-1]
    return ([tail] if tail in listed else []) + listed


def resolve_model(name, playground: str | None = None) -> tuple[Path, str]:
    """``(folder, notice)`` for a model name typed or picked in a playground, by
    :func:`genapp.hub.find_model` with names only: a pretrained name or a run id (inside
    ``pretrained/`` and the runs folder), or a Hub repo id (downloaded and checked) -- never a
    path of the server. When the Hub cannot be reached, the tab's pretrained model is used and
    ``notice`` says so.
    """
    if not isinstance(name, str):
        raise UserError("Choose a model first (its name, as text).")
    if not name.strip():
        raise UserError("Choose a model first.")
    return hub.find_model(name, names_only=True, runs_root=registry().root, stand_ins=_stand_ins(name, playground))


def load_model(name: str, playground: str | None = None, *, fallback_from: str | None = None):
    """The model called ``name`` (pretrained name, run id or Hub repo id), checked for the tab.

    ``fallback_from``: the playground whose pretrained models may stand in for a Hub repo that
    cannot be fetched (defaults to ``playground``); the visitor gets a warning saying so.
    """
    folder, notice_text = resolve_model(name, fallback_from or playground)
    if notice_text:
        log.info("%s", notice_text)
        gr.Warning(message(notice_text))
    model = CACHE.get(folder)
    if playground is not None and model.family not in PLAYGROUNDS[playground]["families"]:
        fams = ", ".join(PLAYGROUNDS[playground]["families"])
        raise UserError(f"{name} is a {model.family} model; this tab needs one of: {fams}.")
    return model


# ---------------------------------------------------------------- model pickers and notices
def pretrained_present(name: str) -> bool:
    return (api.pretrained_dir() / name / checkpoints.WEIGHTS_NAME).exists()


def missing_message(name: str) -> str:
    """'The pretrained model X is not in ...; train it with: python -m train ...' (from the core)."""
    shipped = {*api.PRETRAINED_NAMES, *(n for spec in PLAYGROUNDS.values() for n in spec["pretrained"])}
    if name not in shipped or pretrained_present(name):  # only the fixed names, never a path
        return ""
    return hub.missing_pretrained(name)


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
            lines.append(tr("notice_line", name=name, cmd=cmd))
    if not lines:
        return ""
    return tr("notice_head") + "\n" + "\n".join(lines) + "\n\n" + tr("notice_tail")


def picker_update(playground: str, current: str | None = None):
    """A refreshed model dropdown (choices change as runs finish and models are installed). Only the
    choices when it shows a model: the value it has when this lands stays (one chosen, or set by a
    link, after ``current`` was read is never put back)."""
    choices = model_choices(playground)
    if current:
        return gr.Dropdown(choices=choices)
    return gr.Dropdown(choices=choices, value=choices[0] if choices else None)


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


def read_upload(source, what: str = "an image") -> Image.Image:
    """An upload (path, bytes, PIL image, array or Gradio value) -> a validated RGB image.

    ``genapp.images.load_image`` does the checks (byte and pixel budgets, bombs, modes, EXIF,
    animations, corrupt files, tiny images); its :class:`ImageInputError` reaches the visitor as
    the message it carries. What it changed on the way (first frame used, upscaled) is shown as
    a ``gr.Info``.
    """
    if source is None:
        raise UserError(f"Upload {what} first.")
    notes: list[str] = []
    img = load_image(source, notes)
    for note in notes:
        log.info("upload: %s", note)
        gr.Info(message(note))
    return img


def _label_text(label) -> str:
    """A component's label in English (the i18n key's text), for messages."""
    key = getattr(label, "key", None)
    return EN.get(key, key) if key else (str(label) if label else "The value")


def _raw_upload(self, payload):
    """An Image's preprocess that hands over the uploaded file itself: its path (bytes for a data URL)."""
    if payload is None:
        return None
    if payload.url and payload.url.startswith("data:"):
        data = payload.url.split(",", 1)[-1]
        if len(data) > MAX_BYTES * 4 // 3 + 4:
            raise gr.Error(f"The image is over the {MAX_BYTES / 1e6:.0f} MB limit.", print_exception=False)
        try:
            return base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise gr.Error("The image data is not valid base64; upload the file instead.",
                           print_exception=False) from None
    return None if payload.path is None else str(payload.path)


def upload_image(**kwargs) -> gr.Image:
    """A ``gr.Image`` whose value reaches the handler as the uploaded file itself (a path), not as
    an image Gradio opened with PIL: the handler validates it with :func:`read_upload`, so a bomb,
    a text file or a truncated PNG gets a message instead of failing inside Gradio."""
    img = gr.Image(type="filepath", **kwargs)
    # An instance attribute, not a subclass: Gradio writes a .pyi stub next to every module that
    # subclasses a component, and the browser must see a plain Image anyway.
    img.preprocess = types.MethodType(_raw_upload, img)
    return img


def _checked_number(payload, label):
    """A JSON value for a number field -> a number (None when empty), or a ``gr.Error`` naming the field."""
    name = _label_text(label)
    if payload is None or isinstance(payload, str) and not payload.strip():
        return None  # an empty field: the handler says what to type
    if isinstance(payload, bool) or not isinstance(payload, (int, float, str)):
        raise gr.Error(f"{name} must be a number (got a {type(payload).__name__}).", print_exception=False)
    try:
        value = float(payload)
    except ValueError:
        raise gr.Error(f"{name} must be a number (got {payload[:40]!r}).", print_exception=False) from None
    except OverflowError:  # an integer with hundreds of digits
        raise gr.Error(f"{name} is far too large.", print_exception=False) from None
    if not math.isfinite(value):
        raise gr.Error(f"{name} must be a finite number (got {str(payload)[:40]!r}).", print_exception=False)
    return payload if isinstance(payload, int) else value


def _checked_preprocess(self, payload):
    value = _checked_number(payload, self.label)
    if value is None and isinstance(self, gr.Slider):
        raise gr.Error(f"{_label_text(self.label)} is empty; give a number.", print_exception=False)
    try:
        return type(self).preprocess(self, value)
    except gr.Error as exc:  # "Value 0 is less than minimum value 1." -> say which field
        raise gr.Error(f"{_label_text(self.label)}: {exc.message}", print_exception=False) from None


def checked_number(*args, **kwargs) -> gr.Number:
    """A ``gr.Number`` that answers a non-number ("abc", [], "nan") with a message naming the field
    (``gr.Number`` itself fails on those with no message)."""
    field = gr.Number(*args, **kwargs)
    field.preprocess = types.MethodType(_checked_preprocess, field)
    return field


def checked_slider(*args, **kwargs) -> gr.Slider:
    """A ``gr.Slider`` with the same checks as :func:`checked_number` (an API call can send anything)."""
    field = gr.Slider(*args, **kwargs)
    field.preprocess = types.MethodType(_checked_preprocess, field)
    return field


def grid(images: torch.Tensor, nrow: int | None = None) -> Image.Image:
    """(N, C, H, W) in [0, 1] -> a PIL grid, upscaled when the tiles are tiny."""
    n = images.size(0)
    nrow = nrow or max(1, math.ceil(math.sqrt(n)))
    img = grid_image(images, nrow)
    return upscale_for_display(img, target=256) if images.shape[-1] <= 32 else img
