"""Latent: sample a grid, walk between two seeds (lerp / slerp), and do z arithmetic.

Works on every model that decodes a latent vector: dcgan, gan, wgan, vae (and ae / dae). The
VAE, trained with a 2-D latent, also draws its whole latent space as a map.

A dcgan trained with a categorical code (InfoGAN, ``--set codes=10``, as the shipped mnist-dcgan)
also shows its code: one row per category, with what the judge classifier sees in it.

Endpoints: ``/generate``, ``/interpolate``, ``/arithmetic`` (docs/API.md), ``/latent_map`` and
``/categories``.
"""
from __future__ import annotations

import weakref

import gradio as gr
import torch
from PIL import Image

from genapp import latent
from genapp.checkpoints import atomic_write_bytes
from genapp.drawing import labelled_row, upscale_for_display
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
    resolve_model,
    tab_intro,
    user_errors,
)
from ..i18n import t
from .conditional import grid_with_row_labels

MAX_COUNT = 64
MAX_STEPS = 16
# The arithmetic demo's default seeds, picked on the shipped mnist-dcgan with its judge classifier
# (genapp.metrics): A = three thin 7s, B = three thin 1s, C = three thick 1s. Each mean is read
# as its digit (7, 1, 1: p >= 0.999) and A - B + C as a 7 (p = 0.999) with 3.7x A's ink: taking a
# thin 1 away and adding a thick one turns the thin 7 into a thick 7, its class no longer C's.
ARITH_SEEDS = ("319, 1202, 2708", "927, 985, 1760", "273, 2460, 2583")
# Drawn on the image by Pillow's bundled font, which has no U+2212 (minus sign) nor U+2013: it drew
# a box ("tofu"), so the caption uses the ASCII hyphen-minus, a glyph the font has.
ARITH_LABELS = ("mean A", "mean B", "mean C", "A - B + C")


def _latent_model(name: str):
    model = load_model(name, fallback_from="latent")
    if not model.has_latent or model.kind != "image" or model.conditional:
        raise UserError(f"{name} is a {model.family} model, which has no latent space to walk here; "
                        f"use a dcgan, gan, wgan or vae model (cgan: see the Conditional tab).")
    latent.latent_dim(model)
    return model


@user_errors
def generate(model_name: str, seed, count) -> Image.Image:
    """A grid of ``count`` samples (1-64) from ``model_name`` with ``seed`` (same seed, same grid)."""
    seed = as_seed(seed)
    count = as_int(count, "count", 1, MAX_COUNT)
    model = load_model(model_name, fallback_from="latent")
    if model.kind == "translation":
        raise UserError(f"{model_name} translates images ({model.family}); use /sketch_to_shoe or /horse_to_zebra.")
    picture = model.picture(count, seed)  # a toy's samples are a pattern or points, not images
    if picture is not None:
        return to_pil(picture)
    return grid(model.generate(count, seed=seed))


@user_errors
def interpolate(model_name: str, seed_a, seed_b, steps, method: str) -> Image.Image:
    """A strip of ``steps`` images (2-16) walking from seed_a's z to seed_b's z by ``method`` (slerp or lerp)."""
    seed_a, seed_b = as_seed(seed_a, "seed A"), as_seed(seed_b, "seed B")
    steps = as_int(steps, "steps", 2, MAX_STEPS)
    method = (method or "slerp").strip().lower()
    if method not in latent.METHODS:
        raise UserError(f"method must be slerp or lerp (got {method!r}).")
    model = _latent_model(model_name)
    z = latent.interpolate(latent.z_from_seed(model, seed_a), latent.z_from_seed(model, seed_b), steps, method)
    return grid(model.decode(z), nrow=steps)


GIF_FRAMES = 24   # per direction: smooth enough to project, small enough to share


