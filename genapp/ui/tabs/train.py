"""Train (live): start a run, watch it learn, scrub its history, download it as a GIF, share it.

A run is a background thread in the process-wide registry (``genapp.runs``); this tab only
starts, stops and *reads* runs, so any number of visitors can watch the same one. A ``gr.Timer``
polls once a second while a run is being watched, and each tick sends only what changed (the
sample grid when a new one is saved, the curves when new steps came in).

Endpoints: ``/train_start``, ``/train_status``, ``/train_stop``, ``/push_to_hub`` (docs/API.md), and
``/push_periodically`` / ``/stop_periodic_push`` for a run still training.

The live view is ``train_live``, the Hub panel ``train_hub``.
"""
from __future__ import annotations

import gradio as gr
from PIL import Image

from genapp.models import FAMILIES, default_dataset, default_family, model_class
from genapp.runs import ACTIVE, MAX_SEED, RunSpec, check_settings, limits, registry

from .. import lecture
from ..common import (
    UserError,
    checked_number,
    user_errors,
)
from ..i18n import t
from .train_hub import (
    periodic_status,
    push_periodically,
    push_sources,
    push_to_hub,
    stop_periodic_push,
)
from .train_live import (
    get_run,
    live_view,
    run_ids,
    runs_table,
    sample_image,
    timeline_frame,
    training_gif,
)


# ---------------------------------------------------------------- endpoint functions
def datasets_for(family: str) -> list[str]:
    return list(model_class(family).datasets)


def default_lr(family: str, dataset: str | None = None) -> float:
    """The learning-rate field's start (``RunSpec.app_start``: the family's ``live_lr``, else its recipe's)."""
    return float(RunSpec.app_start(family, dataset).lr)


def default_batch(family: str, dataset: str | None = None) -> int:
    """The batch-size field's start (``RunSpec.app_start``)."""
    return RunSpec.app_start(family, dataset).batch


@user_errors
def train_start(family: str, dataset: str, steps, batch_size, lr, seed) -> str:
    """Start a training run in the background; returns its run id (poll it with /train_status)."""
    if not isinstance(family, str) or family not in FAMILIES:
        raise UserError(f"Unknown family {str(family)[:40]!r}; choose one of: {', '.join(FAMILIES)}.")
    steps, batch_size, lr, seed = check_settings(steps, batch_size, lr, seed)  # the registry's own limits
    if dataset is not None and not isinstance(dataset, str):
        raise UserError(f"The dataset must be a name, one of: {', '.join(datasets_for(family))}.")
    dataset = (dataset or "").strip() or None
    run = registry().start(RunSpec.in_app(family, dataset, steps=steps, batch_size=batch_size, lr=lr, seed=seed))
    return run.id


@user_errors
def train_status(run_id: str) -> tuple[dict, Image.Image | None]:
    """The run's status (JSON: status, step, images/s, ETA, recent losses, metrics) and its latest sample grid."""
    run = get_run(run_id)
    snap = run.snapshot(n_losses=50)
    return snap, sample_image(run.latest_sample())


@user_errors
def train_stop(run_id: str) -> dict:
    """Ask a run to stop (it saves a checkpoint first); returns its status."""
    run = get_run(run_id)
    if run.status in ACTIVE:
        # A running run stops within one step; wait for it. A queued one just never starts.
        registry().stop(run.id, timeout=10.0 if run.status == "running" else None)
    snap = run.snapshot(n_losses=1)  # the last losses only (n_losses=0 would mean all of them)
    snap["stop_requested"] = True
    return snap


def family_changed(family: str):
    try:
        names = datasets_for(family)
    except ValueError:
        return gr.skip(), gr.skip(), gr.skip()
    return gr.Dropdown(choices=names, value=names[0]), default_lr(family, names[0]), default_batch(family, names[0])


def dataset_changed(family: str, dataset: str):
    try:
        return default_lr(family, dataset), default_batch(family, dataset)
    except ValueError:
        return gr.skip(), gr.skip()


def watch(run_id: str):
    """Start polling a run (after Start, or when one is picked from the list)."""
    return gr.Timer(active=bool((run_id or "").strip())), {}


