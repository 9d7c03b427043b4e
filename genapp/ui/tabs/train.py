"""Train (live): start a run, watch it learn, scrub its history, download it as a GIF, share it.

A run is a background thread in the process-wide registry (``genapp.runs``); this tab only
starts, stops and *reads* runs, so any number of visitors can watch the same one. A ``gr.Timer``
polls once a second while a run is being watched, and each tick sends only what changed (the
sample grid when a new one is saved, the curves when new steps came in).

Endpoints: ``/train_start``, ``/train_status``, ``/train_stop``, ``/push_to_hub`` (DESIGN.md), and
``/push_periodically`` / ``/stop_periodic_push`` for a run still training.

The Hub panel pushes with ``genapp.hub``: the visitor's token (a password field), or the server's
only where its owner set ``GENAPP_ALLOW_SERVER_TOKEN=1`` (``hub.resolve_token``). The token lives in
memory for the push only: it is never logged, put in a message, written to a run folder or returned.
"""
from __future__ import annotations

import logging
import math
import os
import tempfile
import threading
from pathlib import Path

import gradio as gr
import pandas as pd
from PIL import Image, ImageDraw

from genapp import api, hub
from genapp.checkpoints import WEIGHTS_NAME, safe_child
from genapp.images import gif_bytes
from genapp.models import FAMILIES, model_class
from genapp.runs import ACTIVE, MAX_SEED, Run, RunSpec, check_settings, limits, registry

from .. import lecture
from ..common import (
    PLAIN_NAME,
    UserError,
    checked_number,
    pretrained_present,
    user_errors,
)
from ..tabs.autoencoder import label_rows, preview_rows
from ..i18n import SERVER_EN, axis_titles, phrase, t, tr

LOSS_KEYS = ("loss_d", "loss_g", "loss", "recon", "kl", "l1", "cycle", "identity", "gp")
SCORE_KEYS = ("d_x", "d_g_z")
QUALITY_KEYS = ("judge_fid_1k", "modes")  # the headline live number: judged images, the ring
PLOT_POINTS = 300         # curves are thinned to about this many points per series
GIF_FRAMES = 60
MIN_PUSH_MINUTES = 5.0    # periodic Hub pushes at most this often: a commit per checkpoint would flood the repo
MAX_PUSH_MINUTES = 24 * 60

log = logging.getLogger("genapp.ui")


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


def _run(run_id: str) -> Run:
    run_id = run_id.strip() if isinstance(run_id, str) else ""
    if not run_id:
        raise UserError("No run selected: start one, or pick one from the runs list.")
    if not PLAIN_NAME.match(run_id) or ".." in run_id:  # a name in the runs folder, never a path
        raise UserError(f"{run_id[:80]!r} is not a run id (run ids look like 00012-dcgan-mnist).")
    return registry().get(run_id)


def _sample_image(path: str | None) -> Image.Image | None:
    if not path or not Path(path).exists():
        return None
    with Image.open(path) as im:
        return im.convert("RGB")


@user_errors
def train_status(run_id: str) -> tuple[dict, Image.Image | None]:
    """The run's status (JSON: status, step, images/s, ETA, recent losses, metrics) and its latest sample grid."""
    run = _run(run_id)
    snap = run.snapshot(n_losses=50)
    return snap, _sample_image(run.latest_sample())


@user_errors
def train_stop(run_id: str) -> dict:
    """Ask a run to stop (it saves a checkpoint first); returns its status."""
    run = _run(run_id)
    if run.status in ACTIVE:
        # A running run stops within one step; wait for it. A queued one just never starts.
        registry().stop(run.id, timeout=10.0 if run.status == "running" else None)
    snap = run.snapshot(n_losses=1)  # the last losses only (n_losses=0 would mean all of them)
    snap["stop_requested"] = True
    return snap


# ---------------------------------------------------------------- the Hub panel
_pushers: dict[str, hub.PeriodicPusher] = {}   # run id -> its periodic pusher (the token lives only in there)
_push_notes: dict[str, str] = {}               # run id -> how its periodic push ended, for the status line
_pushers_lock = threading.Lock()