@user_errors
def interpolation_gif(model_name: str, seed_a, seed_b, method: str) -> str:
    """The walk from seed A to seed B and back as an animated GIF (a file to download)."""
    import tempfile
    from pathlib import Path

    from genapp.images import gif_bytes

    seed_a, seed_b = as_seed(seed_a, "seed A"), as_seed(seed_b, "seed B")
    method = (method or "slerp").strip().lower()
    if method not in latent.METHODS:
        raise UserError(f"method must be slerp or lerp (got {method!r}).")
    model = _latent_model(model_name)
    z = latent.interpolate(latent.z_from_seed(model, seed_a), latent.z_from_seed(model, seed_b), GIF_FRAMES, method)
    frames = [upscale_for_display(to_pil(x), 224) for x in model.decode(z)]
    frames = frames + frames[-2:0:-1]  # there and back: the GIF loops without a jump
    folder = Path(tempfile.gettempdir()) / "gan-studio-gifs"
    folder.mkdir(parents=True, exist_ok=True)
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in str(model_name))[:60]
    path = folder / f"walk-{safe}-{seed_a}-{seed_b}-{method}.gif"
    atomic_write_bytes(path, gif_bytes([f.convert("RGB") for f in frames], duration_ms=80), durable=False)
    return str(path)


@user_errors
def arithmetic(model_name: str, seeds_a: str, seeds_b: str, seeds_c: str) -> Image.Image:
    """mean z(A) − mean z(B) + mean z(C): an image of [mean A, mean B, mean C, A − B + C].

    Seeds are comma-separated integers, e.g. "1, 2, 3" (the DCGAN paper averages three per concept).
    """
    for text, name in ((seeds_a, "seeds A"), (seeds_b, "seeds B"), (seeds_c, "seeds C")):
        if len(str(text or "")) > 400:  # 16 seeds at most anyway; do not echo a novel back
            raise UserError(f"{name} is too long: give up to 16 comma-separated integers, e.g. 1, 2, 3.")
    a = latent.parse_seeds(seeds_a, "seeds A")
    b = latent.parse_seeds(seeds_b, "seeds B")
    c = latent.parse_seeds(seeds_c, "seeds C")
    model = _latent_model(model_name)
    za, zb, zc = latent.mean_z(model, a), latent.mean_z(model, b), latent.mean_z(model, c)
    images = model.decode(torch.stack([za, zb, zc, latent.arithmetic(za, zb, zc)]))
    return labelled_row([to_pil(x) for x in images], list(ARITH_LABELS))


@user_errors
def latent_map(model_name: str, size) -> Image.Image:
    """A VAE's 2-D latent space: a size x size grid decoded from evenly spaced z (first two dimensions)."""
    size = as_int(size, "size", 3, 30)
    model = load_model(model_name, fallback_from="latent")
    if not hasattr(model, "latent_map"):
        raise UserError(f"{model_name} is a {model.family} model; the latent map needs a vae.")
    return upscale_for_display(to_pil(make_grid(model.latent_map(size), nrow=size, padding=0)), 512)


# ---------------------------------------------------------------- what the chosen model can do
def capabilities(model_name: str) -> dict[str, bool] | None:
    """Which of the tab's controls apply to ``model_name``, from what its family declares and its
    config.json (no weights loaded): ``walk`` (interpolation and arithmetic: an unconditional image
    model with a latent vector), ``map`` (a 2-D latent map: a family with ``latent_map``, the VAE)
    and ``codes`` (InfoGAN categories: a config with ``codes``). None when the model cannot be
    found: its controls stay as they are, and using one says what is missing."""
    import json

    from genapp.checkpoints import CONFIG_NAME
    from genapp.models import model_class

    try:
        folder, _ = resolve_model(model_name, "latent")
        config = json.loads((folder / CONFIG_NAME).read_text())
        cls = model_class(config.get("family"), config.get("dataset"))
    except Exception:  # noqa: BLE001 -- missing, unreadable or unknown: nothing to decide from
        return None
    walk = bool(cls.has_latent and cls.kind == "image" and not cls.conditional)
    codes = config.get("codes", 0)
    return {"walk": walk, "map": walk and callable(getattr(cls, "latent_map", None)),
            "codes": walk and isinstance(codes, int) and codes > 1}


