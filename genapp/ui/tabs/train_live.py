"""The Train tab's live view of a run: its status line, loss / D(x) / quality curves, class-share
chart, sample grid, timeline and GIF -- each read from the registry, so any number of visitors can
watch the same run. Each family's declarations (``loss_names``, ``has_discriminator``,
``class_share_chart``, ``preview_rows``, ``live_note``) choose its panels."""
from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import gradio as gr
import pandas as pd
from PIL import Image, ImageDraw

from genapp.checkpoints import atomic_write_bytes
from genapp.images import gif_bytes
from genapp.models import model_class
from genapp.runs import ACTIVE, Run, registry

from ..common import (
    PLAIN_NAME,
    UserError,
    user_errors,
)
from ..i18n import SERVER_EN, axis_titles, phrase, t, tr
from .autoencoder import label_rows, preview_rows

LOSS_KEYS = ("loss_d", "loss_g", "loss", "recon", "kl", "l1", "cycle", "identity", "gp")
SCORE_KEYS = ("d_x", "d_g_z")
QUALITY_KEYS = ("judge_fid_1k", "modes", "test_nll_1k")  # the headline live number: judged images, the ring, a likelihood
PLOT_POINTS = 300         # curves are thinned to about this many points per series
GIF_FRAMES = 60

log = logging.getLogger("genapp.ui")


def get_run(run_id: str) -> Run:
    run_id = run_id.strip() if isinstance(run_id, str) else ""
    if not run_id:
        raise UserError("No run selected: start one, or pick one from the runs list.")
    if not PLAIN_NAME.match(run_id) or ".." in run_id:  # a name in the runs folder, never a path
        raise UserError(f"{run_id[:80]!r} is not a run id (run ids look like 00012-dcgan-mnist).")
    return registry().get(run_id)


def sample_image(path: str | None) -> Image.Image | None:
    if not path or not Path(path).exists():
        return None
    with Image.open(path) as im:
        return im.convert("RGB")


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
    sample = label_rows(sample_image(sample_path), run.family) if new_sample else skip
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
        # second slowed a watched run on 2 cores (bench/live_view_cost.py).
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
    return label_rows(sample_image(path), run.family), tr("timeline_caption", i=i + 1, n=len(samples), step=f"{step:,}")


def _captioned(img: Image.Image, text: str) -> Image.Image:
    band = 18
    out = Image.new("RGB", (img.width, img.height + band), (255, 255, 255))
    out.paste(img.convert("RGB"), (0, 0))
    ImageDraw.Draw(out).text((4, img.height + 3), text, fill=(20, 20, 20))
    return out


@user_errors
def training_gif(run_id: str) -> str:
    """The saved sample grids of a run as an animated GIF (a file to download)."""
    run = get_run(run_id)
    with run.lock:
        samples = list(run.samples)
    if not samples:
        raise UserError(f"Run {run.id} has no saved samples yet.")
    stride = max(1, -(-len(samples) // GIF_FRAMES))
    picked = samples[::stride]
    if picked[-1] != samples[-1]:
        picked.append(samples[-1])
    frames = [_captioned(label_rows(sample_image(p), run.family), f"step {s:,}")
              for s, p in picked if Path(p).exists()]
    data = gif_bytes(frames, duration_ms=250)
    # One file per run in the temp folder (Gradio serves files from there), replaced atomically.
    folder = Path(tempfile.gettempdir()) / "gan-studio-gifs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{run.id}.gif"
    atomic_write_bytes(path, data, durable=False)
    return str(path)
