"""Lab: GAN training one step at a time, on the toy GANs (``toy1010`` and ``ring``).

Three buttons are the course's three steps -- D on real data, D on fake data, G -- calling the
model's own ``d_step_real`` / ``d_step_fake`` / ``g_step``; *Train 100 steps* calls ``train_step``
100 times; *Reset* rebuilds the model from the seed. After each click the model's ``picture`` --
the pattern bars (toy1010) or the 2-D scatter over D's heatmap (ring) -- is redrawn, and the
step's losses are logged. Which families the Lab runs, and on what batch, is their ``lab_batch``.

The model lives in the visitor's ``gr.State`` (a few kB): nobody else sees it, so the Lab stays
open in lecture mode. Every click is seeded from (seed, click number), so the same seed and the
same clicks give the same pictures -- a student can replay the lecture at home.
"""
from __future__ import annotations

import contextlib
import threading
from typing import Any

import gradio as gr
import pandas as pd
import torch
from PIL import Image

from genapp.data import synthetic_batch
from genapp.images import to_pil
from genapp.models import FAMILIES as ALL_FAMILIES
from genapp.models import build_model, default_family

from ..common import UserError, as_int, user_errors
from ..i18n import axis_titles, phrase, t, tr

FAMILIES = tuple(f for f, cls in ALL_FAMILIES.items() if cls.lab_batch)
LOG_ROWS = 12
LOG_COLUMNS = ["#", "step", "losses", "D(x)", "D(G(z))"]
# Fixed shares of the table's width, the cells wrapping inside them (a ×100 row logs seven
# losses): without them the losses took one line as long as they were, and D(x) and D(G(z))
# ran off a 1280 px projector's page.
LOG_WIDTHS = ["8%", "19%", "35%", "18%", "20%"]
# The plot's x axis counts clicks. Vega-Lite puts about one tick per 40 px, so a short axis
# (0 to 3 clicks) got ticks at 0.5 and a single click a lone "0.000000". An axis of at least
# PLOT_MIN_CLICKS clicks has whole-number ticks on a plot up to 0.7 * 40 * 20 = 1,100 px wide.
PLOT_MIN_CLICKS = 20
CURVE_COLORS = {"D(x)": "#2b8a3e", "D(G(z))": "#9c36b5"}   # green real, purple fake: as in the views
MAX_SEED = 2**31 - 1
ACTIONS = {  # action -> (log label, i18n key of the summary)
    "real": ("① D ← real", "lab_did_real"),
    "fake": ("② D ← fake", "lab_did_fake"),
    "g": ("③ G", "lab_did_g"),
    "train": ("×100 (①②③)", "lab_did_train"),
    "reset": ("reset", "lab_did_reset"),
}
_rng_lock = threading.Lock()


class _Seeded:
    """Run a block with torch's global RNG seeded (models draw z and noise from it), then restore
    it: other threads' training is not disturbed, and a click gives the same result every time.
    The toy nets run on one CPU thread: they gain nothing from more, and on a busy machine
    extra threads only wait for each other (the thread count is per calling thread)."""

    def __init__(self, seed: int):
        self.seed = seed

    def __enter__(self):
        _rng_lock.acquire()
        self._state = torch.get_rng_state()
        self._threads = torch.get_num_threads()
        torch.set_num_threads(1)
        torch.manual_seed(self.seed)

    def __exit__(self, *exc):
        torch.set_rng_state(self._state)
        torch.set_num_threads(self._threads)
        _rng_lock.release()


def new_lab(family: str, seed) -> dict[str, Any]:
    """A fresh lab: the model built from ``seed``, click counter 0, empty log."""
    if family not in FAMILIES:
        raise UserError(f"The Lab runs {' and '.join(FAMILIES)}, not {family!r}.")
    seed = as_int(seed, "seed", 0, MAX_SEED)
    with _Seeded(seed):
        model = build_model(family)
        model.setup_training()
    return {"family": family, "seed": seed, "model": model, "clicks": 0, "steps": 0, "log": [], "scores": [],
            "lock": threading.Lock()}