def controls(model_name: str) -> tuple:
    """The tab's model-dependent controls for ``model_name``: the latent map's controls shown only
    for a model that has one (its note otherwise), and the buttons a model cannot use disabled,
    with the reason beside them. Outputs: see :func:`build` (``controls_outputs``)."""
    caps = capabilities(model_name)
    if caps is None:
        return (gr.skip(),) * 8
    return (gr.Column(visible=caps["map"]), gr.Markdown(visible=not caps["map"]),
            gr.Button(interactive=caps["walk"]), gr.Markdown(visible=not caps["walk"]),
            gr.Button(interactive=caps["walk"]), gr.Markdown(visible=not caps["walk"]),
            gr.Button(interactive=caps["codes"]), gr.Markdown(visible=not caps["codes"]))


MAX_COLUMNS = 10
_CATEGORY_NAMES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # model -> the judge's reading


def _category_labels(model) -> list[str]:
    """'code i = class (share%)' per category, from the judge (computed once per loaded model);
    'code i' alone when no judge is installed for the dataset."""
    from genapp import metrics

    if model not in _CATEGORY_NAMES:
        try:
            _CATEGORY_NAMES[model] = metrics.category_names(model)
        except (FileNotFoundError, ValueError):
            _CATEGORY_NAMES[model] = None
    names = _CATEGORY_NAMES[model]
    if not names:
        return [f"code {i}" for i in range(model.codes)]
    return [f"code {i} = {n['class']} ({round(100 * n['share'])}%)" for i, n in enumerate(names)]


@user_errors
def categories(model_name: str, seed, columns) -> Image.Image:
    """InfoGAN's figure: row i sets the code to category i, column j keeps the same rest of z
    (``columns`` of them, 1-10, from ``seed``). Rows are labelled with the class the judge reads most
    often in that category and how often (over 100 samples)."""
    seed = as_seed(seed)
    columns = as_int(columns, "columns", 1, MAX_COLUMNS)
    model = _latent_model(model_name)
    if not getattr(model, "codes", 0):
        raise UserError(f"{model_name} has no categorical code: only a dcgan trained with one has categories "
                        f"(InfoGAN: python -m train dcgan --set codes=10, as the shipped mnist-dcgan).")
    return grid_with_row_labels(model.every_category(seed=seed, per_category=columns), columns,
                                _category_labels(model), numbered=False)


