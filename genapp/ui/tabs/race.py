"""Race: two runs side by side on the same data from the same seed, both live, with the presets
that start them in one click ("mode collapse", "discriminator too strong", "learning rate too
high", "cGAN vs GAN"; see :mod:`genapp.ui.presets`).

A preset starts its two runs together through ``registry().start_race`` (they share one slot of
the device, so neither queues behind the other, and take turns step by step, so the same preset
gives the same race). The *pace* control picks normal speed or a slow one to talk over (the same
steps, spread over a lecture's minutes). The race being shown is process-wide, like the runs: a
visitor who opens the page sees the lecturer's race, and an open page follows a race started
later (:mod:`genapp.ui.follow`). Any two runs can be raced by typing their ids. Starting and
stopping need the lecturer in lecture mode (:mod:`genapp.ui.lecture`).

The labels and the metric come from the preset that started the runs shown, not from the
preset picker (which a lecturer may be turning to the next demo while this one runs).
"""
from __future__ import annotations

import threading
from pathlib import Path

import gradio as gr
import pandas as pd
from PIL import Image

from genapp.runs import ACTIVE, Run, registry

from .. import lecture, presets
from ..common import UserError, user_errors
from ..i18n import phrase, t, tr
from ..learn_text import LATEX_DELIMITERS
from .autoencoder import label_rows
from .train_live import class_chart, class_plot, status_text

PRESET_KEYS = tuple(presets.PRESETS)
_current: dict = {"preset": "", "runs": []}   # the race on show (process-wide, like the runs)
_current_lock = threading.Lock()


def current() -> tuple[str, list[str]]:
    with _current_lock:
        return _current["preset"], list(_current["runs"])


def _set_current(preset: str, run_ids: list[str]) -> None:
    with _current_lock:
        _current.update(preset=preset, runs=list(run_ids))


SETTINGS_COLUMNS = {"run": "col_run", "family": "col_family", "dataset": "col_dataset", "steps": "col_steps",
                    "batch size": "col_batch", "lr": "col_lr", "seed": "col_seed", "overrides": "col_overrides"}


def settings_table(key: str) -> pd.DataFrame:
    rows = [side.settings() for side in presets.get(key).runs]
    for row in rows:  # in the visitor's language: the side's label and the column names
        row["run"] = phrase(row["run"])
    frame = pd.DataFrame(rows).astype(str)
    return frame.rename(columns={c: tr(SETTINGS_COLUMNS[c]) for c in frame.columns if c in SETTINGS_COLUMNS})


@user_errors
def start_preset(key: str, pace: str = "normal") -> str:
    """Start a preset's race (its two runs train side by side); returns "run_a, run_b".
    ``pace``: "normal", or "slow" (the same race spread over a lecture's minutes)."""
    runs = presets.start_preset(key, pace=pace or "normal")
    ids = [r.id for r in runs]
    _set_current(key, ids)
    return ", ".join(ids)


def _starter(key: str):
    def start(pace: str = "normal") -> str:
        return start_preset(key, pace)

    start.__name__ = f"preset_{key}"
    start.__doc__ = (f"Start the {key!r} preset's race; returns the two run ids. pace: 'normal' or 'slow' "
                     f"(the same race, spread over about {presets.PRESETS[key].lecture_seconds:.0f} s).")
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
    step = tr("race_step", step=f"{snap['step']:,}", total=f"{snap['total_steps']:,}")
    return (f"### {label}\n`{run.id}` · **{status_text(snap['status']).upper()}** · {step} · "
            f"{snap['elapsed_s']:.0f} s\n\n{metrics or '–'}\n\n<small>{losses}</small>")


