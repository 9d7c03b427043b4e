"""Control: move z to change one feature of the picture, and see what else changes with it.

Pick a model (an unconditional image GAN: dcgan, gan, wgan on MNIST or Fashion), a seed row and a
feature (a class, read by the judge classifier, or the attributes ``thickness`` and ``slant``);
the slider sets how far z moves (``genapp.steer``). The strip shows the walk, one row per image,
from ``generate`` (left) to the steered images (right); the bars show every feature's score before
and after, so entanglement is visible: pushing "thickness" also changes what the judge reads.
``keep others`` adds the course's remedy (see ``genapp/steering.py``).

Endpoint: ``/control`` (docs/API.md): model name, seed, feature, amount, keep_others -> the strip,
the bars (HTML) and the scores (JSON).
"""
from __future__ import annotations

import html
import re

import gradio as gr

from genapp import steering
from genapp.drawing import upscale_for_display
from genapp.images import make_grid, to_pil

from ..common import (
    MODEL_EVENTS,
    UserError,
    as_int,
    as_seed,
    checked_number,
    checked_slider,
    finished_runs,
    load_model,
    pretrained_present,
    tab_intro,
    user_errors,
)
from ..i18n import lang, t, tr

PRETRAINED = ("mnist-dcgan", "fashion-dcgan", "mnist-gan", "mnist-wgan")
MAX_COUNT = 8
DEFAULT_COUNT = 6
AMOUNT_STEP = 0.25


def model_choices() -> list[str]:
    present = [n for n in PRETRAINED if pretrained_present(n)]
    return present + finished_runs(steering.FAMILIES) + [n for n in PRETRAINED if n not in present]


def _steerable(name: str):
    model = load_model(name, fallback_from="latent")
    try:
        steering.check_steerable(model)
    except ValueError as exc:
        raise UserError(f"{name}: {exc}") from None
    return model


def feature_choices(model_name: str) -> list[str]:
    try:
        return steering.features(_steerable(model_name))
    except Exception:  # noqa: BLE001 -- a model that cannot be loaded: the digits, and /control says why
        return [*[str(i) for i in range(10)], *steering.ATTRIBUTES]


def model_changed(model_name: str, feature: str):
    names = feature_choices(model_name)
    return gr.Dropdown(choices=names, value=feature if feature in names else names[0])


def _amount(value) -> float:
    if value is None or isinstance(value, bool):
        raise UserError(f"amount must be a number from {-steering.MAX_AMOUNT:g} to {steering.MAX_AMOUNT:g}.")
    try:
        a = float(value)
    except (TypeError, ValueError):
        raise UserError(f"amount must be a number from {-steering.MAX_AMOUNT:g} to {steering.MAX_AMOUNT:g} "
                        f"(got {str(value)[:40]!r}).") from None
    return a


def _keep(value) -> bool:
    if isinstance(value, bool) or value is None:
        return bool(value)
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0", "yes", "no"):
        return value.strip().lower() in ("true", "1", "yes")
    raise UserError(f"keep_others must be true or false (got {str(value)[:40]!r}).")


# ---------------------------------------------------------------- the bars
_RANGES = {"thickness": (0.0, 0.4), "slant": (-1.0, 1.0)}   # where the attributes of 28 px images lie


def _label(name: str, language: str) -> str:
    return tr(f"ctl_feat_{name}", language) if name in steering.ATTRIBUTES else name


