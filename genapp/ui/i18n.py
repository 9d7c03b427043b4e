"""English and Korean text for the app (``gr.I18n``: the browser's language picks the table).

Gradio translates static text on the page -- labels, button text, Markdown, tab names -- from
these tables; values computed on the server (status lines, error messages) stay in English.
Keys have no dots (the front end would read a dot as a nested table).
"""
from __future__ import annotations

import re
from contextvars import ContextVar

import gradio as gr

from .texts.control import CONTROL_EN, CONTROL_KO
from .texts.labels import EN, KO
from .texts.pixelcnn import ERRORS_EN, ERRORS_KO, PIXELCNN_EN, PIXELCNN_KO
from .texts.server import FRONTEND_EN, FRONTEND_KO, PHRASES_KO, SERVER_EN, SERVER_KO
from .texts.teaching import TEACH_EN, TEACH_KO


def _lessons() -> tuple[dict[str, str], dict[str, str]]:
    from .learn_text import LESSONS

    return ({f"learn_{k}": v["en"] for k, v in LESSONS.items()}, {f"learn_{k}": v["ko"] for k, v in LESSONS.items()})


def _merge() -> None:
    """One table per language: the labels, then each part's keys (none may replace another's)."""
    SERVER_EN.update(ERRORS_EN)
    SERVER_KO.update(ERRORS_KO)
    learn_en, learn_ko = _lessons()
    for part_en, part_ko in ((CONTROL_EN, CONTROL_KO), (PIXELCNN_EN, PIXELCNN_KO), (TEACH_EN, TEACH_KO),
                             (learn_en, learn_ko), (SERVER_EN, SERVER_KO), (FRONTEND_EN, FRONTEND_KO)):
        assert part_en.keys() == part_ko.keys(), sorted(set(part_en) ^ set(part_ko))
        assert not set(part_en) & set(EN), f"keys that would replace existing texts: {sorted(set(part_en) & set(EN))}"
        EN.update(part_en)
        KO.update(part_ko)
    assert EN.keys() == KO.keys(), sorted(set(EN) ^ set(KO))


_merge()
I18N = gr.I18n(en=EN, ko=KO)
LANGS = {"en": EN, "ko": KO}


def t(key: str):
    """The translatable text for ``key`` (rendered in the visitor's language by the front end)."""
    if key not in EN:
        raise KeyError(f"no text for {key!r}")
    return I18N(key)


def lang(request=None) -> str:
    """The visitor's language, "ko" or "en": the first tag of the request's Accept-Language.

    ``request``: a ``gr.Request``; by default the one of the event being handled (Gradio keeps it
    for the handler's thread; :class:`~genapp.ui.app.StudioBlocks` also for its input checks).
    No request (a test, a thread of our own) or no header (``gradio_client``) means English."""
    if request is None:
        request = REQUEST.get(None)
    if request is None:
        from gradio.context import LocalContext

        request = LocalContext.request.get(None)
    headers = getattr(request, "headers", None) or {}
    first = (headers.get("accept-language") or "").split(",")[0].split(";")[0].strip().lower()
    return "ko" if first.split("-")[0] == "ko" else "en"


def tr(key: str, language: str | None = None, **fields) -> str:
    """The text for ``key`` in ``language`` (default: the visitor's, :func:`lang`), its
    ``{fields}`` filled in."""
    table = LANGS.get(language or lang(), EN)
    text = table[key]
    return text.format(**fields) if fields else text


def axis_titles(x: str = "ax_step", y: str = "ax_value", color: str | None = "ax_curve") -> dict:
    """A plot's axis and legend titles in the visitor's language, as keyword arguments of
    ``gr.LinePlot`` / ``gr.BarPlot`` (the frames' columns stay as the code names them)."""
    return {"x_title": tr(x), "y_title": tr(y), **({"color_title": tr(color)} if color else {})}


def phrase(text: str, language: str | None = None) -> str:
    """A name the server shows as data (a loss name, a preset's run label), in the visitor's language."""
    if (language or lang()) != "ko":
        return text
    return PHRASES_KO.get(text, text)


def _template(text: str) -> re.Pattern:
    parts = re.split(r"\{(\w+)\}", text)
    return re.compile("".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts)),
                      re.DOTALL)


_MESSAGES = [(key, _template(text)) for key, text in SERVER_EN.items() if key.startswith("err_")]
_EN_TO_KO = {**{EN[k]: KO[k] for k in EN if len(EN[k]) <= 40}, **PHRASES_KO}


def message(text: str, language: str | None = None) -> str:
    """A message written in English (by a handler, the core or Gradio) in the visitor's language.

    The message is matched against the ``err_`` templates; its fields that are themselves texts of
    the tables (a field's label) are translated too, quotes stripped from them. A message without a
    template stays as written."""
    if not text or (language or lang()) != "ko":
        return text
    for key, pattern in _MESSAGES:
        m = pattern.fullmatch(text)
        if m:
            fields = {}
            for name, value in m.groupdict().items():
                bare = value.strip("'\"")
                fields[name] = _EN_TO_KO.get(bare, _EN_TO_KO.get(value, message(value, "ko") if name == "message"
                                                                   else value))
            return KO[key].format(**fields)
    return text


REQUEST: ContextVar = ContextVar("genapp_request", default=None)  # the event's request (StudioBlocks)