def _batch(lab: dict) -> dict[str, torch.Tensor]:
    gen = torch.Generator().manual_seed(lab["seed"] * 1_000_003 + lab["clicks"])
    model = lab["model"]
    return synthetic_batch(model.config.dataset, model.lab_batch, gen)


def apply(lab: dict, action: str) -> dict[str, float]:
    """One click: ``action`` is real | fake | g | train. Returns the (last) step's losses."""
    model = lab["model"]
    lab["clicks"] += 1
    with _Seeded(lab["seed"] * 7919 + lab["clicks"]):
        if action == "real":
            losses = model.d_step_real(_batch(lab))
        elif action == "fake":
            losses = model.d_step_fake(_batch(lab))
        elif action == "g":
            losses = model.g_step(_batch(lab))
        elif action == "train":
            gen = torch.Generator().manual_seed(lab["seed"] * 1_000_003 + lab["clicks"])
            for _ in range(100):
                losses = model.train_step(synthetic_batch(model.config.dataset, model.lab_batch, gen))
        else:
            raise UserError(f"Unknown step {action!r}.")
    lab["steps"] += 100 if action == "train" else 1
    return losses


def view(lab: dict) -> Image.Image:
    """The model's picture (pattern bars, or the scatter over D's heatmap) at fixed noise."""
    with _Seeded(0):
        return to_pil(lab["model"].picture())


def d_scores(lab: dict) -> tuple[float, float]:
    """D's mean output on a fixed real batch and on G's samples (probabilities: both are BCE models)."""
    model = lab["model"]
    with torch.inference_mode():
        real = synthetic_batch(model.config.dataset, 256, torch.Generator().manual_seed(1))["x"].to(model.device)
        fake = model.generate(256, seed=model.config_seed).to(model.device)
        return (float(torch.sigmoid(model.discriminate(real, None)).mean()),
                float(torch.sigmoid(model.discriminate(fake, None)).mean()))


def _fmt(losses: dict[str, float], digits: int = 3) -> str:
    return " · ".join(f"{k} = {v:.{digits}f}" for k, v in losses.items())


def _log_frame(lab: dict) -> pd.DataFrame:
    rows = lab["log"][-LOG_ROWS:][::-1]
    headers = {"step": tr("col_action"), "losses": tr("col_losses")}  # in the visitor's language
    return pd.DataFrame(rows, columns=[headers.get(c, c) for c in LOG_COLUMNS])


def _plot_frame(lab: dict) -> pd.DataFrame:
    """D(x) and D(G(z)) after every click: D-steps pull them apart, G-steps lift D(G(z))."""
    rows = [(c, v, name) for c, dx, dgz in lab["scores"] for v, name in ((dx, "D(x)"), (dgz, "D(G(z))"))]
    types = {"click": "int64", "value": "float64", "curve": "str"}
    return pd.DataFrame(rows, columns=list(types)).astype(types)


def _plot(lab: dict):
    """The plot with its x axis from click 0 to at least PLOT_MIN_CLICKS: whole-number ticks."""
    return gr.LinePlot(value=_plot_frame(lab), x_lim=[0, max(lab["clicks"], PLOT_MIN_CLICKS)],
                       **axis_titles("ax_click"))


def _outputs(lab: dict, action: str, losses: dict[str, float] | None):
    dx, dgz = d_scores(lab)
    lab["scores"].append((lab["clicks"], dx, dgz))
    label, key = ACTIONS[action]
    if losses is not None:
        lab["log"].append((lab["clicks"], phrase(label), _fmt(losses, 2), f"{dx:.3f}", f"{dgz:.3f}"))
    extra = f" · {tr('lab_pattern')} = {lab['model'].pattern()}" if lab["model"].target_pattern else ""
    # One translated phrase per string: Gradio's front end translates only the first marker.
    summary = f"**{t(key)}** — {_fmt(losses) if losses else ''}"
    stats = (f"{t('lab_stats')} **{lab['clicks']}** / **{lab['steps']}** · "
             f"D(x) = **{dx:.3f}** · D(G(z)) = **{dgz:.3f}**{extra}")
    return lab, view(lab), summary, stats, _log_frame(lab), _plot(lab)


