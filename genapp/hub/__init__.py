"""Hugging Face Hub: push a model folder with its model card, pull one safely, work offline, and
find the folder of a model by its name.

* :mod:`.access`   where the Hub is, whether it may be reached, which token, its errors;
* :mod:`.card`     the one model-card renderer (run folders, pushed repos, shipped models);
* :mod:`.push`     push a folder now, or every N minutes while it trains;
* :mod:`.download` pull a repo's safe files, checked before and after, cached for offline use;
* :mod:`.resolve`  name -> folder (pretrained name, run id, folder, Hub repo id) with the offline
  fallback to a pretrained model.
"""
from .access import (
    CARD,
    CONFIG,
    REPO_ID,
    SAMPLE,
    SERVER_TOKEN_FLAG,
    WEIGHTS,
    HubError,
    HubOffline,
    check_repo_id,
    endpoint,
    http_error,
    network_errors,
    offline,
    read_token,
    redact,
    resolve_token,
    server_token_allowed,
)
from .card import (
    CARD_TEMPLATE,
    METRIC_NOTES,
    last_metrics,
    latest_sample,
    model_card,
    render_card,
)
from .download import (
    MAX_BYTES,
    PULL_MEMO_S,
    SAFE_FILES,
    check_model_folder,
    download,
    forget_downloads,
)
from .push import PeriodicPusher, Progress, push, push_folder
from .resolve import find_model, missing_pretrained, resolve_with_fallback

__all__ = [
    "CARD",
    "CARD_TEMPLATE",
    "CONFIG",
    "MAX_BYTES",
    "METRIC_NOTES",
    "PULL_MEMO_S",
    "REPO_ID",
    "SAFE_FILES",
    "SAMPLE",
    "SERVER_TOKEN_FLAG",
    "WEIGHTS",
    "HubError",
    "HubOffline",
    "PeriodicPusher",
    "Progress",
    "check_model_folder",
    "check_repo_id",
    "download",
    "endpoint",
    "find_model",
    "forget_downloads",
    "http_error",
    "last_metrics",
    "latest_sample",
    "missing_pretrained",
    "model_card",
    "network_errors",
    "offline",
    "push",
    "push_folder",
    "read_token",
    "redact",
    "render_card",
    "resolve_token",
    "resolve_with_fallback",
    "server_token_allowed",
]
