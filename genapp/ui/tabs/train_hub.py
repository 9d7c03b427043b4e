"""The Train tab's Hub panel: push a run once (``/push_to_hub``), or every N minutes while it
trains (``/push_periodically``, ``/stop_periodic_push``). The visitor's token (a password field),
or the server's only where its owner set ``GENAPP_ALLOW_SERVER_TOKEN=1``; the token lives in memory
for the push only: never logged, put in a message, written to a run folder or returned."""
from __future__ import annotations

import logging
import math
import threading
from pathlib import Path

import gradio as gr

from genapp import api, hub
from genapp.checkpoints import WEIGHTS_NAME, safe_child
from genapp.runs import ACTIVE, Run, registry

from ..common import (
    PLAIN_NAME,
    UserError,
    pretrained_present,
    user_errors,
)
from .train_live import get_run

log = logging.getLogger("genapp.ui")

MIN_PUSH_MINUTES = 5.0    # periodic Hub pushes at most this often: a commit per checkpoint would flood the repo
MAX_PUSH_MINUTES = 24 * 60


# ---------------------------------------------------------------- the Hub panel
_pushers: dict[str, hub.PeriodicPusher] = {}   # run id -> its periodic pusher (the token lives only in there)
_push_notes: dict[str, str] = {}               # run id -> how its periodic push ended, for the status line
_pushers_lock = threading.Lock()


def push_sources() -> list[str]:
    """What the Hub panel can push: runs that are over (newest first), then installed pretrained models."""
    runs = [r.id for r in reversed(registry().list())
            if r.status not in ACTIVE and (r.folder / WEIGHTS_NAME).is_file()]
    return runs + [n for n in api.PRETRAINED_NAMES if pretrained_present(n)]


def _push_folder(name: str) -> Path:
    """The folder to push for a run id or a pretrained name (looked up by name, never a path)."""
    name = name.strip() if isinstance(name, str) else ""
    if not name:
        raise UserError("Choose what to push: a finished run or a pretrained model.")
    if not PLAIN_NAME.match(name) or ".." in name:
        raise UserError(f"{name[:80]!r} is not a run id or a pretrained model name.")
    try:
        run = registry().get(name)
    except KeyError:
        run = None
    if run is not None:
        if run.status in ACTIVE:
            raise UserError(f"Run {run.id} is still {run.status}; wait for it to finish or stop it first "
                            f"(or push it periodically while it trains, below).")
        return run.folder
    folder = safe_child(api.pretrained_dir(), name)
    if not (folder / WEIGHTS_NAME).is_file():
        raise UserError(f"No finished run or installed pretrained model called {name!r}.")
    return folder


def _token_not_elsewhere(token, *fields) -> None:
    """A token pasted into the wrong field must not come back in a message that quotes the field."""
    token = token.strip() if isinstance(token, str) else ""
    for field in fields:
        text = field.strip() if isinstance(field, str) else ""
        if (token and token in text) or text.startswith("hf_"):
            raise UserError("That looks like an access token in the wrong field: the token goes in the token "
                            "field (it is hidden there), the repo id is owner/name.")


def _push_failed(exc: Exception, repo_id: str) -> UserError:
    """An unexpected failure, told without its text (which could quote a request, token included)."""
    log.error("push to %s failed: %s", repo_id, type(exc).__name__)
    return UserError(f"The push to {repo_id} failed ({type(exc).__name__}); the model stays on this server. "
                     f"Try again in a minute.")


@user_errors
def push_to_hub(run_id: str, repo_id: str, token: str, private: bool = False, progress=gr.Progress()) -> str:
    """Push a finished run or a pretrained model (config.json, model.safetensors, a model card and a
    sample grid) to the Hub repo ``repo_id``; returns the repo URL.

    ``token``: the visitor's write token. Without one, the server's own token is used only when the
    owner allows it (GENAPP_ALLOW_SERVER_TOKEN=1), so a visitor of a public Space cannot push with
    the owner's account. The token is not stored, logged or returned.
    """
    _token_not_elsewhere(token, run_id, repo_id)
    folder = _push_folder(run_id)
    name = folder.name

    def report(fraction: float, message: str) -> None:  # hub.push's stages -> the progress bar
        progress(fraction, desc=message.replace(str(folder), name))

    try:
        return hub.push(folder, repo_id, token if isinstance(token, str) else None, private=bool(private),
                        progress=report)
    except hub.HubError:
        raise  # its messages are written for the visitor, tokens redacted
    except Exception as exc:  # noqa: BLE001
        raise _push_failed(exc, str(repo_id)[:100]) from None


