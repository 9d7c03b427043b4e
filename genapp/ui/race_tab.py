"""Race: two runs side by side on the same data from the same seed, both live, with the presets
that start them in one click ("mode collapse", "discriminator too strong", "learning rate too
high", "cGAN vs GAN"; see :mod:`genapp.ui.presets`).

A preset starts its two runs together through ``registry().start_race`` (they share one slot of
the device, so neither queues behind the other). The race being shown is process-wide, like the
runs: a visitor who opens the page sees the lecturer's race. Any two runs can be raced by typing
their ids. Starting and stopping need the lecturer in lecture mode (:mod:`genapp.ui.lecture`).
"""
from __future__ import annotations

import threading
from pathlib import Path

import gradio as gr
import pandas as pd
from PIL import Image

from genapp.runs import ACTIVE, Run, registry

from . import lecture, presets
from .autoencoder_view import label_rows
from .common import UserError, user_errors
from .i18n import t
from .learn_text import LATEX_DELIMITERS
from .train_tab import class_chart, class_plot

PRESET_KEYS = tuple(presets.PRESETS)
_current: dict = {"preset": "", "runs": []}   # the race on show (process-wide, like the runs)
_current_lock = threading.Lock()


def current() -> tuple[str, list[str]]:
    with _current_lock:
        return _current["preset"], list(_current["runs"])


def _set_current(preset: str, run_ids: list[str]) -> None:
    with _current_lock:
        _current.update(preset=preset, runs=list(run_ids))


def settings_table(key: str) -> pd.DataFrame:
    rows = [spec.settings() for spec in presets.get(key).runs]
    return pd.DataFrame(rows).astype(str)


@user_errors
def start_preset(key: str) -> str:
    """Start a preset's race (its two runs train at the same time); returns "run_a, run_b"."""
    runs = presets.start_preset(key)
    ids = [r.id for r in runs]
    _set_current(key, ids)
    return ", ".join(ids)


def _starter(key: str):
    def start() -> str:
        return start_preset(key)

    start.__name__ = f"preset_{key}"
    start.__doc__ = f"Start the {key!r} preset's race; returns the two run ids."
    return start


def _parse_ids(text: str) -> list[str]:
    ids = [s.strip() for s in (text or "").replace(";", ",").split(",") if s.strip()]
    if len(ids) != 2:
        raise UserError("Give two run ids separated by a comma, e.g. 00003-ring-ring, 00004-wgan-ring.")
    return ids


@user_errors
def stop_race(ids_text: str) -> str:
    """Stop both runs of the race shown (they save a checkpoint first)."""
    ids = _parse_ids(ids_text)
    for rid in ids:
        run = registry().get(rid)
        if run.status in ACTIVE:
            registry().stop(rid)
    return ", ".join(ids)


def _image(run: Run) -> Image.Image | None:
    path = run.latest_sample()
    if not path or not Path(path).exists():
        return None
    with Image.open(path) as im:
        return label_rows(im.convert("RGB"), run.family)


def _status(run: Run, label: str) -> str:
    snap = run.snapshot(n_losses=1)
    last = snap["losses"][-1] if snap["losses"] else {}
    losses = " · ".join(f"{k} {v:.3f}" for k, v in last.items() if k != "step" and isinstance(v, float))
    metrics = " · ".join(f"**{k}** = {v:.3g}" for k, v in snap["metrics"].items())
    return (f"### {label}\n`{run.id}` · **{snap['status'].upper()}** · step **{snap['step']:,} / "
            f"{snap['total_steps']:,}** · {snap['elapsed_s']:.0f} s\n\n{metrics or '–'}\n\n<small>{losses}</small>")


def _labels(key: str, runs: list[Run]) -> list[str]:
    if key in presets.PRESETS and len(presets.PRESETS[key].runs) == len(runs):
        return [spec.label for spec in presets.PRESETS[key].runs]
    return [f"{r.family} ({r.dataset})" for r in runs]


def result_text(key: str, runs: list[Run], labels: list[str]) -> str:
    """'modes: plain GAN = 0 · WGAN-GP = 7 → WGAN-GP ahead' (and FINISHED when both are)."""
    metric = presets.PRESETS[key].metric if key in presets.PRESETS else None
    done = all(r.status not in ACTIVE for r in runs)
    head = f"**{t('race_finished') if done else t('race_running')}**"
    if metric is None:
        return head
    res = presets.race_result(runs, key)
    vals = " · ".join(f"{lab} = {'–' if v is None else f'{v:.4g}'}" for lab, v in zip(labels, res["values"]))
    lead = f" → **{labels[res['leader']]}** ▲" if res["leader"] is not None else ""  # one t() per string
    return f"{head} · `{metric}`: {vals}{lead}"


