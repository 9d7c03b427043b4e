"""PixelCNN: the course's explicit density, p(x) = prod_i p(x_i | x_<i), seen four ways.

* **Draw pixel by pixel**: samples drawn in raster order; the first one as an animation with the
  pixel being drawn and its receptive field (``pixelcnn_pictures``).
* **Complete a digit**: keep the top rows of a test digit, a drawing or an upload and sample the
  rest several times.
* **Compare likelihoods**: the exact -log p(x) of a real digit, the digit shifted or with pixels
  flipped, a GAN's sample and noise (``pixelcnn_likelihood``): a GAN gives no likelihood.
* **Blind spot**: one pixel's receptive field in the plain masked stack beside the gated stacks'
  (``pixelcnn_blind_spot``).

Endpoints (the app API): ``/pixelcnn_sample`` (model, seed, count -> the grid and the animation) and
``/pixelcnn_complete`` (model, image, rows, seed, count, index -> the sheet); also
``/pixelcnn_likelihoods`` (model, index, seed -> the images with their bars, and the numbers) and
``/pixelcnn_blind_spot`` (layers, kernel, row, col -> the two fields and a sentence).
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import threading
import weakref
from pathlib import Path

import gradio as gr
import torch
from PIL import Image

from genapp.drawing import upscale_for_display
from genapp.images import to_pil

from ..common import (
    MODEL_EVENTS,
    PLAYGROUNDS,
    UserError,
    as_int,
    as_seed,
    checked_number,
    checked_slider,
    default_model,
    grid,
    load_model,
    missing_message,
    model_choices,
    notice,
    pretrained_present,
    read_upload,
    tab_intro,
    upload_image,
    user_errors,
)
from ..i18n import t, tr
from . import pixelcnn_blind_spot as blind_spot
from . import pixelcnn_likelihood as likelihood
from .pixelcnn_pictures import (
    EmptyDrawing,
    completion_sheet,
    digit_from_image,
    gif,
    raster_frames,
)
from .sketch import CANVAS, drawing_image

PLAYGROUND = "pixelcnn"   # this tab's id: its models are the families that declare it (``playground``)
MAX_SAMPLES, DEFAULT_SAMPLES = 64, 16
MAX_COMPLETIONS, DEFAULT_COMPLETIONS = 16, 8
DEFAULT_ROWS = 14
CSS = likelihood.CSS


# ---------------------------------------------------------------- the model and its data
def pixelcnn_model(name):
    """The PixelCNN called ``name``; a missing shipped one names the command that trains it."""
    if isinstance(name, str) and name.strip() in PLAYGROUNDS[PLAYGROUND]["pretrained"] \
            and not pretrained_present(name.strip()):
        raise UserError(missing_message(name.strip()))
    return load_model(name, PLAYGROUND)


_LOCK = threading.Lock()
_FIELDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_TEST: dict[tuple[str, int], torch.Tensor] = {}


def field_offsets(model) -> torch.Tensor:
    """(K, 2) row and column offsets of the pixels that a pixel's distribution depends on: the
    receptive field of the bottom row's middle pixel (``model.receptive_field``, by autograd), once
    per model; any pixel's field is this one moved to it (a convolution's field moves with it)."""
    with _LOCK:
        found = _FIELDS.get(model)
    if found is None:
        size = model.config.image_size
        r, c = size - 1, size // 2
        found = torch.nonzero(model.receptive_field(r, c)) - torch.tensor([r, c])
        with _LOCK:
            _FIELDS[model] = found
    return found


def test_digits(model) -> torch.Tensor:
    """The model's test split, binarized once with seed 0 (``model.test_images``), kept as uint8."""
    key = (model.config.dataset, model.config.image_size)
    with _LOCK:
        found = _TEST.get(key)
    if found is None:
        found = model.test_images(None).to(torch.uint8)
        with _LOCK:
            _TEST[key] = found
    return found


def test_digit(model, index) -> torch.Tensor:
    """Test digit number ``index`` as (1, 1, H, W) binary floats."""
    digits = test_digits(model)
    i = as_int(index, "index")
    if not 0 <= i < len(digits):
        raise UserError(f"The test digit number must be from 0 to {len(digits) - 1} (got {i}).")
    return digits[i:i + 1].float()


