"""Every ``GENAPP_*`` environment variable: its name, default and meaning, in one table.

Code reads them through :func:`integer`, :func:`text` and :func:`path` (never ``os.environ``
directly), so a variable is declared once and a bad value gets the same warning everywhere. The
README's settings table is :func:`markdown_table` (``python -m genapp.settings`` prints it; a
test keeps the README equal to it). Values are read at each call: tests and a Space's owner can
change them without restarting anything.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("genapp")


@dataclass(frozen=True)
class Setting:
    name: str
    default: str          # as the table shows it; "" = unset
    meaning: str
    group: str            # "deployment" (what a public Space limits), "data", "machine", "access"


SETTINGS: tuple[Setting, ...] = (
    Setting("GENAPP_MAX_RUNS", "1", "concurrent training runs per device (more wait in a queue)", "deployment"),
    Setting("GENAPP_MAX_QUEUE", "8", "queued runs; beyond it \"the app is busy\"", "deployment"),
    Setting("GENAPP_MAX_STEPS", "100000", "steps of a run started in the app", "deployment"),
    Setting("GENAPP_MAX_BATCH", "512", "batch size of a run started in the app", "deployment"),
    Setting("GENAPP_MAX_QUEUE_SIZE", "64", "requests waiting in Gradio's queue", "deployment"),
    Setting("GENAPP_QUEUE_POLL_MS", "5", "how often the idle queue looks for work, in ms (Gradio's own 1 ms "
            "costs 7-10 % of a core)", "deployment"),
    Setting("GENAPP_CONCURRENCY", "2", "requests the app serves at once (each with its share of the cores)",
            "deployment"),
    Setting("GENAPP_MAX_UPLOAD_BYTES", "20000000", "bytes of an uploaded image (refused with a message "
            "saying the limit)", "deployment"),
    Setting("GENAPP_MAX_PIXELS", "25000000", "pixels of an uploaded image", "deployment"),
    Setting("GENAPP_MAX_FILE_SIZE", "25mb", "Gradio's gate for any upload, before the app sees it", "deployment"),
    Setting("GENAPP_ADMIN_TOKEN", "", "lecture mode: only the lecturer (who unlocks with this token) starts "
            "and stops runs; every page follows the lecturer's run", "access"),
    Setting("GENAPP_ALLOW_SERVER_TOKEN", "", "1: visitors may push to the Hub with the server's HF_TOKEN "
            "(otherwise each pushes with their own)", "access"),
    Setting("GENAPP_DATA_DIR", "", "a folder of dataset files to use (else the user's cache, filled on "
            "first use when online)", "data"),
    Setting("GENAPP_CACHE_DIR", "", "where decoded image folders and downloads go (else the user's cache)",
            "data"),
    Setting("GENAPP_OFFLINE", "", "1: never download (as HF_HUB_OFFLINE=1)", "data"),
    Setting("GENAPP_EDGES2SHOES_URL", "", "a mirror of the edges2shoes archive", "data"),
    Setting("GENAPP_HORSE2ZEBRA_URL", "", "a mirror of the horse2zebra archive", "data"),
    Setting("GENAPP_RUNS_DIR", "runs", "where run folders go", "data"),
    Setting("GENAPP_PRETRAINED_DIR", "the repository's pretrained/", "where the shipped models are looked for first",
            "data"),
    Setting("GENAPP_TRAIN_THREADS", "all cores", "CPU threads an app run trains with", "machine"),
    Setting("GENAPP_SERVE_THREADS", "cores / concurrency", "CPU threads one request computes with", "machine"),
    Setting("GENAPP_DIST_TIMEOUT", "120", "seconds a process of a torchrun run may stay silent before the run ends "
            "with an error", "machine"),
    Setting("GENAPP_DIST_DUMP", "", "a folder where every torchrun process but the first saves its weights "
            "(a check that all hold the same model)", "machine"),
    Setting("GENAPP_TRAIN_NICE", "10", "how much lower an app run's priority is than serving pages (0: the "
            "same)", "machine"),
)
BY_NAME = {s.name: s for s in SETTINGS}


def _declared(name: str) -> Setting:
    if name not in BY_NAME:
        raise KeyError(f"{name} is not a GAN Studio setting; declare it in genapp/settings.py")
    return BY_NAME[name]


def text(name: str, default: str | None = None) -> str:
    """The variable's value, stripped; ``default`` (or the declared one) where it is unset or blank."""
    setting = _declared(name)
    raw = os.environ.get(name, "").strip()
    if raw:
        return raw
    return setting.default if default is None else default


def integer(name: str, default: int, minimum: int = 1) -> int:
    """A whole number of at least ``minimum``; ``default`` where unset (with a warning if it is bad).
    ``default`` is given by the caller where it depends on the machine (threads, cores)."""
    _declared(name)
    raw = os.environ.get(name, "").strip()
    try:
        value = int(raw) if raw else default
    except ValueError:
        log.warning("%s=%r is not a whole number; using %d", name, raw, default)
        return default
    return max(minimum, value)


def path(name: str) -> Path:
    """A folder named by the variable (``~`` expanded), or the declared default."""
    return Path(text(name)).expanduser()


def is_set(name: str) -> bool:
    _declared(name)
    return bool(os.environ.get(name, "").strip())


def markdown_table() -> str:
    """The README's table of settings."""
    rows = ["| variable | default | what it sets |", "|---|---|---|"]
    for s in SETTINGS:
        rows.append(f"| `{s.name}` | {s.default or 'unset'} | {s.meaning} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(markdown_table())