def push_sources() -> list[str]:
    """What the Hub panel can push: runs that are over (newest first), then installed pretrained models."""
    runs = [r.id for r in reversed(registry().list())
            if r.status not in ACTIVE and (r.folder / WEIGHTS_NAME).is_file()]
    return runs + [n for n in api.PRETRAINED_NAMES if pretrained_present(n)]


def _push_folder(name: str) -> Path:
    """The folder to push for a run id or a pretrained name (looked up by name, never a path)."""
    name = name.strip() if isinstance(name, str) else ""
    if not name:
        raise UserError("Choose what to push: a finished run or a pretrained model.")
    if not PLAIN_NAME.match(name) or ".." in name:
        raise UserError(f"{name[:80]!r} is not a run id or a pretrained model name.")
    try:
        run = registry().get(name)
    except KeyError:
        run = None
    if run is not None:
        if run.status in ACTIVE:
            raise UserError(f"Run {run.id} is still {run.status}; wait for it to finish or stop it first "
                            f"(or push it periodically while it trains, below).")
        return run.folder
    folder = safe_child(api.pretrained_dir(), name)
    if not (folder / WEIGHTS_NAME).is_file():
        raise UserError(f"No finished run or installed pretrained model called {name!r}.")
    return folder


def _token_not_elsewhere(token, *fields) -> None:
    """A token pasted into the wrong field must not come back in a message that quotes the field."""
    token = token.strip() if isinstance(token, str) else ""
    for field in fields:
        text = field.strip() if isinstance(field, str) else ""
        if (token and token in text) or text.startswith("hf_"):
            raise UserError("That looks like an access token in the wrong field: the token goes in the token "
                            "field (it is hidden there), the repo id is owner/name.")


def _push_failed(exc: Exception, repo_id: str) -> UserError:
    """An unexpected failure, told without its text (which could quote a request, token included)."""
    log.error("push to %s failed: %s", repo_id, type(exc).__name__)
    return UserError(f"The push to {repo_id} failed ({type(exc).__name__}); the model stays on this server. "
                     f"Try again in a minute.")


@user_errors
def push_to_hub(run_id: str, repo_id: str, token: str, private: bool = False, progress=gr.Progress()) -> str:
    """Push a finished run or a pretrained model (config.json, model.safetensors, a model card and a
    sample grid) to the Hub repo ``repo_id``; returns the repo URL.

    ``token``: the visitor's write token. Without one, the server's own token is used only when the
    owner allows it (GENAPP_ALLOW_SERVER_TOKEN=1), so a visitor of a public Space cannot push with
    the owner's account. The token is not stored, logged or returned.
    """
    _token_not_elsewhere(token, run_id, repo_id)
    folder = _push_folder(run_id)
    name = folder.name

    def report(fraction: float, message: str) -> None:  # hub.push's stages -> the progress bar
        progress(fraction, desc=message.replace(str(folder), name))

    try:
        return hub.push(folder, repo_id, token if isinstance(token, str) else None, private=bool(private),
                        progress=report)
    except hub.HubError:
        raise  # its messages are written for the visitor, tokens redacted
    except Exception as exc:  # noqa: BLE001
        raise _push_failed(exc, str(repo_id)[:100]) from None


def _minutes(value) -> float:
    try:
        minutes = float(value)
    except (TypeError, ValueError):
        raise UserError(f"Push every: give a number of minutes, e.g. 10 (got {str(value)[:20]!r}).") from None
    if not math.isfinite(minutes) or not MIN_PUSH_MINUTES <= minutes <= MAX_PUSH_MINUTES:
        raise UserError(f"Push every: between {MIN_PUSH_MINUTES:g} and {MAX_PUSH_MINUTES} minutes (got {value}); "
                        f"more often would fill the repo with commits.")
    return minutes


