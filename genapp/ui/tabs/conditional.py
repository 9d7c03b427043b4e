"""Conditional: a class and a seed -> a grid of that class; "same z, every class" shows one style
carried across all ten classes (the label changes, z does not).

Endpoints: ``/conditional`` (docs/API.md) and ``/every_class``.
"""
from __future__ import annotations

import gradio as gr
from PIL import Image, ImageDraw, ImageFont

from genapp.data import CLASS_NAMES
from genapp.drawing import _font
from genapp.images import make_grid, to_pil

from ..common import (
    MODEL_EVENTS,
    UserError,
    as_int,
    as_seed,
    checked_number,
    checked_slider,
    default_model,
    grid,
    load_model,
    model_choices,
    notice,
    tab_intro,
    user_errors,
)
from ..i18n import t

MAX_COUNT = 64


def class_names_for(model_name: str) -> list[str]:
    """The model's class names; guessed from the name when the model is not installed yet."""
    try:
        return list(load_model(model_name, "conditional").class_names)
    except Exception:  # noqa: BLE001 -- a missing model still gets a sensible picker
        return CLASS_NAMES["fashion" if "fashion" in (model_name or "") else "mnist"]


def label_choices(names: list[str]) -> list[tuple[str, str]]:
    return [(n if n == str(i) else f"{i} · {n}", n) for i, n in enumerate(names)]


@user_errors
def conditional(model_name: str, label, seed, count) -> Image.Image:
    """A grid of ``count`` (1-64) samples of one class: ``label`` is a class index or name (e.g. 3 or "Dress")."""
    seed = as_seed(seed)
    count = as_int(count, "count", 1, MAX_COUNT)
    if label is None or str(label).strip() == "":
        raise UserError("Choose a class (an index such as 3, or a name such as Sneaker).")
    if not isinstance(label, (str, int)) or isinstance(label, bool) or len(str(label)) > 40:
        raise UserError("The class must be an index such as 3 or a name such as Sneaker.")
    model = load_model(model_name, "conditional")
    return grid(model.generate(count, seed=seed, label=str(label)))


@user_errors
def every_class(model_name: str, seed, styles) -> Image.Image:
    """Same z, every class: row i is class i, column j keeps latent z_j (``styles`` columns, 1-10)."""
    seed = as_seed(seed)
    styles = as_int(styles, "styles", 1, 10)
    model = load_model(model_name, "conditional")
    images = model.every_class(seed=seed, per_class=styles)
    return grid_with_row_labels(images, styles, model.class_names)


def grid_with_row_labels(images, nrow: int, labels: list[str], scale: int = 2, pad: int = 2,
                         numbered: bool = True) -> Image.Image:
    """The every-class grid with each row's class written on its left (after the row's number
    when ``numbered`` and the name is not the number itself)."""
    g = to_pil(make_grid(images, nrow, padding=pad), scale)
    h = images.shape[-2]
    font = _font(max(12, int(h * scale * 0.32)))
    texts = [f"{i} {name}" if numbered and name != str(i) else name for i, name in enumerate(labels)]
    widest = max((font.getlength(text) for text in texts), default=0)
    label_w = max(int(h * scale * 3.2), int(widest) + 14)  # the longest label never runs into the grid
    out = Image.new("RGB", (g.width + label_w, g.height), (255, 255, 255))
    out.paste(g.convert("RGB"), (label_w, 0))
    d = ImageDraw.Draw(out)
    centred = isinstance(font, ImageFont.FreeTypeFont)  # the old bitmap font cannot anchor text
    for i, text in enumerate(texts):
        y = (pad + i * (h + pad)) * scale + (h * scale) // 2
        d.text((6, y if centred else y - 6), text, fill=(30, 30, 30), font=font,
               **({"anchor": "lm"} if centred else {}))
    return out


def picked_class(model_name: str, label) -> str:
    """``label`` when it names one of the model's classes (or indexes one), else the model's first
    class. A class picker can lag its model: a new model (chosen, or from a link) updates the picker
    in an event of its own, and what runs before that lands would read "T-shirt/top" for a digit model."""
    names = class_names_for(model_name)
    text = str(label).strip() if isinstance(label, (str, int)) and not isinstance(label, bool) else ""
    return text if text in names or (text.isdigit() and int(text) < len(names)) else names[0]


def first_samples(model_name: str, label, seed, count) -> Image.Image:
    """The tab's first view: :func:`conditional` with a class the model has (:func:`picked_class`)."""
    return conditional(model_name, picked_class(model_name, label), seed, count)


def model_changed(model_name: str):
    names = class_names_for(model_name)
    return gr.Dropdown(choices=label_choices(names), value=names[0])


def build() -> dict:
    start = default_model("conditional")
    names = CLASS_NAMES["fashion" if "fashion" in start else "mnist"]  # no model load at build time
    with gr.Row():
        model = gr.Dropdown(choices=model_choices("conditional"), value=start, allow_custom_value=True,
                            label=t("model"), info=t("model_info"), elem_id="cond-model", scale=2)
        tab_intro(t("cond_intro"))
    missing = gr.Markdown(notice("conditional"), elem_classes=["notice"])
    with gr.Row():
        with gr.Column(scale=1):
            label = gr.Dropdown(choices=label_choices(names), value=names[0], allow_custom_value=True,
                                label=t("class"), elem_id="cond-label")
            seed = checked_number(value=0, precision=0, minimum=0, label=t("seed"))
            count = checked_slider(1, MAX_COUNT, value=16, step=1, label=t("count"))
            gen_btn = gr.Button(t("generate"), variant="primary", elem_id="cond-generate")
            styles = checked_slider(1, 10, value=8, step=1, label=t("styles"))
            every_btn = gr.Button(t("every_class"), elem_id="cond-every")
        out = gr.Image(label=t("samples"), type="pil", format="png", interactive=False, height=460,
                       elem_id="cond-out", elem_classes=["pixelated", "fill"], scale=2)

    model.change(model_changed, model, label, api_visibility="private")
    # The button first puts the picker on a class the model has (a model chosen a moment ago may not
    # have reset it yet), then draws with what the picker shows; /conditional itself stays strict.
    gen = gen_btn.click(picked_class, [model, label], label, api_visibility="private", show_progress="hidden")
    gen.then(conditional, [model, label, seed, count], out, api_name="conditional", **MODEL_EVENTS)
    every_btn.click(every_class, [model, seed, styles], out, api_name="every_class", **MODEL_EVENTS)
    return {"model": model, "notice": missing, "first": (first_samples, [model, label, seed, count], [out]),
            "first_stops": [gen_btn.click, every_btn.click, model.input]}
