"""Pull a model repo from the Hub, safely: what ``genapp.load("owner/name")`` does.

:func:`download` checks the repo's file list before downloading, fetches only the safe files
(never a pickle), and checks the folder again before anything is built: a known family in
``config.json``, safetensors weights whose shapes match that config, sizes a course model can
have. Offline (``HF_HUB_OFFLINE=1`` or no network) it serves the local cache, or raises
:class:`HubOffline`.
"""
from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

from ..models import model_from_config
from ..pretrained import PICKLE_SUFFIXES, validate_folder
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
    read_token,
)

log = logging.getLogger(__name__)

SAFE_FILES = [CONFIG, WEIGHTS, CARD, SAMPLE]  # the only files a pull ever downloads
# Sizes no course model comes near (pix2pix, the largest, is ~40 MB in fp32 at 64 px): anything bigger
# is refused before it is downloaded.
MAX_BYTES = {WEIGHTS: 500 * 2**20, CONFIG: 2**20, CARD: 2**20, SAMPLE: 20 * 2**20}
PULL_MEMO_S = 300.0  # a repo fetched in the last 5 minutes is served without asking the Hub again

# Recent pulls: (endpoint, repo id, token fingerprint) -> (time.monotonic(), folder). The app resolves
# a model name on every click; this spares a Hub round trip each time.
_memo: dict[tuple[str, str, str], tuple[float, Path]] = {}
_memo_lock = threading.Lock()


def _mb(n_bytes: int) -> str:
    return f"{n_bytes / 2**20:.1f} MB"


def _token_key(token: str | bool | None) -> str:
    """Memo key part: which credentials fetched it (a hash, so no token sits in the dict)."""
    return hashlib.sha256(token.encode()).hexdigest()[:16] if isinstance(token, str) else str(token)


def forget_downloads(repo_id: str | None = None) -> None:
    """Drop the in-process memo (of ``repo_id`` only, if given), so the next :func:`download` asks the Hub again."""
    with _memo_lock:
        for key in [k for k in _memo if repo_id is None or k[1] == repo_id]:
            del _memo[key]


def _check_listing(repo_id: str, sizes: dict[str, int | None]) -> None:
    """Refuse a repo before downloading anything: no safetensors, a pickle instead, absurd sizes."""
    if WEIGHTS not in sizes:
        pickles = sorted(f for f in sizes if f.lower().endswith(PICKLE_SUFFIXES))
        if pickles:
            raise HubError(f"{repo_id} has no {WEIGHTS}; it holds {', '.join(pickles)}, which GAN Studio never "
                           f"loads (pickle files can run code on this machine). Ask its owner for safetensors weights.")
        raise HubError(f"{repo_id} has no {WEIGHTS}: it is not a GAN Studio model.")
    if CONFIG not in sizes:
        raise HubError(f"{repo_id} has no {CONFIG}: it is not a GAN Studio model.")
    for name, limit in MAX_BYTES.items():
        size = sizes.get(name)
        if size is not None and size > limit:
            raise HubError(f"{repo_id}: {name} is {_mb(size)}, more than the {_mb(limit)} a course model "
                           f"needs; not downloading it.")


def check_model_folder(folder: Path, source: str) -> dict:
    """Check a downloaded folder before use; returns its config.

    A known family, a config that builds (on the ``meta`` device: no memory is allocated, so a
    config asking for a giant network costs nothing), and weights whose names and shapes are
    exactly that network's, read from the safetensors header only.
    """
    import torch
    from safetensors import safe_open

    try:
        config = validate_folder(folder)
        with torch.device("meta"):
            model = model_from_config(config)
        expected = {k: tuple(v.shape) for k, v in model.state_dict().items()}
        with safe_open(str(folder / WEIGHTS), framework="pt") as f:
            found = {k: tuple(f.get_slice(k).get_shape()) for k in f.keys()}  # noqa: SIM118 -- not a dict
    except Exception as exc:  # noqa: BLE001 -- whatever a hostile file triggers becomes a clear refusal
        raise HubError(f"{source} is not a usable GAN Studio model: {exc}") from None
    n_bytes = sum(v.numel() * 4 for v in model.state_dict().values())
    if n_bytes > MAX_BYTES[WEIGHTS]:
        raise HubError(f"{source}: {CONFIG} describes a {_mb(n_bytes)} network, too big for a course model.")
    if found != expected:
        bad = sorted(set(found) ^ set(expected)) or sorted(k for k in found if found[k] != expected[k])
        raise HubError(f"{source}: the weights in {WEIGHTS} do not match its {CONFIG} "
                       f"(first differences: {', '.join(bad[:3])}).")
    return config


