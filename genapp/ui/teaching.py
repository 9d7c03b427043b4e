"""The teaching layer's glue in the app: Learn panels beside each tab, the shareable link, and
what happens on page load (settings from the URL, the race on stage, lecture-mode controls).

Each piece it wires lives in its own module: ``learn_text`` (the lessons), ``lecture`` (lecture
mode), ``links`` (query parameters), ``tabs.lab``, ``tabs.race``, ``tabs.autoencoder``.
"""
from __future__ import annotations

import inspect
from typing import Any

import gradio as gr

from genapp.models import FAMILIES

from . import follow, lecture, links, presets
from .i18n import t
from .learn_text import LATEX_DELIMITERS, LESSONS
from .tabs import lab as lab_tab
from .tabs import race as race_tab
from .tabs.train import datasets_for, default_lr
from .tabs.train_live import runs_table


# ---------------------------------------------------------------- Learn panels
def learn_panel(topic: str, elem_id: str, extra: str | None = None):
    """A closed "Learn" accordion with ``topic``'s lesson (and a second one, ``extra``, below it).
    Returns the Markdown (or the pair) so events can switch the lesson."""
    with gr.Accordion(t("learn"), open=False, elem_id=elem_id):
        first = gr.Markdown(t(f"learn_{topic}"), latex_delimiters=LATEX_DELIMITERS, elem_id=f"{elem_id}-text")
        if extra is None:
            return first
        second = gr.Markdown(t(f"learn_{extra}"), latex_delimiters=LATEX_DELIMITERS, elem_id=f"{elem_id}-family")
        return first, second


def lesson_for(topic: str):
    return t(f"learn_{topic}") if topic in LESSONS else gr.skip()


# ---------------------------------------------------------------- shareable links
def link_box() -> dict:
    with gr.Row(equal_height=True):
        button = gr.Button(t("link_make"), size="sm", elem_id="link-make", scale=0, min_width=200)
        box = gr.Textbox(label=t("link_box"), visible=False, max_lines=1, buttons=["copy"], elem_id="link-box",
                         scale=4)
    return {"button": button, "box": box, "tab": gr.State("train")}


def _base_url(request: gr.Request | None) -> str:
    headers = dict(getattr(request, "headers", {}) or {}) if request is not None else {}
    referer = headers.get("referer")
    if referer:
        return referer
    host = headers.get("x-forwarded-host") or headers.get("host") or "localhost:7860"
    scheme = headers.get("x-forwarded-proto", "http")
    return f"{scheme}://{host}/"


def link_settings(tab: str, values: dict[str, Any]) -> dict[str, Any]:
    """The query parameters that reopen ``tab`` as it is (``values``: the tab's fields)."""
    out: dict[str, Any] = {"tab": tab}
    if tab == "train":
        out.update(family=values.get("family"), dataset=values.get("dataset"), steps=values.get("steps"),
                   batch=values.get("batch_size"), lr=values.get("lr"), seed=values.get("seed"),
                   run=values.get("run_id") or None)
    elif tab == "latent":
        out.update(model=values.get("latent_model"), seed=values.get("latent_seed"), count=values.get("count"),
                   a=values.get("seed_a"), b=values.get("seed_b"), walk=values.get("walk"),
                   method=values.get("method"))
    elif tab in ("conditional", "sketch", "horse"):
        out.update(model=values.get(f"{tab}_model"))
    elif tab == "lab":
        out.update(family=values.get("lab_family"), seed=values.get("lab_seed"))
    elif tab == "race":
        out.update(preset=values.get("preset"))
        ids = [s.strip() for s in str(values.get("race_ids") or "").split(",") if s.strip()]
        if len(ids) == 2:
            out["runs"] = ids
    for key in ("seed", "steps", "batch", "count", "a", "b", "walk"):
        if isinstance(out.get(key), float) and out[key] == int(out[key]):
            out[key] = int(out[key])
    return out