def _lock(lab: dict | None):
    """The session's lab's lock (nothing to hold before its first model): the buttons are events of
    their own and may run at once, and D and G steps share one model."""
    return lab["lock"] if lab else contextlib.nullcontext()


def _refill(lab: dict | None, family: str, seed) -> dict:
    """A fresh lab from the seed, put into the session's own dict when it has one (under its lock):
    a new dict would be lost when a click that began before ends after, returning the old one."""
    fresh = new_lab(family, seed)
    if not lab:
        return fresh
    lab.update({k: v for k, v in fresh.items() if k != "lock"})
    return lab


@user_errors
def reset(lab: dict | None, family: str, seed):
    """Rebuild the model from the seed; returns (lab, view, summary, stats, log, plot). Pressed
    during *Train 100 steps*, it waits for the training and then wins."""
    with _lock(lab):
        return _outputs(_refill(lab, family, seed), "reset", None)


def init_if_empty(lab: dict | None, family: str, seed):
    """Page load: draw the model the seed gives, unless this session already has one."""
    if lab:
        return (gr.skip(),) * 6
    try:
        return reset(None, family, seed)
    except gr.Error:
        return (gr.skip(),) * 6


def _step(action: str):
    @user_errors
    def handler(lab: dict | None, family: str, seed):
        with _lock(lab):  # one click at a time on one model
            if not lab or lab.get("family") != family:
                lab = _refill(lab, family, seed)  # first click, or the family was switched: start fresh
            return _outputs(lab, action, apply(lab, action))

    handler.__name__ = f"lab_{action}"
    return handler


def build() -> dict:
    gr.Markdown(t("lab_intro"))
    with gr.Row():
        with gr.Column(scale=1, min_width=280):
            family = gr.Radio(list(FAMILIES), value=default_family("lab"), label=t("family"), elem_id="lab-family")
            with gr.Row():
                seed = gr.Number(value=0, precision=0, minimum=0, maximum=MAX_SEED, label=t("seed"),
                                 elem_id="lab-seed")
                reset_btn = gr.Button(t("lab_reset"), elem_id="lab-reset")
            real_btn = gr.Button(t("lab_real"), variant="primary", elem_id="lab-real")
            fake_btn = gr.Button(t("lab_fake"), variant="primary", elem_id="lab-fake")
            g_btn = gr.Button(t("lab_g"), variant="primary", elem_id="lab-g")
            train_btn = gr.Button(t("lab_train"), elem_id="lab-train")
            summary = gr.Markdown(t("lab_start"), elem_id="lab-summary")
            stats = gr.Markdown("", elem_id="lab-stats")
        with gr.Column(scale=2):
            # Gradio draws an image's label over the picture's top-left corner (the first bar, the
            # ring's corner); the caption goes above it instead.
            gr.Markdown(f"**{t('lab_view')}**", elem_id="lab-view-caption")
            image = gr.Image(label=t("lab_view"), show_label=False, type="pil", format="png", interactive=False,
                             height=360, elem_id="lab-view", elem_classes=["fill"], buttons=["download", "fullscreen"])
            plot = gr.LinePlot(x="click", y="value", color="curve", label=t("scores"), elem_id="lab-plot",
                               color_map=CURVE_COLORS, y_lim=[0, 1], x_lim=[0, PLOT_MIN_CLICKS])
    log = gr.Dataframe(headers=LOG_COLUMNS, interactive=False, wrap=True, column_widths=LOG_WIDTHS,
                       label=t("lab_log"), elem_id="lab-log")
    state = gr.State(None)
    outputs = [state, image, summary, stats, log, plot]
    reset_btn.click(reset, [state, family, seed], outputs, api_visibility="private")
    family.input(reset, [state, family, seed], outputs, api_visibility="private")
    for btn, action in ((real_btn, "real"), (fake_btn, "fake"), (g_btn, "g"), (train_btn, "train")):
        btn.click(_step(action), [state, family, seed], outputs, api_visibility="private")
    return {"family": family, "seed": seed, "state": state, "outputs": outputs, "reset": reset_btn}