def build() -> dict:
    with gr.Row():
        model = gr.Dropdown(choices=model_choices("latent"), value=default_model("latent"), allow_custom_value=True,
                            label=t("model"), info=t("model_info"), elem_id="latent-model", scale=2)
        tab_intro(t("latent_intro"))
    missing = gr.Markdown(notice("latent"), elem_classes=["notice"])
    with gr.Tab(t("sample")):
        with gr.Row():
            with gr.Column(scale=1):
                seed = checked_number(value=0, precision=0, minimum=0, label=t("seed"))
                count = checked_slider(1, MAX_COUNT, value=16, step=1, label=t("count"))
                gen_btn = gr.Button(t("generate"), variant="primary", elem_id="latent-generate")
                # Offered only for a model that has a latent map (a VAE); a note says so otherwise.
                start = capabilities(default_model("latent")) or {"walk": True, "map": True, "codes": True}
                with gr.Column(visible=start["map"], elem_id="latent-map-controls") as map_controls:
                    gr.Markdown(t("vae_map_intro"))
                    map_size = checked_slider(3, 30, value=15, step=1, label=t("map_size"))
                    map_btn = gr.Button(t("latent_map"), elem_id="latent-map")
                map_why = gr.Markdown(t("latent_map_why"), visible=not start["map"], elem_id="latent-map-why")
            gen_out = gr.Image(label=t("samples"), type="pil", format="png", interactive=False, height=420,
                               elem_id="latent-generate-out", elem_classes=["pixelated", "fill"], scale=2)
    with gr.Tab(t("interpolation")):
        with gr.Row():
            seed_a = checked_number(value=1, precision=0, minimum=0, label=t("seed_a"))
            seed_b = checked_number(value=2, precision=0, minimum=0, label=t("seed_b"))
            steps = checked_slider(2, MAX_STEPS, value=8, step=1, label=t("interp_steps"))
            method = gr.Radio(list(latent.METHODS), value="slerp", label=t("method"))
        interp_btn = gr.Button(t("interpolate"), variant="primary", elem_id="latent-interpolate",
                               interactive=start["walk"])
        interp_why = gr.Markdown(t("latent_walk_why"), visible=not start["walk"], elem_id="latent-interpolate-why")
        interp_out = gr.Image(label=t("strip"), type="pil", format="png", interactive=False, height=200,
                              elem_id="latent-interpolate-out", elem_classes=["pixelated", "fill"])
        gr.Markdown(t("interp_note"))
        with gr.Row():  # export the walk (teaching layer)
            gif_btn = gr.Button(t("walk_gif"), elem_id="latent-gif", size="sm")
            gif_file = gr.File(label=t("walk_gif_file"), interactive=False, elem_id="latent-gif-file")
    with gr.Tab(t("arithmetic")):
        gr.Markdown(t("arith_intro"))
        with gr.Row():
            seeds_a = gr.Textbox(value=ARITH_SEEDS[0], label=t("seeds_a"), max_lines=1)
            seeds_b = gr.Textbox(value=ARITH_SEEDS[1], label=t("seeds_b"), max_lines=1)
            seeds_c = gr.Textbox(value=ARITH_SEEDS[2], label=t("seeds_c"), max_lines=1)
        arith_btn = gr.Button(t("compute"), variant="primary", elem_id="latent-arithmetic", interactive=start["walk"])
        arith_why = gr.Markdown(t("latent_walk_why"), visible=not start["walk"], elem_id="latent-arithmetic-why")
        arith_out = gr.Image(label=t("arith_result"), type="pil", format="png", interactive=False, height=240,
                             elem_id="latent-arithmetic-out", elem_classes=["pixelated", "fill"])
        gr.Markdown(t("arith_explain"), elem_id="latent-arithmetic-explain")

    with gr.Tab(t("codes_tab")):
        gr.Markdown(t("codes_intro"))
        with gr.Row():
            code_seed = checked_number(value=0, precision=0, minimum=0, label=t("seed"))
            code_columns = checked_slider(1, MAX_COLUMNS, value=8, step=1, label=t("styles"))
        codes_btn = gr.Button(t("codes_show"), variant="primary", elem_id="latent-categories",
                              interactive=start["codes"])
        codes_why = gr.Markdown(t("codes_why"), visible=not start["codes"], elem_id="latent-categories-why")
        codes_out = gr.Image(label=t("codes_out"), show_label=False, type="pil", format="png", interactive=False,
                             height=480, elem_id="latent-categories-out", elem_classes=["pixelated", "fill"])

    # Any new model (picked, typed, restored from a link or refreshed on load) sets what is offered.
    model.change(controls, model, [map_controls, map_why, interp_btn, interp_why, arith_btn, arith_why, codes_btn,
                                   codes_why], api_visibility="private", show_progress="hidden")
    gen_btn.click(generate, [model, seed, count], gen_out, api_name="generate", **MODEL_EVENTS)
    map_btn.click(latent_map, [model, map_size], gen_out, api_name="latent_map", **MODEL_EVENTS)
    interp_btn.click(interpolate, [model, seed_a, seed_b, steps, method], interp_out, api_name="interpolate",
                     **MODEL_EVENTS)
    arith_btn.click(arithmetic, [model, seeds_a, seeds_b, seeds_c], arith_out, api_name="arithmetic", **MODEL_EVENTS)
    gif_btn.click(interpolation_gif, [model, seed_a, seed_b, method], gif_file, api_name="interpolation_gif",
                  **MODEL_EVENTS)
    codes_btn.click(categories, [model, code_seed, code_columns], codes_out, api_name="categories", **MODEL_EVENTS)
    return {"model": model, "notice": missing, "seed": seed, "count": count, "seed_a": seed_a, "seed_b": seed_b,
            "steps": steps, "method": method, "first": (generate, [model, seed, count], [gen_out]),
            "first_stops": [gen_btn.click, map_btn.click, model.input]}