# ---------------------------------------------------------------- page load: the URL's settings
def query_updates(params: dict[str, str], comps: dict[str, Any]) -> dict[Any, Any]:
    """{component: update} for the settings named in the page's query parameters."""
    q = links.parse(params, families=tuple(FAMILIES), presets=tuple(presets.PRESETS))
    up: dict[Any, Any] = {}
    tab = q.get("tab")
    if tab:
        up[comps["tabs"]] = gr.Tabs(selected=tab)
        up[comps["tab_state"]] = tab
    if tab == "train" or (tab is None and "family" in q and "model" not in q):
        family = q.get("family")
        if family:
            names = datasets_for(family)
            dataset = q.get("dataset") if q.get("dataset") in names else names[0]
            up[comps["family"]] = family
            up[comps["dataset"]] = gr.Dropdown(choices=names, value=dataset)
            up[comps["lr"]] = q.get("lr", default_lr(family, dataset))
        elif "lr" in q:
            up[comps["lr"]] = q["lr"]
        for key, comp in (("steps", "steps"), ("batch", "batch_size"), ("seed", "seed")):
            if key in q:
                up[comps[comp]] = q[key]
        if "run" in q:
            up[comps["run_id"]] = q["run"]
            up[comps["train_timer"]] = gr.Timer(active=True)
            up[comps["train_seen"]] = {}
            up[comps["follow_seen"]] = follow.seen_now()
    if tab in links.MODEL_TABS or (tab is None and "model" in q):
        where = tab or "latent"
        if "model" in q:
            up[comps[f"{where}_model"]] = q["model"]
        if where == "latent":
            for key, comp in (("seed", "latent_seed"), ("count", "count"), ("a", "seed_a"), ("b", "seed_b"),
                              ("walk", "walk"), ("method", "method")):
                if key in q:
                    up[comps[comp]] = q[key]
    if tab == "lab":
        if q.get("family") in lab_tab.FAMILIES:
            up[comps["lab_family"]] = q["family"]
            up[comps["lab_learn"]] = t(f"learn_{q['family']}")
        if "seed" in q:
            up[comps["lab_seed"]] = q["seed"]
    if tab == "race" and q.get("preset"):
        key = q["preset"]
        up[comps["preset"]] = key
        up[comps["race_settings"]], up[comps["race_lesson"]] = race_tab.choose(key)
        if "runs" in q:
            up[comps["race_ids"]] = ", ".join(q["runs"])
            up[comps["race_timer"]] = gr.Timer(active=True)
            up[comps["race_seen"]] = {}
            up[comps["follow_seen"]] = follow.seen_now()
    return up