def _gif_file(data: bytes) -> str:
    """The GIF saved under the temp folder, named by its content (written atomically)."""
    folder = Path(tempfile.gettempdir()) / "gan-studio-gifs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"pixelcnn-{hashlib.sha1(data).hexdigest()[:20]}.gif"
    if not path.exists():
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    return str(path)


# ---------------------------------------------------------------- the endpoints
@user_errors
def pixelcnn_sample(model_name: str, seed=0, count=DEFAULT_SAMPLES) -> tuple[Image.Image, str]:
    """``count`` (1-64) samples drawn pixel by pixel at ``seed``: (the grid; an animated GIF of the
    first sample being drawn in raster order, the current pixel red, its receptive field blue)."""
    seed = as_seed(seed)
    count = as_int(count, "count", 1, MAX_SAMPLES)
    model = pixelcnn_model(model_name)
    x = model.generate(count, seed=seed)
    return grid(x), _gif_file(gif(raster_frames(x[0], field_offsets(model))))


def _complete(model, x: torch.Tensor, rows, seed, count) -> Image.Image:
    size = model.config.image_size
    rows = as_int(rows, "rows", 0, size)
    seed = as_seed(seed)
    count = as_int(count, "count", 1, MAX_COMPLETIONS)
    out = model.complete(x.repeat(count, 1, 1, 1), rows, seed=seed)
    return completion_sheet(x, out, rows)


@user_errors
def pixelcnn_complete(model_name: str, image=None, rows=DEFAULT_ROWS, seed=0, count=DEFAULT_COMPLETIONS,
                      index=0) -> Image.Image:
    """Keep the top ``rows`` rows (0-28) of a digit and sample the rest ``count`` times (1-16): one
    sheet, the input first (its hidden rows grey), a red line under the last row kept. The digit is
    ``image`` (a picture of any size, dark ink on light or light on dark, made 28 x 28 and binary as
    MNIST's digits) or, without one, test digit number ``index`` (0-9999, binarized with seed 0)."""
    model = pixelcnn_model(model_name)
    if image is None:
        x = test_digit(model, index)
    else:
        x = digit_from_image(read_upload(image, "a digit"), model.config.image_size)
    return _complete(model, x, rows, seed, count)


def complete_test_digit(model_name: str, rows, seed, count, index) -> Image.Image:
    """The Test digit button: test digit ``index``, completed (whatever the Upload box holds)."""
    return pixelcnn_complete(model_name, None, rows, seed, count, index)


@user_errors
def complete_drawing(editor, model_name: str, rows, seed, count) -> Image.Image:
    """The Draw button: the pad's drawing, completed."""
    model = pixelcnn_model(model_name)
    drawing = drawing_image(editor)
    if drawing is None:
        raise EmptyDrawing()
    return _complete(model, digit_from_image(read_upload(drawing, "a drawing"), model.config.image_size),
                     rows, seed, count)


@user_errors
def show_test_digit(model_name: str, index) -> Image.Image:
    """The test digit the Complete button will use (a preview)."""
    return upscale_for_display(to_pil(test_digit(pixelcnn_model(model_name), index)[0]), 112)


def _gan_sample(dataset: str, seed: int) -> tuple[torch.Tensor | None, str]:
    """A GAN's sample for the comparison (the dataset's dcgan, else its gan) and a note about it."""
    names = [f"{dataset}-dcgan", f"{dataset}-gan"]
    for name in names:
        if pretrained_present(name):
            return load_model(name).generate(1, seed=seed), tr("pcnn_gan_from", name=name, seed=seed)
    cmd = missing_message(names[0]).split("Train it with: ")[-1] or f"python -m train dcgan --dataset {dataset}"
    return None, tr("pcnn_no_gan", names=", ".join(names), cmd=cmd)