def bars_html(walk: steering.Walk, language: str = "en") -> str:
    """Every feature's score before (grey) and after (colour) the walk, averaged over the row."""
    means = walk.mean_scores()
    others = set(walk.names) - {walk.feature}
    title = tr("ctl_bars_title", language, feature=html.escape(_label(walk.feature, language)),
               amount=f"{walk.amount:+g}")
    title = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", title)   # the table's Markdown bold, in HTML
    rows = []
    for name in walk.names:
        before, after = means[name]["before"], means[name]["after"]
        lo, hi = _RANGES.get(name, (0.0, 1.0))
        pos = [max(0.0, min(1.0, (v - lo) / (hi - lo))) * 100 for v in (before, after)]
        zero = max(0.0, min(1.0, (0.0 - lo) / (hi - lo))) * 100
        moved = "ctl-target" if name == walk.feature else ("ctl-moved" if abs(after - before) > 0.05 * (hi - lo)
                                                          else "")
        fmt = (lambda v: f"{100 * v:.0f}%") if name not in steering.ATTRIBUTES else (lambda v: f"{v:+.2f}" if
                                                                                     name == "slant" else f"{v:.3f}")
        bar = lambda p, cls: (f'<div class="{cls}" style="left:{min(p, zero):.1f}%;'
                              f'width:{max(abs(p - zero), 0.8):.1f}%"></div>')
        rows.append(
            f'<div class="ctl-row {moved}" data-feature="{html.escape(name)}" data-before="{before:.4f}" '
            f'data-after="{after:.4f}"><span class="ctl-name">{html.escape(_label(name, language))}</span>'
            f'<div class="ctl-track">{bar(pos[0], "ctl-before")}{bar(pos[1], "ctl-after")}</div>'
            f'<span class="ctl-val">{fmt(before)} → {fmt(after)}</span></div>')
    legend = tr("ctl_bars_legend", language)
    kept = tr("ctl_kept" if walk.keep_others else "ctl_not_kept", language)
    changed = sum(1 for n in others if abs(means[n]["after"] - means[n]["before"]) >
                  0.05 * (_RANGES.get(n, (0.0, 1.0))[1] - _RANGES.get(n, (0.0, 1.0))[0]))
    summary = tr("ctl_changed", language, n=changed, total=len(others))
    return (f'<div class="ctl-bars"><p class="ctl-title">{title}</p><p class="ctl-legend">{legend} {kept}</p>'
            f'{"".join(rows)}<p class="ctl-summary">{summary}</p></div>')


CSS = """
.ctl-bars { font-size: 0.9em; }
.ctl-bars p { margin: 2px 0 6px 0; }
.ctl-row { display: flex; align-items: center; gap: 8px; margin: 3px 0; }
.ctl-name { width: 7.5em; text-align: right; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.ctl-track { position: relative; flex: 1; height: 14px; background: var(--block-background-fill);
             border: 1px solid var(--border-color-primary); border-radius: 3px; min-width: 60px; }
.ctl-before, .ctl-after { position: absolute; border-radius: 2px; }
.ctl-before { top: 0; height: 6px; background: #9ca3af; }
.ctl-after { bottom: 0; height: 7px; background: #7c3aed; }
.ctl-val { width: 8.5em; font-variant-numeric: tabular-nums; white-space: nowrap; }
.ctl-target .ctl-name { font-weight: 700; }
.ctl-moved .ctl-after { background: #f59e0b; }
.ctl-legend { color: var(--body-text-color-subdued); }
"""


# ---------------------------------------------------------------- the endpoint
@user_errors
def control(model_name: str, seed, feature: str, amount, keep_others=False, count=DEFAULT_COUNT):
    """Steer ``count`` images of ``seed`` (1-8, default 6) toward ``feature`` by ``amount`` (-3 to 3; 0: as
    generated): (the strip of the walk, one row per image, 8 columns from the start to the steered
    image; every feature's score before and after as bars (HTML); the same scores as JSON)."""
    seed = as_seed(seed)
    count = as_int(count, "count", 1, MAX_COUNT)
    amount = _amount(amount)
    keep = _keep(keep_others)
    model = _steerable(model_name)
    walk = steering.steer_walk(model, count, seed, feature, amount, keep_others=keep)
    frames = walk.images.shape[0]
    tiles = walk.images.transpose(0, 1).reshape(-1, *walk.images.shape[2:])   # row per image, column per step
    strip = upscale_for_display(to_pil(make_grid(tiles, nrow=frames)), 640)
    scores = {"model": str(model_name), "seed": seed, "feature": walk.feature, "amount": amount, "keep_others": keep,
              "frames": frames, "scores": {n: {k: round(v, 4) for k, v in s.items()} for n, s in walk.mean_scores().items()},
              "per_image": {"before": walk.before, "after": walk.after}}
    return strip, bars_html(walk, lang()), scores


