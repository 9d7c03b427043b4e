"""Push a model folder to a Hub model repo: once (:func:`push`), or every N minutes while it trains
(:class:`PeriodicPusher`).

A push sends ``config.json`` and ``model.safetensors`` exactly as they are on disk, the model
card (:mod:`genapp.hub.card`) as ``README.md`` and the latest sample grid as ``sample.png``, in
one commit, after checking that the weights load. No file that contains the token ever leaves.
"""
from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Self

from ..pretrained import load_folder
from .access import (
    CARD,
    CONFIG,
    SAMPLE,
    WEIGHTS,
    HubError,
    HubOffline,
    check_repo_id,
    endpoint,
    http_error,
    network_errors,
    offline,
    redact,
    resolve_token,
)
from .card import latest_sample, model_card
from .download import forget_downloads

log = logging.getLogger(__name__)

Progress = Callable[[float, str], Any]  # progress(fraction in [0, 1], message); gr.Progress fits


def _upload_files(folder: Path, repo_id: str, weights: bytes | None = None) -> dict[str, bytes]:
    """What one push sends, read into memory once (a running training may rewrite files meanwhile;
    its writes are atomic, so each file read is whole). The weights must load before anything
    leaves the machine."""
    folder = Path(folder)
    if not folder.is_dir():
        raise HubError(f"{folder} is not a folder; give a run folder or a pretrained model folder.")
    if not (folder / WEIGHTS).is_file():
        raise HubError(f"{folder} has no {WEIGHTS} to push yet; train the model first "
                       f"(a running training writes it at each checkpoint).")
    try:
        load_folder(folder)
    except (ValueError, OSError) as exc:
        raise HubError(f"Not pushing {folder}: {exc}") from None
    files = {CONFIG: (folder / CONFIG).read_bytes(),
             WEIGHTS: weights if weights is not None else (folder / WEIGHTS).read_bytes()}
    sample = latest_sample(folder)
    if sample is not None:
        files[SAMPLE] = sample.read_bytes()
    files[CARD] = str(model_card(folder, repo_id, has_sample=sample is not None)).encode("utf-8")
    return files


def _commit(files: dict[str, bytes], repo_id: str, token: str, *, private: bool, message: str,
            progress: Progress) -> str:
    """Create the repo if needed and commit ``files`` in one commit; returns the repo URL."""
    from huggingface_hub import CommitOperationAdd, HfApi
    from huggingface_hub.errors import HfHubHTTPError

    if any(token.encode() in data for data in files.values()):  # never publish a token, whatever put it there
        raise HubError(f"Not pushing to {repo_id}: one of the files contains the Hugging Face token.")

    hub = HfApi(endpoint=endpoint(), token=token, library_name="genapp")
    try:
        progress(0.2, f"Creating {repo_id} (if needed)")
        url = str(hub.create_repo(repo_id, repo_type="model", private=private, exist_ok=True))
        mb = sum(len(b) for b in files.values()) / 2**20
        progress(0.4, f"Uploading {', '.join(sorted(files))} ({mb:.1f} MB)")
        hub.create_commit(repo_id, [CommitOperationAdd(path, data) for path, data in files.items()],
                          commit_message=message)
    except HfHubHTTPError as exc:
        raise http_error(exc, token, f"push to {repo_id}") from None
    except network_errors() as exc:
        raise HubOffline(f"Could not reach the Hugging Face Hub to push {repo_id} "
                         f"({type(exc).__name__}); the model stays in its local folder.") from None
    except ValueError as exc:  # e.g. metadata the Hub rejects
        raise HubError(f"The Hub rejected the upload to {repo_id}: {redact(str(exc), token)[:300]}") from None
    forget_downloads(repo_id)  # a pull in this process must see the new version
    progress(1.0, f"Pushed to {url}")
    log.info("pushed %s (%s)", repo_id, ", ".join(sorted(files)))
    return url