@user_errors
def pixelcnn_likelihoods(model_name: str, index=0, seed=0):
    """-log p(x) of test digit ``index`` (0-9999), the digit shifted 2 px right, with 10 % of its
    pixels flipped, a GAN's sample (binarized; left out when no GAN is installed) and noise
    (``seed`` fixes the random ones): (the images with their bars (HTML); the numbers (JSON))."""
    model = pixelcnn_model(model_name)
    seed = as_seed(seed)
    x = test_digit(model, index)
    gan, gan_note = _gan_sample(model.config.dataset, seed)
    images = likelihood.variants(x, seed, gan)
    rows = likelihood.scores(model, images)
    labels = {n: tr(f"pcnn_{n}") for n in likelihood.NAMES}
    pixels = x[0].numel()
    notes = [gan_note, tr("pcnn_uniform", nats=likelihood.uniform_nats(pixels))]
    bars = likelihood.bars_html(rows, images, labels, tr("pcnn_bars_title"), tr("pcnn_bpd"), notes)
    numbers = {"model": str(model_name), "index": int(as_int(index, "index")), "seed": seed, "rows": rows,
               likelihood.GAN: gan_note if gan is not None else None,
               "uniform_nats": round(likelihood.uniform_nats(pixels), 2)}
    return bars, numbers