def build() -> dict:
    choices = model_choices()
    default = choices[0] if choices else PRETRAINED[0]
    names = feature_choices(default)
    with gr.Row():
        model = gr.Dropdown(choices=choices, value=default, allow_custom_value=True, label=t("model"),
                            info=t("model_info"), elem_id="control-model", scale=2)
        tab_intro(t("ctl_intro"))
    with gr.Row():
        with gr.Column(scale=1, min_width=260):
            feature = gr.Dropdown(choices=names, value="7" if "7" in names else names[0], label=t("ctl_feature"),
                                  info=t("ctl_feature_info"), elem_id="control-feature",
                                  allow_custom_value=True)  # another model's classes (API); checked by steer
            amount = checked_slider(-steering.MAX_AMOUNT, steering.MAX_AMOUNT, value=1.0, step=AMOUNT_STEP, label=t("ctl_amount"),
                                    info=t("ctl_amount_info"), elem_id="control-amount")
            keep = gr.Checkbox(value=False, label=t("ctl_keep"), info=t("ctl_keep_info"), elem_id="control-keep")
            with gr.Row():
                seed = checked_number(value=0, precision=0, minimum=0, label=t("seed"), elem_id="control-seed",
                                      min_width=100)
                count = checked_slider(1, MAX_COUNT, value=DEFAULT_COUNT, step=1, label=t("ctl_count"),
                                       elem_id="control-count", min_width=140)
            go = gr.Button(t("ctl_go"), variant="primary", elem_id="control-go")
        with gr.Column(scale=2, min_width=300):
            strip = gr.Image(label=t("ctl_strip"), type="pil", format="png", interactive=False, height=360,
                             elem_id="control-strip", elem_classes=["pixelated", "fill"])
            bars = gr.HTML(elem_id="control-bars", css_template=CSS, js_on_load=None)
    with gr.Accordion(t("ctl_numbers"), open=False):
        numbers = gr.JSON(label=t("ctl_numbers"), elem_id="control-json")
    gr.Markdown(t("ctl_note"))

    inputs, outputs = [model, seed, feature, amount, keep, count], [strip, bars, numbers]
    # The button first puts the picker on a feature the model has (a model chosen a moment ago may not
    # have reset it yet: "7" on a Fashion model), then walks with what it shows; /control stays strict.
    go.click(model_changed, [model, feature], feature, api_visibility="private", show_progress="hidden").then(
        control, inputs, outputs, api_name="control", **MODEL_EVENTS)
    for event in (amount.release, keep.change, feature.change):
        event(control, inputs, outputs, api_visibility="private", trigger_mode="always_last", **MODEL_EVENTS)
    model.change(model_changed, [model, feature], feature, api_visibility="private", show_progress="hidden")
    return {"model": model, "seed": seed, "feature": feature, "amount": amount, "keep": keep, "count": count,
            "strip": strip, "bars": bars, "numbers": numbers, "inputs": inputs, "outputs": outputs, "go": go}


def _first_walk(*args):
    """The walk with the tab's settings, or nothing (a first view never shows an error)."""
    try:
        return control(*args)
    except gr.Error:
        return gr.skip(), gr.skip(), gr.skip()


def wire(demo: gr.Blocks, page, tab: dict) -> None:
    """Opening the tab refreshes its model list and shows a first walk; a link
    (``?tab=control&model=mnist-dcgan&seed=3&feature=7&amount=1.5&keep=1``) fills the settings in and
    shows its walk."""
    from .. import links

    def opened(current_strip, model, seed, feature, amount, keep, count, request: gr.Request):
        # The choices only: the value stays whatever the picker shows when this lands (a model chosen
        # during the first walk, or a link's model that from_link set first, is never put back).
        picker = gr.Dropdown(choices=model_choices())
        linked = links.parse(dict(getattr(request, "query_params", {}) or {})).get("tab") == "control"
        if current_strip is not None or linked:  # a link's walk comes from from_link, with its settings
            return picker, gr.skip(), gr.skip(), gr.skip()
        return picker, *_first_walk(model, seed, feature, amount, keep, count)

    page.select(opened, [tab["strip"], *tab["inputs"]], [tab["model"], *tab["outputs"]],
                api_visibility="private", show_progress="hidden", **MODEL_EVENTS)

    fields = ("model", "seed", "feature", "amount", "keep")

    def from_link(model, seed, feature, amount, keep, count, request: gr.Request):
        q = links.parse(dict(getattr(request, "query_params", {}) or {}))
        if q.get("tab") != "control":
            return (gr.skip(),) * (len(fields) + 3)
        values = {"model": model, "seed": seed, "feature": feature, "amount": amount, "keep": keep, "count": count}
        values.update({k: q[k] for k in fields if k in q})
        names = feature_choices(values["model"])
        if values["feature"] not in names:
            values["feature"] = names[0]
        ups = [values["model"], values["seed"], gr.Dropdown(choices=names, value=values["feature"]),
               values["amount"], values["keep"]]
        return (*ups, *_first_walk(*[values[k] for k in ("model", "seed", "feature", "amount", "keep", "count")]))

    demo.load(from_link, tab["inputs"], [tab[k] for k in fields] + tab["outputs"], api_visibility="private",
              show_progress="hidden", **MODEL_EVENTS)
