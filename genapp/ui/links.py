"""Shareable links: query parameters that open a tab with its model, seed and settings filled in.

    /?tab=latent&model=mnist-dcgan&seed=3
    /?tab=train&family=ring&dataset=ring&steps=2000&batch=256&lr=0.0005&seed=0
    /?tab=lab&family=toy1010&seed=7
    /?tab=race&preset=mode_collapse
    /?tab=control&model=mnist-dcgan&seed=3&feature=7&amount=1.5&keep=1

:func:`parse` turns a URL's parameters into checked settings per tab (anything unknown or out of
range is dropped, never echoed); :func:`build` does the reverse for the "copy link" button. The
lecturer's ``admin`` parameter is never put into a link. Gradio-free.
"""
from __future__ import annotations

import math
import re
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

TABS = ("train", "latent", "conditional", "sketch", "horse", "lab", "race", "control", "pixelcnn")
MODEL_TABS = ("latent", "conditional", "sketch", "horse")
# a pretrained name, a run id, or a Hub repo id (owner/name)
_MODEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}(/[A-Za-z0-9][A-Za-z0-9._-]{0,95})?$")
_WORD = re.compile(r"^[a-z0-9_]{1,32}$")
_RUN = re.compile(r"^\d{5}-[a-z0-9]+-[a-z0-9]+$")
_FEATURE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 /_-]{0,31}$")  # a class name ("7", "T-shirt/top") or an attribute
MAX_AMOUNT = 3.0  # genapp.steer's reach
MAX_SEED = 2**31 - 1

# parameter -> (tab key, kind, bounds)
_INTS = {"seed": (0, MAX_SEED), "count": (1, 64), "a": (0, MAX_SEED), "b": (0, MAX_SEED), "walk": (2, 16),
         "steps": (1, 10_000_000), "batch": (1, 4096)}


def _int(value: str, lo: int, hi: int) -> int | None:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(f) or f != int(f) or not lo <= f <= hi:
        return None
    return int(f)


def _float(value: str, lo: float, hi: float) -> float | None:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) and lo < f <= hi else None


def parse(params: dict[str, str], families: tuple[str, ...] = (), presets: tuple[str, ...] = ()) -> dict[str, Any]:
    """Checked settings from query parameters: ``{"tab": ..., "model": ..., "seed": ..., ...}``."""
    p = {str(k).lower(): str(v).strip() for k, v in (params or {}).items()}
    out: dict[str, Any] = {}
    if p.get("tab") in TABS:
        out["tab"] = p["tab"]
    if _MODEL.match(p.get("model", "")) and ".." not in p["model"]:
        out["model"] = p["model"]
    for key, (lo, hi) in _INTS.items():
        if key in p and (v := _int(p[key], lo, hi)) is not None:
            out[key] = v
    if "lr" in p and (v := _float(p["lr"], 0.0, 1.0)) is not None:
        out["lr"] = v
    if _FEATURE.match(p.get("feature", "")):
        out["feature"] = p["feature"]
    if "amount" in p and (v := _float(p["amount"], -MAX_AMOUNT - 1e-9, MAX_AMOUNT)) is not None:
        out["amount"] = v
    if p.get("keep") in ("0", "1", "true", "false"):
        out["keep"] = p["keep"] in ("1", "true")
    if p.get("method") in ("slerp", "lerp"):
        out["method"] = p["method"]
    if _WORD.match(p.get("family", "")) and (not families or p["family"] in families):
        out["family"] = p["family"]
    if _WORD.match(p.get("dataset", "")):
        out["dataset"] = p["dataset"]
    if p.get("preset") in presets:
        out["preset"] = p["preset"]
    if _RUN.match(p.get("run", "")):
        out["run"] = p["run"]
    runs = [r.strip() for r in p.get("runs", "").split(",") if r.strip()]
    if len(runs) == 2 and all(_RUN.match(r) for r in runs):
        out["runs"] = runs
    return out


def build(base_url: str, settings: dict[str, Any]) -> str:
    """``base_url`` (the page's address; its own query is dropped) + ``settings`` as parameters."""
    parts = urlsplit(base_url or "/")
    query = {}
    for key, value in settings.items():
        if key == "admin" or value is None or value == "":
            continue  # the lecturer's token never goes into a link
        if isinstance(value, (list, tuple)):
            value = ",".join(str(v) for v in value)
        elif isinstance(value, float):
            value = f"{value:g}"
        query[key] = value
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", urlencode(query), ""))