def _stop_with_run(run: Run, pusher: hub.PeriodicPusher) -> None:
    """Wait for the run to end, then stop its pusher (with a last push of the final weights)."""
    while run.status in ACTIVE:
        if run.thread is not None:
            run.thread.join(2.0)
        else:
            threading.Event().wait(2.0)
        with _pushers_lock:
            if _pushers.get(run.id) is not pusher:
                return  # stopped or replaced by a visitor
    with _pushers_lock:
        if _pushers.get(run.id) is not pusher:
            return
        del _pushers[run.id]
    try:
        pusher.stop(final_push=run.status in ("finished", "stopped"))
        note = f"Run {run.id} {run.status}: pushed to {pusher.repo_id} {pusher.pushes} time(s)."
    except hub.HubError as exc:
        note = f"Run {run.id} {run.status}; the last push to {pusher.repo_id} failed: {exc}"
    except Exception as exc:  # noqa: BLE001 -- a thread of ours: say what happened, never the token
        note = f"Run {run.id} {run.status}; the last push to {pusher.repo_id} failed ({type(exc).__name__})."
    log.info("%s", note)
    _push_notes[run.id] = note


@user_errors
def push_periodically(run_id: str, repo_id: str, token: str, every_minutes=10, private: bool = False) -> str:
    """Push a run that is still training every ``every_minutes`` (5 or more), CommitScheduler-style:
    only when its weights changed, never every step; one last push when it ends, then it stops."""
    _token_not_elsewhere(token, run_id, repo_id)
    run = _run(run_id)
    if run.status not in ACTIVE:
        raise UserError(f"Run {run.id} is {run.status}; use Push to the Hub for a run that is over.")
    minutes = _minutes(every_minutes)
    if hub.offline():
        raise hub.HubOffline("Offline mode (HF_HUB_OFFLINE=1): cannot push to the Hub; "
                             "the model stays in its local folder.")
    # Checks the repo id and the token (the same rules as a push) now, not N minutes from now.
    pusher = hub.PeriodicPusher(run.folder, repo_id, token if isinstance(token, str) else None,
                                every_minutes=minutes, private=bool(private))
    with _pushers_lock:
        old = _pushers.get(run.id)
        _pushers[run.id] = pusher
        _push_notes.pop(run.id, None)
    if old is not None:
        old.stop(final_push=False, timeout=10)
    pusher.start()
    threading.Thread(target=_stop_with_run, args=(run, pusher), name=f"hub-push-watch-{run.id}", daemon=True).start()
    return (f"Pushing run {run.id} to {pusher.repo_id} every {minutes:g} minutes while it trains (only when "
            f"its weights changed), and once more when it ends.")


def periodic_status(run_id: str):
    """The Hub panel's timer tick: how the watched run's periodic push is going (and stop ticking after)."""
    rid = run_id.strip() if isinstance(run_id, str) else ""
    with _pushers_lock:
        pusher = _pushers.get(rid)
    if pusher is None:
        return _push_notes.get(rid, gr.skip()), gr.Timer(active=False)
    text = (f"Pushing run {rid} to {pusher.repo_id} every {pusher.interval_s / 60:g} minutes: "
            f"{pusher.pushes} push(es) so far" + (f"; the last try failed: {pusher.last_error}" if pusher.last_error
                                                  else "") + ".")
    return text, gr.Timer(active=True)


@user_errors
def stop_periodic_push(run_id: str) -> str:
    """Stop a run's periodic push (no further commits)."""
    run = _run(run_id)
    with _pushers_lock:
        pusher = _pushers.pop(run.id, None)
    if pusher is None:
        return _push_notes.get(run.id) or f"No periodic push is running for {run.id}."
    pusher.stop(final_push=False, timeout=10)
    return f"Stopped pushing run {run.id} to {pusher.repo_id} (pushed {pusher.pushes} time(s))."


# ---------------------------------------------------------------- the live view
def fmt_seconds(s: float | None) -> str:
    if s is None:
        return "–"
    s = int(round(s))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}h {m:02d}m" if h else (f"{m}m {sec:02d}s" if m else f"{sec}s")


def status_text(status: str) -> str:
    """A run's status ("running", "finished", ...) in the visitor's language."""
    key = f"status_{status}"
    return tr(key) if key in SERVER_EN else status