# ---------------------------------------------------------------- layout
def build() -> dict:
    """The Train tab's components and events (inside a ``gr.Blocks`` context)."""
    with gr.Row():
        with gr.Column(scale=1, min_width=280):
            gr.Markdown(t("train_intro"))
            start_family = default_family("train")
            start_dataset = default_dataset(start_family)
            family = gr.Dropdown(list(FAMILIES), value=start_family, label=t("family"))
            dataset = gr.Dropdown(datasets_for(start_family), value=start_dataset, label=t("dataset"),
                                  allow_custom_value=True)
            with gr.Row():
                steps = checked_number(value=1000, precision=0, minimum=1, maximum=limits()["max_steps"], label=t("steps"))
                batch_size = checked_number(value=default_batch(start_family, start_dataset), precision=0, minimum=1,
                                            maximum=limits()["max_batch"], label=t("batch_size"), elem_id="train-batch")
            with gr.Row():
                lr = checked_number(value=default_lr(start_family, start_dataset), label=t("lr"), step=0.0001,
                                    elem_id="train-lr")
                seed = checked_number(value=0, precision=0, minimum=0, maximum=MAX_SEED, label=t("seed"))
            with gr.Row():
                start = gr.Button(t("start"), variant="primary", elem_id="train-start")
                stop = gr.Button(t("stop"), variant="stop", elem_id="train-stop")
            run_id = gr.Textbox(label=t("run_id"), elem_id="train-run-id", max_lines=1)
            watch_pick = gr.Dropdown(choices=run_ids(), value=None, label=t("watch_run"), allow_custom_value=True,
                                     elem_id="train-watch")
        with gr.Column(scale=2):
            status = gr.Markdown(t("no_run"), elem_id="train-status")
            sample = gr.Image(label=t("live_samples"), type="pil", format="png", interactive=False,
                              height=380, elem_id="train-sample", elem_classes=["pixelated", "fill"])
            with gr.Row():
                # No fixed height: with one, Gradio's plot cuts off its own legend.
                loss_plot = gr.LinePlot(x="step", y="value", color="curve", label=t("losses"),
                                        elem_id="train-loss-plot")
                score_plot = gr.LinePlot(x="step", y="value", color="curve", label=t("scores"),
                                         elem_id="train-score-plot")
            with gr.Row():
                quality_plot = gr.LinePlot(x="step", y="value", color="curve", label=t("quality"),
                                           elem_id="train-quality-plot")
                with gr.Column():
                    class_plot = gr.BarPlot(x="class", y="share", label=t("class_shares"), y_lim=[0, 1],
                                            visible=False, elem_id="train-class-plot")
                    class_note = gr.Markdown(t("class_shares_note"), visible=False, elem_id="train-class-note")
    with gr.Accordion(t("timeline"), open=False):
        with gr.Row():
            with gr.Column():
                timeline = gr.Slider(0, 1, value=0, step=1, label=t("timeline_slider"), elem_id="train-timeline")
                timeline_caption = gr.Markdown("")
                gif_btn = gr.Button(t("make_gif"), elem_id="train-gif")
                gif_file = gr.File(label=t("gif_file"), interactive=False, elem_id="train-gif-file")
            timeline_img = gr.Image(label=t("timeline_image"), type="pil", format="png", interactive=False,
                                    height=320, elem_id="train-timeline-img", elem_classes=["pixelated", "fill"])
    with gr.Accordion(t("runs"), open=True):
        runs = gr.Dataframe(value=runs_table(), interactive=False, wrap=True, elem_id="train-runs")
    with gr.Accordion(t("raw_status"), open=False):
        with gr.Row():
            status_json = gr.JSON(label="/train_status")
            status_img = gr.Image(label=t("latest_sample"), type="pil", format="png", interactive=False, height=200)
        refresh = gr.Button(t("refresh"), size="sm")
        stop_json = gr.JSON(label="/train_stop")
    with gr.Accordion(t("share"), open=False) as share_panel:
        gr.Markdown(t("share_intro"))
        with gr.Row():
            push_source = gr.Dropdown(choices=push_sources(), value=None, allow_custom_value=True,
                                      label=t("push_source"), elem_id="hub-source")
            repo_id = gr.Textbox(label=t("repo_id"), placeholder="your-name/mnist-dcgan", max_lines=1,
                                 elem_id="hub-repo")
            token = gr.Textbox(label=t("token"), type="password", max_lines=1, elem_id="hub-token")
        with gr.Row():
            private = gr.Checkbox(False, label=t("private_repo"))
            push = gr.Button(t("push"), variant="primary", elem_id="hub-push")
        url = gr.Textbox(label=t("repo_url"), interactive=False, elem_id="hub-url")
        gr.Markdown(t("periodic_intro"))
        with gr.Row():
            every = checked_number(value=10, label=t("push_every"), elem_id="hub-every")
            periodic = gr.Button(t("push_periodic"), elem_id="hub-periodic")
            periodic_stop = gr.Button(t("push_periodic_stop"), elem_id="hub-periodic-stop")
        periodic_note = gr.Markdown("", elem_id="hub-periodic-status")
        push_timer = gr.Timer(5.0, active=False)

    timer = gr.Timer(1.0, active=False)
    seen = gr.State({})
    live_outputs = [status, sample, loss_plot, score_plot, quality_plot, class_plot, class_note, status_json, runs,
                    timeline, timer, seen]

    family.input(family_changed, family, [dataset, lr, batch_size], api_visibility="private")
    dataset.input(dataset_changed, [family, dataset], [lr, batch_size], api_visibility="private")
    # In lecture mode only the lecturer starts and stops runs (checked on the server: lecture.guard).
    start.click(lecture.guard(train_start), [family, dataset, steps, batch_size, lr, seed], run_id,
                api_name="train_start", concurrency_limit=None).success(
        watch, run_id, [timer, seen], api_visibility="private").then(
        lambda: gr.Dropdown(choices=run_ids()), None, watch_pick, api_visibility="private")
    stop.click(lecture.guard(train_stop), run_id, stop_json, api_name="train_stop", concurrency_limit=None)
    refresh.click(train_status, run_id, [status_json, status_img], api_name="train_status", concurrency_limit=None)
    timer.tick(live_view, [run_id, seen], live_outputs, api_visibility="private", concurrency_limit=None,
               show_progress="hidden")
    # A list opened and left empty keeps the watched run (and its view).
    watch_pick.input(lambda r: r or gr.skip(), watch_pick, run_id, api_visibility="private").then(
        watch, run_id, [timer, seen], api_visibility="private").then(
        live_view, [run_id, seen], live_outputs, api_visibility="private", show_progress="hidden")
    run_id.submit(watch, run_id, [timer, seen], api_visibility="private")
    timeline.change(timeline_frame, [run_id, timeline], [timeline_img, timeline_caption],
                    api_visibility="private", show_progress="hidden", concurrency_limit=None)
    gif_btn.click(training_gif, run_id, gif_file, api_visibility="private")
    # Opening the panel lists what can be pushed, the watched run first when it is over.
    share_panel.expand(lambda rid: gr.Dropdown(choices=push_sources(), value=rid if rid in push_sources() else None),
                       run_id, push_source, api_visibility="private", show_progress="hidden")
    # Pushes wait on the network, not the CPU: their own small group, never behind a model call.
    push.click(push_to_hub, [push_source, repo_id, token, private], url, api_name="push_to_hub",
               concurrency_id="hub", concurrency_limit=2)
    periodic.click(push_periodically, [run_id, repo_id, token, every, private], periodic_note,
                   api_name="push_periodically", concurrency_id="hub", concurrency_limit=2).success(
        lambda: gr.Timer(active=True), None, push_timer, api_visibility="private")
    push_timer.tick(periodic_status, run_id, [periodic_note, push_timer], api_visibility="private",
                    concurrency_limit=None, show_progress="hidden")
    periodic_stop.click(stop_periodic_push, run_id, periodic_note, api_name="stop_periodic_push",
                        concurrency_limit=None)
    return {"run_id": run_id, "runs": runs, "watch_pick": watch_pick, "timer": timer, "seen": seen,
            "live_outputs": live_outputs, "family": family, "dataset": dataset, "steps": steps,
            "batch_size": batch_size, "lr": lr, "seed": seed, "start": start, "stop": stop}


def on_load():
    """Page load: the runs list, and watch the active run if there is one (visitors share it)."""
    active = registry().active()
    rid = active[0].id if active else ""
    return runs_table(), gr.Dropdown(choices=run_ids()), rid, gr.Timer(active=bool(rid)), {}