# ---------------------------------------------------------------- the tab
def build() -> dict:
    with gr.Row():
        model = gr.Dropdown(choices=model_choices(PLAYGROUND), value=default_model(PLAYGROUND),
                            allow_custom_value=True, label=t("model"), info=t("model_info"), elem_id="pcnn-model",
                            scale=2)
        tab_intro(t("pcnn_intro"))
    missing = gr.Markdown(notice(PLAYGROUND), elem_classes=["notice"])
    with gr.Tabs():
        with gr.Tab(t("pcnn_draw_tab"), id="pcnn-draw", elem_id="pcnn-draw"), gr.Row():
            with gr.Column(scale=1, min_width=240):
                gr.Markdown(t("pcnn_draw_intro"))
                seed = checked_number(value=0, precision=0, minimum=0, label=t("seed"), elem_id="pcnn-seed")
                count = checked_slider(1, MAX_SAMPLES, value=DEFAULT_SAMPLES, step=1, label=t("pcnn_count"),
                                       elem_id="pcnn-count")
                go = gr.Button(t("pcnn_sample"), variant="primary", elem_id="pcnn-go")
            anim = gr.Image(label=t("pcnn_anim"), show_label=False, type="filepath", interactive=False, height=340,
                            buttons=["download"], elem_id="pcnn-anim", elem_classes=["pixelated", "fill"], scale=1, min_width=300)
            samples = gr.Image(label=t("pcnn_grid"), type="pil", format="png", interactive=False, height=340,
                               elem_id="pcnn-grid", elem_classes=["pixelated", "fill"], scale=1, min_width=300)
        with gr.Tab(t("pcnn_complete_tab"), id="pcnn-complete", elem_id="pcnn-complete"):
            gr.Markdown(t("pcnn_complete_intro"))
            with gr.Row():
                with gr.Column(scale=1, min_width=300):
                    rows = checked_slider(0, 28, value=DEFAULT_ROWS, step=1, label=t("pcnn_rows"),
                                          info=t("pcnn_rows_info"), elem_id="pcnn-rows")
                    n_done = checked_slider(1, MAX_COMPLETIONS, value=DEFAULT_COMPLETIONS, step=1,
                                            label=t("pcnn_completions"), elem_id="pcnn-n")
                    c_seed = checked_number(value=0, precision=0, minimum=0, label=t("seed"), elem_id="pcnn-c-seed")
                    with gr.Tabs():
                        with gr.Tab(t("pcnn_from_test"), id="pcnn-from-test", elem_id="pcnn-from-test"):
                            with gr.Row(equal_height=True):
                                index = checked_number(value=0, precision=0, minimum=0, maximum=9999,
                                                       label=t("pcnn_index"), elem_id="pcnn-index", min_width=160)
                                preview = gr.Image(type="pil", format="png", interactive=False, show_label=False,
                                                   height=112, width=112, elem_id="pcnn-preview",
                                                   elem_classes=["pixelated"], container=False, min_width=112,
                                                   scale=0, buttons=[])
                            test_go = gr.Button(t("pcnn_complete_test"), variant="primary", elem_id="pcnn-complete-go")
                        with gr.Tab(t("pcnn_from_draw"), id="pcnn-from-draw", elem_id="pcnn-from-draw"):
                            pad = gr.Sketchpad(type="pil", image_mode="RGBA", canvas_size=(CANVAS, CANVAS),
                                               fixed_canvas=True, layers=False, label=t("pcnn_pad"),
                                               brush=gr.Brush(colors=["#000000"], color_mode="fixed", default_size=28),
                                               elem_id="pcnn-pad")
                            draw_go = gr.Button(t("pcnn_complete_draw"), variant="primary", elem_id="pcnn-draw-go")
                        with gr.Tab(t("pcnn_from_upload"), id="pcnn-from-upload", elem_id="pcnn-from-upload"):
                            upload = upload_image(sources=["upload", "clipboard"], label=t("pcnn_upload"), height=280,
                                                  elem_id="pcnn-upload")
                            upload_go = gr.Button(t("pcnn_complete_upload"), variant="primary",
                                                  elem_id="pcnn-upload-go")
                sheet = gr.Image(label=t("pcnn_sheet"), show_label=False, type="pil", format="png", interactive=False,
                                 height=420, buttons=["download", "fullscreen"], elem_id="pcnn-sheet", elem_classes=["pixelated", "fill"], scale=1, min_width=300)
        with gr.Tab(t("pcnn_compare_tab"), id="pcnn-compare", elem_id="pcnn-compare"):
            gr.Markdown(t("pcnn_compare_intro"))
            with gr.Row():
                with gr.Column(scale=1, min_width=240):
                    with gr.Row():
                        l_index = checked_number(value=0, precision=0, minimum=0, maximum=9999, label=t("pcnn_index"),
                                                 elem_id="pcnn-l-index", min_width=140)
                        l_seed = checked_number(value=0, precision=0, minimum=0, label=t("seed"), elem_id="pcnn-l-seed",
                                                min_width=100)
                    compare = gr.Button(t("pcnn_compare"), variant="primary", elem_id="pcnn-compare-go")
                with gr.Column(scale=2, min_width=300):   # the Column carries the width (not applied to an HTML)
                    bars = gr.HTML(elem_id="pcnn-bars", css_template=CSS)
            gr.Markdown(t("pcnn_point"))
            with gr.Accordion(t("pcnn_numbers"), open=False):
                numbers = gr.JSON(label=t("pcnn_numbers"), elem_id="pcnn-json")
        blind_spot.build()

    sample_in, sample_out = [model, seed, count], [samples, anim]
    go.click(pixelcnn_sample, sample_in, sample_out, api_name="pixelcnn_sample", **MODEL_EVENTS)
    upload_go.click(pixelcnn_complete, [model, upload, rows, c_seed, n_done, index], sheet,
                    api_name="pixelcnn_complete", **MODEL_EVENTS)
    test_go.click(complete_test_digit, [model, rows, c_seed, n_done, index], sheet, api_visibility="private",
                  **MODEL_EVENTS)
    draw_go.click(complete_drawing, [pad, model, rows, c_seed, n_done], sheet, api_visibility="private",
                  **MODEL_EVENTS)
    for event in (index.change, model.change):
        event(show_test_digit, [model, index], preview, api_visibility="private", show_progress="hidden",
              trigger_mode="always_last")
    compare.click(pixelcnn_likelihoods, [model, l_index, l_seed], [bars, numbers],
                  api_name="pixelcnn_likelihoods", **MODEL_EVENTS)
    return {"model": model, "notice": missing, "first": (pixelcnn_sample, sample_in, sample_out),
            "on_open": (_preview_if_empty, [preview, model, index], [preview]),
            "first_stops": [go.click, model.input]}


def _preview_if_empty(current, model_name, index):
    """When the tab opens: the preview of the test digit the Complete button will use, unless one is
    shown. An event of its own (quick, outside the models' queue), so an index typed while the first
    samples are drawn is never put back to digit 0 when they land."""
    if current is not None:
        return gr.skip()
    try:
        return show_test_digit(model_name, index)
    except gr.Error:
        return gr.skip()