def status_markdown(snap: dict) -> str:
    # In the visitor's language (i18n.tr); the API's JSON keeps the English status.
    parts = [f"**{status_text(snap['status']).upper()}** · `{snap['run_id']}`",
             tr("st_step", step=f"{snap['step']:,}", total=f"{snap['total_steps']:,}"),
             tr("st_speed", speed=f"{snap['images_per_s']:,.0f}") + (" (bf16)" if snap.get("precision") == "bf16" else ""),
             tr("st_eta", eta=fmt_seconds(snap['eta_s'])),
             *([tr("st_threads", threads=snap['threads'], max_threads=snap['max_threads'])]
               if snap["status"] == "running" and snap.get("max_threads") and snap["threads"] < snap["max_threads"]
               else []),
             tr("st_elapsed", elapsed=fmt_seconds(snap['elapsed_s']))]
    text = " · ".join(parts)
    if snap.get("metrics"):
        text += f"\n\n{tr('st_metrics')} " + ", ".join(f"{k} = {v:.3g}" for k, v in snap["metrics"].items())
    if snap.get("reason"):
        text += f"\n\n{phrase(snap['reason'])}"
    family = snap.get("family", "")
    rows = preview_rows(family)  # declared by the family (ae, dae, vae): its grid's rows, top to bottom
    note = phrase(_family_class(family).live_note if _family_class(family) else "") or (
        tr("st_rows") + " " + " · ".join(phrase(label) if n == 1 else tr("st_n_rows", label=phrase(label), n=n)
                                         for label, n in rows)
        if rows else "")
    if note:
        text += f"\n\n<small>{note}</small>"
    return text


def family_panels(family: str) -> dict:
    """What the live view shows of a ``family``'s runs, as the family declares it; undeclared, a GAN's
    view: D(x) / D(G(z)) (``has_discriminator``), the class-share chart read for mode collapse
    (``class_share_chart``), and its losses under their own names (``loss_names``: key -> meaning)."""
    cls = _family_class(family)
    if cls is None:  # a run folder of a family this version does not have: a GAN's view
        return {"d_scores": True, "class_shares": True, "loss_names": {}}
    return {"d_scores": cls.has_discriminator, "class_shares": cls.class_share_chart,
            "loss_names": dict(cls.loss_names)}


def _family_class(family: str):
    try:
        return model_class(family)
    except ValueError:
        return None


