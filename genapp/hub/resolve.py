"""Name -> folder: the one place that decides where the files of a model called ``name`` are.

``genapp.load`` (through ``genapp.api.resolve``), the app's model pickers (``genapp.ui.common``)
and :func:`resolve_with_fallback` all call :func:`find_model`:

* a plain name is a pretrained model in ``pretrained/``, else a run in the runs folder, looked up
  with :func:`genapp.checkpoints.safe_child` (nothing outside those two folders);
* ``owner/name`` is a Hub repo, downloaded and checked by :func:`genapp.hub.download`; when the
  Hub cannot be reached, a pretrained model may stand in, and the notice says so;
* only for the Python API and the command line (``names_only=False``), any folder on disk.
  The app passes ``names_only=True``: a visitor's text never reads a folder of the server.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from ..checkpoints import WEIGHTS_NAME, safe_child
from ..pretrained import PRETRAINED_NAMES, pretrained_dir
from ..runs.spec import RunSpec
from ..runs.spec import runs_root as default_runs_root
from .access import REPO_ID, HubOffline, check_repo_id, offline
from .download import download

PLAIN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")  # a pretrained name or a run id


def _installed(name: str, roots: Iterable[Path]) -> Path | None:
    """``root / name`` of the first root holding a model called ``name`` (a plain name only)."""
    for root in roots:
        try:
            folder = safe_child(root, name)
        except ValueError:
            continue
        if (folder / WEIGHTS_NAME).is_file():
            return folder
    return None


def missing_pretrained(name: str) -> str:
    """What to say when the shipped model ``name`` is not installed: where it was looked for and
    the command that trains it."""
    dataset, family = name.split("-", 1)
    return (f"The pretrained model {name!r} is not in {pretrained_dir()}. Train it with: "
            f"{RunSpec(family, dataset).command()} --out pretrained/{name}")


def not_a_name(name: str) -> ValueError:
    shown = name if len(name) <= 80 else name[:77] + "..."
    return ValueError(f"{shown!r} is not a model name: give a pretrained name, a run id or a Hub repo id "
                      f"(owner/name).")


def _from_hub(name: str, stand_ins: Iterable[str] | None) -> tuple[Path, str]:
    """A Hub repo's folder; when the Hub cannot be reached, the first installed of ``stand_ins``
    (None: no stand-in, the HubOffline error is raised) and a sentence saying so."""
    try:
        return download(name), ""
    except HubOffline as exc:
        if stand_ins is None:
            raise
        for alt in dict.fromkeys(stand_ins):
            if (folder := _installed(alt, [pretrained_dir()])) is not None:
                why = ("offline mode is on (HF_HUB_OFFLINE=1)" if offline()
                       else "the Hugging Face Hub cannot be reached")
                return folder, f"{name} could not be loaded because {why}; showing the pretrained model {alt} instead."
        raise HubOffline(f"{exc} No pretrained model is installed to use instead.") from None


def _no_model(name: str, names_only: bool) -> FileNotFoundError:
    return FileNotFoundError(f"No model called {name!r}: not {'' if names_only else 'a folder, '}a pretrained name "
                             f"({', '.join(PRETRAINED_NAMES)}), a run id or a Hub repo id (owner/name).")


def find_model(name: str, *, names_only: bool = False, runs_root: str | Path | None = None,
               stand_ins: Iterable[str] | None = None) -> tuple[Path, str]:
    """``(folder, notice)`` for the model called ``name``; ``notice`` is "" unless a pretrained
    model stands in for a Hub repo that cannot be reached.

    ``names_only``: a pretrained name, a run id or a Hub repo id only (the app); otherwise a
    folder on disk is tried first. ``runs_root``: where runs are (default ``GENAPP_RUNS_DIR``).
    ``stand_ins``: pretrained names that may replace an unreachable Hub repo, in order (None:
    none may, and :class:`HubOffline` is raised). Errors say what ``name`` is not:
    ``FileNotFoundError``, ``ValueError``, ``HubError``.
    """
    if not isinstance(name, str) or not name.strip():
        raise ValueError("Give a model name: a pretrained name, a folder, a run id or a Hub repo id.")
    name = name.strip()
    path = Path(name).expanduser()
    if names_only:
        if ".." in name or "\\" in name or name.startswith(("/", "~", ".")):
            raise not_a_name(name)  # visitors pick models by name; they do not read folders of the server
    elif path.is_dir():
        return path, ""
    if "/" not in name and "\\" not in name and ".." not in name:
        roots = [pretrained_dir(), Path(runs_root) if runs_root is not None else default_runs_root()]
        if (folder := _installed(name, roots)) is not None:
            return folder, ""
        if name in PRETRAINED_NAMES:
            raise FileNotFoundError(missing_pretrained(name))
    if names_only:
        if PLAIN_NAME.match(name):
            raise _no_model(name, names_only)
        if REPO_ID.match(name):
            return _from_hub(name, stand_ins)
        raise not_a_name(name)
    if name.startswith(("/", ".", "~")) or path.is_absolute():  # written as a path: never a Hub repo id
        raise FileNotFoundError(f"No folder {name!r}." + (" It is a file; give the folder that holds it."
                                                        if path.exists() else ""))
    if name.count("/") == 1 and not path.exists():
        return _from_hub(name, stand_ins)  # download() says so if it is not a repo id either
    raise _no_model(name, names_only)


def resolve_with_fallback(name: str, fallback: str | None = None, *, hub_only: bool = False) -> tuple[Path, str]:
    """Like ``genapp.api.resolve(name)``, but a Hub repo that cannot be fetched offline falls back.

    Returns ``(folder, notice)``: ``notice`` is "" normally; when the Hub is unreachable it is a
    sentence for the user naming the pretrained model used instead (``fallback`` if given and
    installed, else the pretrained model with the repo's name, else the first one installed).
    Other errors (a bad repo, a pickle, a typo) are raised, never papered over.

    ``hub_only``: ``name`` must be a Hub repo id, fetched from the Hub (or its cache) only -- never a
    local folder of the same name.
    """
    tail = name.rsplit("/", 1)[-1] if isinstance(name, str) else ""
    stand_ins = [*([fallback] if fallback else []), *([tail] if tail in PRETRAINED_NAMES else []), *PRETRAINED_NAMES]
    if hub_only:
        return _from_hub(check_repo_id(name), stand_ins)
    return find_model(name, stand_ins=stand_ins)
