"""Lecture mode: when ``GENAPP_ADMIN_TOKEN`` is set, only the lecturer changes the shared runs.

Everyone watches the same live runs; starting, stopping and the presets need the token, checked
on the server in every handler that changes shared state (the buttons are also greyed out for
visitors, but that is only a courtesy). The playgrounds (Latent, Conditional, Sketch, Horse, the
Lab's own per-session model) stay open to all.

How the lecturer proves it, in order of preference:

* the **Lecturer** box: type the token and press *Unlock*; this browser session (Gradio's session
  hash) is remembered on the server until *Lock* or the app restarts. The box says at once whether
  the token was right; it is shown only in lecture mode (outside it there is nothing to unlock);
* ``?admin=<token>`` in the page URL (handy on the lecture laptop's bookmark);
* an ``X-GenApp-Admin: <token>`` header (scripts: ``Client(url, headers={...})``), or a call to
  ``/lecture_unlock`` with the token earlier in the same ``gradio_client`` session.

The token is compared in constant time and never written back to any output, log or link.
"""
from __future__ import annotations

import hmac
import inspect
import threading
import time
from typing import Any, Callable

import gradio as gr

from genapp import settings

from .i18n import t

ENV = "GENAPP_ADMIN_TOKEN"
HEADER = "x-genapp-admin"
QUERY = "admin"
SESSION_TTL_S = 12 * 3600    # an unlocked browser session lasts a (long) teaching day

_sessions: dict[str, float] = {}
_lock = threading.Lock()


class LectureLocked(PermissionError):
    """A visitor tried to change a shared run in lecture mode."""


def enabled() -> bool:
    """Lecture mode is on when the environment holds a non-empty admin token."""
    return settings.is_set(ENV)


def token_ok(given: str | None) -> bool:
    expected = settings.text(ENV)
    if not expected or not given:
        return False
    return hmac.compare_digest(str(given).strip().encode(), expected.encode())


def _session(request: gr.Request | None) -> str | None:
    return getattr(request, "session_hash", None) if request is not None else None


def _from_request(request: gr.Request | None, where: str, key: str) -> str | None:
    try:
        return dict(getattr(request, where) or {}).get(key)
    except Exception:  # noqa: BLE001 -- a request without headers / query params
        return None


def is_lecturer(request: gr.Request | None) -> bool:
    """True outside lecture mode, or when this request carries the lecturer's proof."""
    if not enabled():
        return True
    if request is None:
        return False
    if token_ok(_from_request(request, "headers", HEADER)) or token_ok(_from_request(request, "query_params", QUERY)):
        return True
    session = _session(request)
    with _lock:
        unlocked = _sessions.get(session) if session else None
        if unlocked is not None and time.time() - unlocked > SESSION_TTL_S:
            _sessions.pop(session, None)
            unlocked = None
    return unlocked is not None


def require_lecturer(request: gr.Request | None) -> None:
    if not is_lecturer(request):
        raise gr.Error("Lecture mode: only the lecturer can start or stop training here. You can watch the live "
                       "runs, and the Latent, Conditional, Sketch, Horse and Lab tabs are open to everyone.",
                       title="Read-only", print_exception=False)


def guard(fn: Callable) -> Callable:
    """``fn`` behind the lecturer check, for an event listener.

    The wrapper takes the same inputs plus a ``gr.Request`` (Gradio fills it in; it is not an
    input of the API endpoint), so ``/train_start`` keeps its documented parameters.
    """
    sig = inspect.signature(fn)
    params = list(sig.parameters.values())
    request_param = inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=gr.Request)

    def guarded(*args: Any) -> Any:
        *values, request = args
        require_lecturer(request)
        return fn(*values)

    guarded.__name__ = getattr(fn, "__name__", "guarded")
    guarded.__qualname__ = getattr(fn, "__qualname__", guarded.__name__)
    guarded.__doc__ = fn.__doc__
    guarded.__module__ = fn.__module__
    guarded.__signature__ = sig.replace(parameters=[p.replace(default=inspect.Parameter.empty) for p in params]
                                        + [request_param])
    guarded.__annotations__ = {**{k: v for k, v in getattr(fn, "__annotations__", {}).items() if k != "return"},
                               "request": gr.Request}
    return guarded