def wire(demo: gr.Blocks, *, tabs, pages: dict, lecturer: dict, link: dict, train: dict, train_learn,
         vae_box: dict, latent: dict, cond: dict, sketch: dict, horse: dict, lab: dict, lab_learn, race: dict,
         loaded=None) -> None:
    """All the teaching layer's events (called once, inside the Blocks, after every tab is built)."""
    from .tabs import autoencoder as autoencoder_view

    # Lecture mode: the controls that change shared runs (server-side checks are in the handlers).
    guarded = [train["start"], train["stop"], *race["buttons"], race["stop"]]
    lecture.wire(lecturer, guarded)
    follow_seen = follow.wire(train, race)  # an open page picks up the runs started after it loaded

    # Learn panels that follow a choice.
    train["family"].change(lesson_for, train["family"], train_learn, api_visibility="private",
                           show_progress="hidden")
    lab["family"].change(lesson_for, lab["family"], lab_learn[1], api_visibility="private", show_progress="hidden")
    autoencoder_view.wire(vae_box, train["run_id"], train["family"])

    # Which tab is open (for the link).
    for name, page in pages.items():
        page.select(lambda _n=name: _n, None, link["tab"], api_visibility="private", show_progress="hidden")

    fields = {"family": train["family"], "dataset": train["dataset"], "steps": train["steps"],
              "batch_size": train["batch_size"], "lr": train["lr"], "seed": train["seed"], "run_id": train["run_id"],
              "latent_model": latent["model"], "latent_seed": latent["seed"], "count": latent["count"],
              "seed_a": latent["seed_a"], "seed_b": latent["seed_b"], "walk": latent["steps"],
              "method": latent["method"], "conditional_model": cond["model"], "sketch_model": sketch["model"],
              "horse_model": horse["model"], "lab_family": lab["family"], "lab_seed": lab["seed"],
              "preset": race["preset"], "race_ids": race["ids"]}
    names = list(fields)

    def make_link(tab: str, *values, request: gr.Request = None):
        settings = link_settings(tab or "train", dict(zip(names, values)))
        return gr.Textbox(value=links.build(_base_url(request), settings), visible=True)

    link["button"].click(_with_request(make_link, len(names)), [link["tab"], *fields.values()], link["box"],
                         api_visibility="private", show_progress="hidden")

    # Page load: the URL's settings, the race on stage, the visitor's lecture-mode controls.
    comps = {"tabs": tabs, "tab_state": link["tab"], "family": train["family"], "dataset": train["dataset"],
             "lr": train["lr"], "steps": train["steps"], "batch_size": train["batch_size"], "seed": train["seed"],
             "run_id": train["run_id"], "train_timer": train["timer"], "train_seen": train["seen"],
             "latent_model": latent["model"], "latent_seed": latent["seed"], "count": latent["count"],
             "seed_a": latent["seed_a"], "seed_b": latent["seed_b"], "walk": latent["steps"],
             "method": latent["method"], "conditional_model": cond["model"], "sketch_model": sketch["model"],
             "horse_model": horse["model"], "lab_family": lab["family"], "lab_seed": lab["seed"],
             "lab_learn": lab_learn[1], "preset": race["preset"], "race_settings": race["settings"],
             "race_lesson": race["lesson"], "race_ids": race["ids"], "race_timer": race["timer"],
             "race_seen": race["seen"], "runs_table": train["runs"], "follow_seen": follow_seen}
    targets = list(dict.fromkeys(comps.values()))
    outputs = targets + [lecturer["banner"], lecturer["box"], *guarded]

    def on_load(request: gr.Request):
        up: dict[Any, Any] = {}
        key, ids = race_tab.current()
        if ids:  # the race on stage: every visitor watches it
            up.update({race["preset"]: key, race["ids"]: ", ".join(ids), race["timer"]: gr.Timer(active=True),
                       race["seen"]: {}})
            if key in presets.PRESETS:
                up[race["settings"]], up[race["lesson"]] = race_tab.choose(key)
        else:  # the default preset's settings, in this visitor's language
            up[race["settings"]] = race_tab.settings_table("mode_collapse")  # the picker's default
        up[train["runs"]] = runs_table()  # built with the page, in English: now in the visitor's language
        up.update(query_updates(dict(getattr(request, "query_params", {}) or {}), comps))
        return (*[up.get(c, gr.skip()) for c in targets], *lecture.page_load(request, len(guarded)))

    after = loaded.then if loaded is not None else demo.load
    settled = after(on_load, None, outputs, api_visibility="private", show_progress="hidden")
    settled.then(lab_tab.init_if_empty, [lab["state"], lab["family"], lab["seed"]], lab["outputs"],
                 api_visibility="private", show_progress="hidden")
    # A link that opens a playground needs no first view of its own: selecting its tab (above, by
    # code) fires the tab's select event, whose first view reads the link's settings.


def _with_request(fn, n_values: int):
    """``fn(tab, *values, request=...)`` as an event function Gradio can hand the request to."""
    def handler(tab, *values_and_request):
        *values, request = values_and_request
        return fn(tab, *values, request=request)

    params = [inspect.Parameter("tab", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    params += [inspect.Parameter(f"v{i}", inspect.Parameter.POSITIONAL_OR_KEYWORD) for i in range(n_values)]
    params.append(inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=gr.Request))
    handler.__signature__ = inspect.Signature(params)
    handler.__annotations__ = {"request": gr.Request}
    return handler