def live(ids_text: str, key: str, seen: dict | None):
    """One tick: (left image, left status, right image, right status, result, timer, seen, left
    class chart, right class chart)."""
    seen = dict(seen or {})
    try:
        ids = _parse_ids(ids_text)
        runs = [registry().get(i) for i in ids]
    except (UserError, KeyError):
        return (gr.skip(),) * 5 + (gr.Timer(active=False), seen) + (gr.skip(),) * 2
    labels = _labels(key, runs)
    out, bars = [], []
    for side, (run, label) in enumerate(zip(runs, labels)):
        path = run.latest_sample()
        fresh = seen.get(f"img{side}") != (run.id, path)
        out += [_image(run) if fresh else gr.skip(), _status(run, label)]
        bars.append(class_plot(class_chart(run)) if fresh else gr.skip())  # the judge's classes come with each grid
        seen[f"img{side}"] = (run.id, path)
    # Keep ticking while the race on stage runs, even if the runs shown here have ended: a tick
    # that read the ids just before a preset started a new race must not switch the view off.
    active = any(r.status in ACTIVE for r in runs) or _stage_active()
    return (*out, result_text(key, runs, labels), gr.Timer(active=active), seen, *bars)


def _stage_active() -> bool:
    """Whether a run of the race on stage (``current()``) is queued or training."""
    for rid in current()[1]:
        try:
            if registry().get(rid).status in ACTIVE:
                return True
        except KeyError:
            pass
    return False


def choose(key: str):
    """Picking a preset (without starting it): its settings and its lesson."""
    return settings_table(key), t(f"learn_{key}")


def on_load():
    """Page load: show the race on stage (visitors watch the lecturer's race)."""
    key, ids = current()
    if not ids:
        return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.Timer(active=False), {}
    return key, settings_table(key) if key in presets.PRESETS else gr.skip(), \
        t(f"learn_{key}") if key in presets.PRESETS else gr.skip(), ", ".join(ids), gr.Timer(active=True), {}


def build() -> dict:
    gr.Markdown(t("race_intro"))
    with gr.Row():
        buttons = {}
        for key in PRESET_KEYS:
            buttons[key] = gr.Button(t(f"preset_{key}"), variant="primary", elem_id=f"preset-{key}")
    with gr.Row():
        preset = gr.Dropdown(list(PRESET_KEYS), value="mode_collapse", label=t("race_preset"), elem_id="race-preset",
                             scale=1)
        ids = gr.Textbox(label=t("race_runs"), placeholder="00003-ring-ring, 00004-wgan-ring", max_lines=1,
                         elem_id="race-ids", scale=2, min_width=240)
        stop = gr.Button(t("race_stop"), variant="stop", elem_id="race-stop", scale=0)
    settings = gr.Dataframe(value=settings_table("mode_collapse"), interactive=False, wrap=True,
                            label=t("race_settings"), elem_id="race-settings")
    result = gr.Markdown("", elem_id="race-result")
    sides = []
    with gr.Row():
        for side in ("left", "right"):
            with gr.Column():
                status = gr.Markdown("", elem_id=f"race-{side}-status")
                image = gr.Image(label=t("live_samples"), type="pil", format="png", interactive=False, height=360,
                                 elem_id=f"race-{side}-img", elem_classes=["pixelated", "fill"],
                                 buttons=["download", "fullscreen"])
                bars = gr.BarPlot(x="class", y="share", label=t("class_shares"), y_lim=[0, 1], visible=False,
                                  elem_id=f"race-{side}-classes")
                sides.append((image, status, bars))
    with gr.Accordion(t("learn"), open=True, elem_id="race-learn"):
        lesson = gr.Markdown(t("learn_mode_collapse"), latex_delimiters=LATEX_DELIMITERS, elem_id="race-lesson")
    timer = gr.Timer(1.0, active=False)
    seen = gr.State({})
    live_out = [sides[0][0], sides[0][1], sides[1][0], sides[1][1], result, timer, seen, sides[0][2], sides[1][2]]

    preset.input(choose, preset, [settings, lesson], api_visibility="private", show_progress="hidden")
    for key, btn in buttons.items():
        btn.click(lambda _k=key: (_k, *choose(_k)), None, [preset, settings, lesson], api_visibility="private",
                  show_progress="hidden").then(
            lecture.guard(_starter(key)), None, ids,
            api_name=f"preset_{key}", concurrency_limit=None).success(
            lambda: ({}, gr.Timer(active=True)), None, [seen, timer], api_visibility="private")
    stop.click(lecture.guard(stop_race), ids, ids, api_name="race_stop", concurrency_limit=None)
    ids.submit(lambda: ({}, gr.Timer(active=True)), None, [seen, timer], api_visibility="private")
    timer.tick(live, [ids, preset, seen], live_out, api_visibility="private", concurrency_limit=None,
               show_progress="hidden")
    return {"preset": preset, "ids": ids, "settings": settings, "lesson": lesson, "timer": timer, "seen": seen,
            "buttons": list(buttons.values()), "stop": stop}
