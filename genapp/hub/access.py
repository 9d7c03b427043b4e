"""Talking to the Hub: where it is, whether it may be reached, which token, what went wrong.

Everything here is read at call time (huggingface_hub itself reads ``HF_ENDPOINT`` and
``HF_HUB_OFFLINE`` once, at import), so a test or a Space's owner can change it without a restart.

Tokens come from the caller (a password field in the app) or ``HF_TOKEN`` for the owner's
command line. They live only in memory: never logged, never put in an exception message or a
return value, never written to a folder. The server's own token (``HF_TOKEN`` of a Space) is used
only when its owner opts in with ``GENAPP_ALLOW_SERVER_TOKEN=1``, so an anonymous visitor of a
public Space can neither push with it nor read the owner's private repos through it.
"""
from __future__ import annotations

import os
import re
import sys
from typing import Any

from .. import settings
from ..checkpoints import CONFIG_NAME, WEIGHTS_NAME

WEIGHTS, CONFIG, CARD, SAMPLE = WEIGHTS_NAME, CONFIG_NAME, "README.md", "sample.png"
SERVER_TOKEN_FLAG = "GENAPP_ALLOW_SERVER_TOKEN"
REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")


class HubError(RuntimeError):
    """A Hub operation failed in a way the user can act on (the message says how)."""


class HubOffline(HubError):
    """The Hub cannot be reached (``HF_HUB_OFFLINE=1`` or no network) and nothing usable is cached."""


def offline() -> bool:
    """``HF_HUB_OFFLINE`` as set now (huggingface_hub itself reads it once, at import)."""
    from huggingface_hub import constants

    env = os.environ.get("HF_HUB_OFFLINE", "").strip().lower()
    return env in ("1", "true", "yes", "on") or constants.is_offline_mode()


def endpoint() -> str:
    """``HF_ENDPOINT`` as set now (huggingface_hub reads it at import), default https://huggingface.co."""
    from huggingface_hub import constants

    return (os.environ.get("HF_ENDPOINT") or constants.ENDPOINT).rstrip("/")


def check_repo_id(repo_id: str) -> str:
    """``repo_id`` stripped, if it is an ``owner/name`` the Hub takes; else a HubError saying how to write it."""
    repo_id = (repo_id or "").strip() if isinstance(repo_id, str) else ""
    if not REPO_ID.match(repo_id) or ".." in repo_id:
        raise HubError(f"{repo_id!r} is not a Hub repo id; write it as owner/name, e.g. alice/mnist-dcgan.")
    return repo_id


# ---------------------------------------------------------------- tokens
def server_token_allowed() -> bool:
    """True only when the owner opted in with ``GENAPP_ALLOW_SERVER_TOKEN=1``.

    Without it, a visitor of a public Space who gives no token can neither push with the Space's
    ``HF_TOKEN`` nor read the owner's private repos through it.
    """
    return settings.text(SERVER_TOKEN_FLAG, "") == "1"


def resolve_token(user_token: str | None) -> str:
    """The token to push with: the caller's, else the server's when allowed, else a clear error."""
    token = (user_token or "").strip() if isinstance(user_token, str) else ""
    if token:
        return token
    if server_token_allowed():
        from huggingface_hub import get_token

        server = get_token()
        if server:
            return server
        raise HubError(f"{SERVER_TOKEN_FLAG}=1 is set, but this server has no Hugging Face token "
                       f"(set HF_TOKEN or run `hf auth login`).")
    raise HubError("No Hugging Face token given. Paste an access token with write permission "
                   "(https://huggingface.co/settings/tokens); on the command line, set HF_TOKEN. "
                   f"The server's own token is used only when its owner sets {SERVER_TOKEN_FLAG}=1.")


def read_token(user_token: str | None) -> str | bool | None:
    """The token to pull with: the caller's; else the library default (HF_TOKEN, saved login) when
    the owner allows it; else ``False``, which makes huggingface_hub send no token at all."""
    token = (user_token or "").strip() if isinstance(user_token, str) else ""
    return token or (None if server_token_allowed() else False)


# ---------------------------------------------------------------- failures
def network_errors() -> tuple[type[BaseException], ...]:
    """What "the Hub cannot be reached" raises: the offline flag, or the HTTP client's transport
    errors (huggingface_hub 2.x talks through httpx2, 1.x through httpx, 0.x through requests)."""
    from huggingface_hub.errors import OfflineModeIsEnabled

    errors: list[type[BaseException]] = [OfflineModeIsEnabled, ConnectionError, TimeoutError]
    for name in ("httpx2", "httpx"):
        if (mod := sys.modules.get(name)) is not None:
            errors.append(mod.TransportError)
    if (requests := sys.modules.get("requests")) is not None:
        errors += [requests.ConnectionError, requests.Timeout]
    return tuple(errors)


def redact(text: str, token: Any) -> str:
    """``text`` with the token replaced, for messages that quote the server (it may echo what we sent)."""
    return text.replace(token, "hf_***") if isinstance(token, str) and token else text


def http_error(exc: Exception, token: Any, what: str) -> HubError:
    """A HubError for an HTTP failure: the status, the server's short message (redacted), a hint."""
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    server = redact(str(getattr(exc, "server_message", "") or "").strip(), token)[:200]
    hint = {401: " The token was refused: check it (huggingface.co/settings/tokens).",
            403: " Check that the token has access to this repo (write access, to push)."}.get(status, "")
    detail = f" ({server})" if server else ""
    return HubError(f"The Hub refused to {what} (HTTP {status or '?'}){detail}.{hint}")