# ---------------------------------------------------------------- the lecturer box
def unlock(token: str, request: gr.Request):
    """Check the lecturer's token; on success remember this session. Returns (status, cleared box)."""
    if not enabled():
        return t("lecture_off"), ""
    if not token_ok(token):
        time.sleep(0.5)  # a slow wrong answer makes guessing slower
        raise gr.Error("That is not the lecturer's token.", title="Lecture mode", print_exception=False)
    session = _session(request)
    if session:
        with _lock:
            _sessions[session] = time.time()
    return t("lecture_unlocked"), ""   # the box is emptied: the token is never sent back


def lock(request: gr.Request):
    session = _session(request)
    if session:
        with _lock:
            _sessions.pop(session, None)
    return status(request)


def status(request: gr.Request | None):
    """The banner for this visitor: nothing (lecture mode off), lecturer, or read-only visitor."""
    if not enabled():
        return ""
    return t("lecture_unlocked") if is_lecturer(request) else t("lecture_visitor")


def page_load(request: gr.Request | None, n: int) -> tuple:
    """On page load: (banner, the Lecturer box shown only in lecture mode, ``n`` guarded buttons)."""
    return (status(request), gr.Accordion(visible=enabled()), *controls_update(request, n))


def controls_update(request: gr.Request | None, n: int) -> tuple:
    """``gr.Button(interactive=...)`` for ``n`` guarded buttons (greyed out for visitors)."""
    allowed = is_lecturer(request)
    return tuple(gr.Button(interactive=allowed) for _ in range(n))


def build() -> dict:
    """The Lecturer box (inside the Blocks): status, token field, Unlock / Lock."""
    # The banner stays outside the box: a visitor sees at once why the training controls are grey.
    banner = gr.Markdown("", elem_id="lecture-status")
    # Hidden outside lecture mode (nothing to unlock there); the page load shows it when the token
    # is set (``page_load``), also for an app built before it was.
    with gr.Accordion(t("lecture_title"), open=False, visible=enabled(), elem_id="lecture-box") as box:
        with gr.Row():
            token = gr.Textbox(label=t("lecture_token"), type="password", max_lines=1, elem_id="lecture-token",
                               scale=3)
            unlock_btn = gr.Button(t("lecture_unlock"), elem_id="lecture-unlock", scale=1)
            lock_btn = gr.Button(t("lecture_lock"), elem_id="lecture-lock", scale=1, size="sm")
        feedback = gr.Markdown("", elem_id="lecture-feedback")
    return {"banner": banner, "box": box, "token": token, "unlock": unlock_btn, "lock": lock_btn,
            "feedback": feedback}


def wire(box: dict, guarded_buttons: list) -> None:
    """Events of the Lecturer box; ``guarded_buttons`` are greyed out for visitors."""
    n = len(guarded_buttons)

    def after(request: gr.Request):
        if not enabled():  # unlock's own "lecture mode is off" stays in the banner
            return (gr.skip(), t("lecture_off"), *controls_update(request, n))
        return (status(request), t("lecture_ok"), *controls_update(request, n))

    def refused():
        return t("lecture_wrong")

    for event, api in ((box["unlock"].click, {"api_name": "lecture_unlock"}),
                       (box["token"].submit, {"api_visibility": "private"})):
        sent = event(unlock, box["token"], [box["banner"], box["token"]], show_progress="hidden", **api)
        sent.success(after, None, [box["banner"], box["feedback"], *guarded_buttons], api_visibility="private")
        # unlock's gr.Error pops up and fades; the box keeps saying what went wrong
        sent.failure(refused, None, box["feedback"], api_visibility="private")

    def relock(request: gr.Request):
        return (lock(request), t("lecture_locked"), *controls_update(request, n))

    box["lock"].click(relock, None, [box["banner"], box["feedback"], *guarded_buttons], api_visibility="private")