def race_key(runs: list[Run], picked: str) -> str:
    """The preset whose race ``runs`` are: the one that started them (this process), else the
    picked one if the runs have its settings (a link to an older race), else "" (any two runs)."""
    key = presets.preset_of(runs)
    if key:
        return key
    if picked in presets.PRESETS and len(presets.PRESETS[picked].runs) == len(runs):
        specs = [side.spec for side in presets.PRESETS[picked].runs]
        if all((r.family, r.dataset, r.total_steps, r.train_cfg.seed) == (s.family, s.dataset_name, s.steps, s.seed)
               for r, s in zip(runs, specs)):
            return picked
    return ""


def _labels(key: str, runs: list[Run]) -> list[str]:
    if key in presets.PRESETS and len(presets.PRESETS[key].runs) == len(runs):
        return [side.label for side in presets.PRESETS[key].runs]
    return [f"{r.family} ({r.dataset})" for r in runs]


def result_text(key: str, runs: list[Run], labels: list[str]) -> str:
    """'Racing… · modes at step 300: plain GAN = 0 · WGAN-GP = 7 → WGAN-GP ▲'; Finished when both
    ran to the end; Stopped (at which step, and who was ahead then) after Stop; Failed."""
    metric = presets.PRESETS[key].metric if key in presets.PRESETS else None
    statuses = {r.status for r in runs}
    if statuses & set(ACTIVE):
        head, ahead = f"**{t('race_running')}**", ""
    elif "failed" in statuses:
        failed = next(r for r in runs if r.status == "failed")
        head, ahead = f"**{t('race_failed')}** (`{failed.id}`: {failed.reason[:120]})", ""
    elif statuses == {"finished"}:
        head, ahead = f"**{t('race_finished')}**", ""
    else:  # stopped (by the Stop button, or interrupted by a restart)
        head = f"**{t('race_stopped')}** · " + tr("race_stopped_at", step=f"{max(r.step for r in runs):,}",
                                                   total=f"{max(r.total_steps for r in runs):,}")
        ahead = tr("race_ahead_when_stopped") + " "  # already in the visitor's language: one t() per string
    if metric is None:
        return head
    res = presets.race_result(runs, key)
    at = " " + tr("race_at_step", step=f"{res['step']:,}") if res["step"] is not None else ""
    vals = " · ".join(f"{lab} = {'–' if v is None else f'{v:.4g}'}" for lab, v in zip(labels, res["values"]))
    lead = f" → {ahead}**{labels[res['leader']]}** ▲" if res["leader"] is not None else ""
    return f"{head} · `{metric}`{at}: {vals}{lead}"


def live(ids_text: str, key: str, seen: dict | None):
    """One tick: (left image, left status, right image, right status, result, timer, seen, left
    class chart, right class chart)."""
    seen = dict(seen or {})
    try:
        ids = _parse_ids(ids_text)
        runs = [registry().get(i) for i in ids]
    except (UserError, KeyError):
        return (gr.skip(),) * 5 + (gr.Timer(active=False), seen) + (gr.skip(),) * 2
    key = race_key(runs, key)
    labels = [phrase(label) for label in _labels(key, runs)]
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
    pace = gr.Radio([(t("race_pace_normal"), "normal"), (t("race_pace_slow"), "slow")], value="normal",
                    label=t("race_pace"), elem_id="race-pace")
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
            lecture.guard(_starter(key)), pace, ids,
            api_name=f"preset_{key}", concurrency_limit=None).success(
            lambda: ({}, gr.Timer(active=True)), None, [seen, timer], api_visibility="private")
    stop.click(lecture.guard(stop_race), ids, ids, api_name="race_stop", concurrency_limit=None)
    ids.submit(lambda: ({}, gr.Timer(active=True)), None, [seen, timer], api_visibility="private")
    timer.tick(live, [ids, preset, seen], live_out, api_visibility="private", concurrency_limit=None,
               show_progress="hidden")
    return {"preset": preset, "ids": ids, "settings": settings, "lesson": lesson, "timer": timer, "seen": seen,
            "buttons": list(buttons.values()), "stop": stop, "pace": pace}