def _cache_dir(cache_dir: str | Path | None) -> str | None:
    return str(cache_dir) if cache_dir else (os.environ.get("HF_HUB_CACHE") or None)


def _cached(repo_id: str, token: Any, cache_dir: str | None) -> Path | None:
    """The cached snapshot of the repo's main branch, or None."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    try:
        return Path(snapshot_download(repo_id, allow_patterns=SAFE_FILES, token=token, cache_dir=cache_dir,
                                      local_files_only=True))
    except (LocalEntryNotFoundError, OSError, ValueError):
        return None


def download(repo_id: str, token: str | None = None, *, cache_dir: str | Path | None = None) -> Path:
    """Fetch a model repo's safe files (checked before and after) and return the local folder.

    Cached by huggingface_hub (one folder per commit); a repo fetched in the last few minutes is
    served without a request. Offline, or when the Hub cannot be reached, the cached copy is
    used; with none, :class:`HubOffline` says so.
    """
    from huggingface_hub import HfApi, snapshot_download
    from huggingface_hub.errors import (
        GatedRepoError,
        HfHubHTTPError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    repo_id = check_repo_id(repo_id)
    auth = read_token(token)
    cache = _cache_dir(cache_dir)
    key = (endpoint(), repo_id, _token_key(auth))
    with _memo_lock:
        hit = _memo.get(key)
    if hit and time.monotonic() - hit[0] < PULL_MEMO_S and (hit[1] / WEIGHTS).exists():
        return hit[1]

    if offline():
        folder = _cached(repo_id, auth, cache)
        if folder is None:
            raise HubOffline(f"Offline mode (HF_HUB_OFFLINE=1): {repo_id} is not in the local cache, so it "
                             f"cannot be loaded. The pretrained models still work.")
    else:
        try:
            info = HfApi(endpoint=endpoint(), token=auth, library_name="genapp").model_info(
                repo_id, revision="main", files_metadata=True, timeout=15)
            _check_listing(repo_id, {s.rfilename: s.size for s in (info.siblings or [])})
            for s in info.siblings or []:
                if s.rfilename.lower().endswith(PICKLE_SUFFIXES):
                    log.info("%s also holds %s (pickle): not downloaded, never loaded", repo_id, s.rfilename)
            # revision "main" (not info.sha) so the cache records main -> commit for offline use; a push
            # landing in between is caught by check_model_folder below.
            folder = Path(snapshot_download(repo_id, revision="main", allow_patterns=SAFE_FILES, token=auth,
                                            cache_dir=cache, endpoint=endpoint()))
        except network_errors() as exc:
            folder = _cached(repo_id, auth, cache)
            if folder is None:
                raise HubOffline(f"The Hugging Face Hub cannot be reached ({type(exc).__name__}: no network?) and "
                                 f"{repo_id} is not in the local cache. The pretrained models still work.") from None
            log.warning("the Hub cannot be reached; using the cached copy of %s", repo_id)
        except (RepositoryNotFoundError, GatedRepoError, RevisionNotFoundError):
            raise HubError(f"No model repo {repo_id} on the Hub, or it is private or gated and no token with "
                           f"access was given.") from None
        except HfHubHTTPError as exc:
            raise http_error(exc, auth, f"send {repo_id}") from None
    check_model_folder(folder, repo_id)
    with _memo_lock:
        _memo[key] = (time.monotonic(), folder)
    return folder