def _minutes(value) -> float:
    try:
        minutes = float(value)
    except (TypeError, ValueError):
        raise UserError(f"Push every: give a number of minutes, e.g. 10 (got {str(value)[:20]!r}).") from None
    if not math.isfinite(minutes) or not MIN_PUSH_MINUTES <= minutes <= MAX_PUSH_MINUTES:
        raise UserError(f"Push every: between {MIN_PUSH_MINUTES:g} and {MAX_PUSH_MINUTES} minutes (got {value}); "
                        f"more often would fill the repo with commits.")
    return minutes


def _stop_with_run(run: Run, pusher: hub.PeriodicPusher) -> None:
    """Wait for the run to end, then stop its pusher (with a last push of the final weights)."""
    while run.status in ACTIVE:
        if run.thread is not None:
            run.thread.join(2.0)
        else:
            threading.Event().wait(2.0)
        with _pushers_lock:
            if _pushers.get(run.id) is not pusher:
                return  # stopped or replaced by a visitor
    with _pushers_lock:
        if _pushers.get(run.id) is not pusher:
            return
        del _pushers[run.id]
    try:
        pusher.stop(final_push=run.status in ("finished", "stopped"))
        note = f"Run {run.id} {run.status}: pushed to {pusher.repo_id} {pusher.pushes} time(s)."
    except hub.HubError as exc:
        note = f"Run {run.id} {run.status}; the last push to {pusher.repo_id} failed: {exc}"
    except Exception as exc:  # noqa: BLE001 -- a thread of ours: say what happened, never the token
        note = f"Run {run.id} {run.status}; the last push to {pusher.repo_id} failed ({type(exc).__name__})."
    log.info("%s", note)
    _push_notes[run.id] = note


@user_errors
def push_periodically(run_id: str, repo_id: str, token: str, every_minutes=10, private: bool = False) -> str:
    """Push a run that is still training every ``every_minutes`` (5 or more), CommitScheduler-style:
    only when its weights changed, never every step; one last push when it ends, then it stops."""
    _token_not_elsewhere(token, run_id, repo_id)
    run = get_run(run_id)
    if run.status not in ACTIVE:
        raise UserError(f"Run {run.id} is {run.status}; use Push to the Hub for a run that is over.")
    minutes = _minutes(every_minutes)
    if hub.offline():
        raise hub.HubOffline("Offline mode (HF_HUB_OFFLINE=1): cannot push to the Hub; "
                             "the model stays in its local folder.")
    # Checks the repo id and the token (the same rules as a push) now, not N minutes from now.
    pusher = hub.PeriodicPusher(run.folder, repo_id, token if isinstance(token, str) else None,
                                every_minutes=minutes, private=bool(private))
    with _pushers_lock:
        old = _pushers.get(run.id)
        _pushers[run.id] = pusher
        _push_notes.pop(run.id, None)
    if old is not None:
        old.stop(final_push=False, timeout=10)
    pusher.start()
    threading.Thread(target=_stop_with_run, args=(run, pusher), name=f"hub-push-watch-{run.id}", daemon=True).start()
    return (f"Pushing run {run.id} to {pusher.repo_id} every {minutes:g} minutes while it trains (only when "
            f"its weights changed), and once more when it ends.")


def periodic_status(run_id: str):
    """The Hub panel's timer tick: how the watched run's periodic push is going (and stop ticking after)."""
    rid = run_id.strip() if isinstance(run_id, str) else ""
    with _pushers_lock:
        pusher = _pushers.get(rid)
    if pusher is None:
        return _push_notes.get(rid, gr.skip()), gr.Timer(active=False)
    text = (f"Pushing run {rid} to {pusher.repo_id} every {pusher.interval_s / 60:g} minutes: "
            f"{pusher.pushes} push(es) so far" + (f"; the last try failed: {pusher.last_error}" if pusher.last_error
                                                  else "") + ".")
    return text, gr.Timer(active=True)


@user_errors
def stop_periodic_push(run_id: str) -> str:
    """Stop a run's periodic push (no further commits)."""
    run = get_run(run_id)
    with _pushers_lock:
        pusher = _pushers.pop(run.id, None)
    if pusher is None:
        return _push_notes.get(run.id) or f"No periodic push is running for {run.id}."
    pusher.stop(final_push=False, timeout=10)
    return f"Stopped pushing run {run.id} to {pusher.repo_id} (pushed {pusher.pushes} time(s))."