def _thin(points: list) -> list:
    """About PLOT_POINTS of ``points``, evenly spaced, always keeping the last."""
    stride = max(1, len(points) // PLOT_POINTS)
    return points[::stride] + ([points[-1]] if points and (len(points) - 1) % stride else [])


def _curve_frame(rows: list) -> pd.DataFrame:
    # Explicit dtypes: an empty frame would otherwise be all-object, and the plot would take the
    # step axis for categories.
    types = {"step": "int64", "value": "float64", "curve": "str"}
    return pd.DataFrame(rows, columns=list(types)).astype(types)


def curves(run: Run) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Long-format frames (step, value, curve) for the loss plot and the D(x) / D(G(z)) plot."""
    with run.lock:  # the thinned whole-run history, then the recent steps at full detail
        hist, recent = list(run.loss_history), list(run.losses)
    losses = _thin(hist + [x for x in recent if not hist or x[0] > hist[-1][0]])
    names = family_panels(run.family)["loss_names"]  # the legend says what each loss is, where declared
    rows_l, rows_s = [], []
    for step, vals in losses:
        for k in LOSS_KEYS:
            if k in vals:
                rows_l.append((step, float(vals[k]), phrase(names.get(k, k))))
        for k in SCORE_KEYS:
            if k in vals:
                rows_s.append((step, float(vals[k]), {"d_x": "D(x)", "d_g_z": "D(G(z))"}[k]))
    return _curve_frame(rows_l), _curve_frame(rows_s)


def quality_curve(run: Run) -> pd.DataFrame:
    """(step, value, curve) of the run's headline live metric, one point per sample grid."""
    with run.lock:
        hist = _thin(list(run.metrics_history))
    return _curve_frame([(step, float(vals[k]), k) for step, vals in hist for k in QUALITY_KEYS if k in vals])


def class_chart(run: Run) -> pd.DataFrame:
    """(class, share) of the latest grid's 1,000 judged samples; empty where no judge reads them.

    The chart orders its bars by name, so a named class carries its index ("0 T-shirt/top"). Empty
    too for a family whose samples are not read that way (an autoencoder: ``class_share_chart``)."""
    with run.lock:
        shares = run.named_class_shares() if family_panels(run.family)["class_shares"] else None
    types = {"class": "str", "share": "float64"}
    rows = [(name if name == str(i) else f"{i} {name}", v) for i, (name, v) in enumerate(shares.items())] \
        if shares else []
    return pd.DataFrame(rows, columns=list(types)).astype(types)


def class_plot(df: pd.DataFrame) -> gr.BarPlot:
    """A :func:`class_chart` frame as an update of the chart, hidden where there is nothing to show.

    Only the value and visibility change: an update that also changed the axis or the order kept
    drawing the first bars it was given (Gradio 6), so the axis stays 0-1 from the start."""
    return gr.BarPlot(visible=False) if df.empty else \
        gr.BarPlot(value=df, visible=True, **axis_titles("ax_class", "ax_share", None))


def class_plot_update(run: Run):
    """(class chart, its note): both shown, or both hidden."""
    df = class_chart(run)
    return class_plot(df), gr.Markdown(visible=not df.empty)


def runs_table() -> pd.DataFrame:
    rows = [(r.id, r.family, r.dataset, status_text(r.status), f"{r.step:,} / {r.total_steps:,}",
             phrase(r.reason)[:80])
            for r in reversed(registry().list())]
    columns = ["col_run", "col_family", "col_dataset", "col_status", "col_step", "col_note"]
    return pd.DataFrame(rows, columns=[tr(c) for c in columns])


def run_ids() -> list[str]:
    return [r.id for r in reversed(registry().list())]


def family_view(family: str, sample, loss_df: pd.DataFrame, score_df: pd.DataFrame):
    """(sample, loss plot, score plot) updates for a newly watched run of ``family``: its grid named
    for what it shows, its losses' chart titled for its losses, D's scores only where it has a D."""
    panels = family_panels(family)
    image = gr.Image(value=sample, label=t("live_rows") if preview_rows(family) else t("live_samples"))
    loss = gr.LinePlot(value=loss_df if len(loss_df) else None,
                       label=t("losses") if panels["d_scores"] else t("losses_own"), **axis_titles())
    score = gr.LinePlot(value=score_df if len(score_df) else None, visible=True, **axis_titles()) \
        if panels["d_scores"] else gr.LinePlot(visible=False)
    return image, loss, score


def live_view(run_id: str, seen: dict | None):
    """One timer tick: (status, sample, loss plot, score plot, quality plot, class plot, class
    note, JSON, runs, timeline, timer, seen)."""
    seen = dict(seen or {})
    run_id = (run_id or "").strip()
    try:
        run = registry().get(run_id)
    except KeyError:
        return (gr.skip(),) * 10 + (gr.Timer(active=False), seen)
    snap = run.snapshot(n_losses=50)
    skip = gr.skip()
    sample_path = run.latest_sample()
    new_sample = (sample_path, run_id) != (seen.get("sample"), seen.get("run"))
    new_steps = (snap["step"], len(run.losses), run_id) != (seen.get("step"), seen.get("n_losses"), seen.get("run"))
    loss_df, score_df = curves(run) if new_steps else (None, None)
    n = snap["samples"]
    new_samples = n != seen.get("n_samples") or run_id != seen.get("run")
    timeline = gr.Slider(maximum=max(n - 1, 1), value=max(n - 1, 0)) if new_samples else skip
    status_changed = snap["status"] != seen.get("status") or run_id != seen.get("run")
    active = snap["status"] in ACTIVE
    # The live metrics come with each sample grid: the quality curve and class chart follow it.
    # Never an empty frame (a plot drawn first from no rows keeps an empty legend and no line):
    # None clears another run's curve.
    quality = skip
    if new_sample:
        quality_df = quality_curve(run)
        quality = quality_df if len(quality_df) else (None if run_id != seen.get("run") else skip)
    sample = label_rows(_sample_image(sample_path), run.family) if new_sample else skip
    loss = loss_df if new_steps and len(loss_df) else skip
    score = score_df if new_steps and len(score_df) else skip
    if run_id != seen.get("run"):  # a run of another family has other panels, under other names
        sample, loss, score = family_view(run.family, sample, loss_df, score_df)
        if quality is not skip:  # the new run's curve under titles in the visitor's language
            quality = gr.LinePlot(value=quality, **axis_titles())
    out = (
        status_markdown(snap),
        sample,
        loss,
        score,
        quality,
        *(class_plot_update(run) if new_sample else (skip, skip)),
        # The raw JSON (a closed panel) with each grid, not each tick: redrawing its tree every
        # second cost a watched run 14 % of its speed on 2 cores (PERFORMANCE.md, section 12).
        snap if new_sample or status_changed or not active else skip,
        runs_table() if status_changed or new_sample or not active else skip,  # its step column too
        timeline,
        gr.Timer(active=active),
    )
    seen.update(run=run_id, sample=sample_path, step=snap["step"], n_losses=len(run.losses),
                n_samples=n, status=snap["status"])
    return out + (seen,)


def timeline_frame(run_id: str, index) -> tuple[Image.Image | None, str]:
    try:
        run = registry().get((run_id or "").strip())
    except KeyError:
        return None, ""
    with run.lock:
        samples = list(run.samples)
    if not samples:
        return None, ""
    i = max(0, min(len(samples) - 1, int(index or 0)))
    step, path = samples[i]
    return label_rows(_sample_image(path), run.family), tr("timeline_caption", i=i + 1, n=len(samples), step=f"{step:,}")


def _captioned(img: Image.Image, text: str) -> Image.Image:
    band = 18
    out = Image.new("RGB", (img.width, img.height + band), (255, 255, 255))
    out.paste(img.convert("RGB"), (0, 0))
    ImageDraw.Draw(out).text((4, img.height + 3), text, fill=(20, 20, 20))
    return out


@user_errors
def training_gif(run_id: str) -> str:
    """The saved sample grids of a run as an animated GIF (a file to download)."""
    run = _run(run_id)
    with run.lock:
        samples = list(run.samples)
    if not samples:
        raise UserError(f"Run {run.id} has no saved samples yet.")
    stride = max(1, -(-len(samples) // GIF_FRAMES))
    picked = samples[::stride]
    if picked[-1] != samples[-1]:
        picked.append(samples[-1])
    frames = [_captioned(label_rows(_sample_image(p), run.family), f"step {s:,}")
              for s, p in picked if Path(p).exists()]
    data = gif_bytes(frames, duration_ms=250)
    # One file per run in the temp folder (Gradio serves files from there), replaced atomically.
    folder = Path(tempfile.gettempdir()) / "gan-studio-gifs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{run.id}.gif"
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return str(path)


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
            family = gr.Dropdown(list(FAMILIES), value="dcgan", label=t("family"))
            dataset = gr.Dropdown(datasets_for("dcgan"), value="mnist", label=t("dataset"), allow_custom_value=True)
            with gr.Row():
                steps = checked_number(value=1000, precision=0, minimum=1, maximum=limits()["max_steps"], label=t("steps"))
                batch_size = checked_number(value=default_batch("dcgan", "mnist"), precision=0, minimum=1,
                                            maximum=limits()["max_batch"], label=t("batch_size"), elem_id="train-batch")
            with gr.Row():
                lr = checked_number(value=default_lr("dcgan", "mnist"), label=t("lr"), step=0.0001, elem_id="train-lr")
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
    # A list opened and left empty keeps the watched run (it used to clear the run id and stop the view).
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