def push(folder: str | Path, repo_id: str, token: str | None = None, private: bool = False,
         progress: Progress | None = None, *, commit_message: str = "Upload from GAN Studio") -> str:
    """Push a run folder or a pretrained folder to the model repo ``repo_id``; returns its URL.

    Sends ``config.json`` and ``model.safetensors`` as they are, a rendered ``README.md`` model card
    and the latest sample grid as ``sample.png``, in one commit. ``token``: the user's; without
    one, see :func:`genapp.hub.resolve_token`. ``progress(fraction, message)`` hears each stage.
    """
    report = progress or (lambda fraction, message: None)
    repo_id = check_repo_id(repo_id)
    token = resolve_token(token)
    if offline():
        raise HubOffline("Offline mode (HF_HUB_OFFLINE=1): cannot push to the Hub; "
                         "the model stays in its local folder.")
    report(0.0, f"Checking {folder}")
    files = _upload_files(Path(folder), repo_id)
    return _commit(files, repo_id, token, private=private, message=commit_message, progress=report)


def push_folder(folder: str | Path, repo_id: str, token: str | None = None, private: bool = False,
                commit_message: str = "Upload from GAN Studio") -> str:
    """The first version's name for :func:`push` (kept for callers that still use it)."""
    return push(folder, repo_id, token, private=private, commit_message=commit_message)


class PeriodicPusher:
    """Push a running training's folder every ``every_minutes``, like ``huggingface_hub.CommitScheduler``.

    A background thread wakes once per interval -- never per step -- and pushes only when
    ``model.safetensors`` changed since the last push (the trainer rewrites it at each checkpoint).
    ``stop()`` ends the thread and, by default, makes one last push of the final weights::

        pusher = PeriodicPusher(run.folder, "alice/mnist-dcgan", token, every_minutes=10).start()
        ...
        pusher.stop()
    """

    def __init__(self, folder: str | Path, repo_id: str, token: str | None = None, *,
                 every_minutes: float = 10.0, private: bool = False):
        if not every_minutes > 0:
            raise ValueError("every_minutes must be positive.")
        self.folder = Path(folder)
        self.repo_id = check_repo_id(repo_id)
        self._token = resolve_token(token)  # fail now, not ten minutes from now
        self.interval_s = float(every_minutes) * 60.0
        self.private = private
        self.pushes = 0                     # commits made
        self.skipped = 0                    # wake-ups with unchanged weights
        self.last_url: str | None = None
        self.last_error: str | None = None  # the last failure, for the UI (tokens redacted)
        self._last_digest: str | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:  # no token here
        return (f"PeriodicPusher({str(self.folder)!r} -> {self.repo_id}, "
                f"every {self.interval_s:.0f}s, pushes={self.pushes})")

    def start(self) -> PeriodicPusher:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name=f"hub-push-{self.repo_id}", daemon=True)
            self._thread.start()
        return self

    def push_now(self) -> str | None:
        """Push if the weights changed since the last push; returns the URL, or None when skipped."""
        with self._lock:
            if not (self.folder / WEIGHTS).is_file():
                return None  # no checkpoint yet
            weights = (self.folder / WEIGHTS).read_bytes()
            digest = hashlib.sha256(weights).hexdigest()
            if digest == self._last_digest:
                self.skipped += 1
                return None
            files = _upload_files(self.folder, self.repo_id, weights)
            url = _commit(files, self.repo_id, self._token, private=self.private,
                          message=f"Checkpoint from GAN Studio ({time.strftime('%Y-%m-%d %H:%M')})",
                          progress=lambda fraction, message: None)
            self._last_digest, self.last_url = digest, url
            self.pushes += 1
            return url

    def _loop(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self.push_now()
                self.last_error = None
            except Exception as exc:  # noqa: BLE001 -- a failed push must not end the schedule
                self.last_error = redact(str(exc), self._token)
                log.warning("periodic push to %s failed: %s", self.repo_id, self.last_error)

    def stop(self, *, final_push: bool = True, timeout: float | None = 60.0) -> str | None:
        """Stop the thread; with ``final_push`` push the last weights (if they changed)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        return self.push_now() if final_push else None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop(final_push=exc[0] is None)
