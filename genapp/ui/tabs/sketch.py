"""Sketch -> shoe: draw (or upload) a shoe outline, pix2pix paints the shoe.

What the model sees is shown next to the result: the drawing after :func:`sketch_to_edges` (thin
dark lines on white, cropped and placed where edges2shoes puts its shoes, like its HED edges), resized the way the
training data was (bicubic, 256 px -> the model's resolution).

Endpoint: ``/sketch_to_shoe`` (an image in, the shoe out). The Sketchpad button calls the same
function on the drawing. Uploads are validated by ``genapp.images.load_image`` (see
``common.read_upload``): a file it cannot use gets a message, and what it changed (an animation's
first frame, a tiny image upscaled) is shown as a note.
"""
from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import gradio as gr
from PIL import Image

from genapp.drawing import EmptySketch, example_sketches, sketch_to_edges
from genapp.images import ImageInputError, from_pil, load_image, to_pil

from ..common import (
    MODEL_EVENTS,
    default_model,
    load_model,
    model_choices,
    notice,
    read_upload,
    tab_intro,
    upload_image,
    user_errors,
)
from ..i18n import t

CANVAS = 512  # the drawing's pixels; shown at most this size (app.py's PAD_CSS), so never blown up


def _model_input(edges: Image.Image, size: int):
    # edges2shoes was decoded with a bicubic resize from 256 px (genapp.data): do the same.
    return from_pil(edges.resize((size, size), Image.BICUBIC), 3)


def shoe_from_edges(model, edges: Image.Image) -> Image.Image:
    return to_pil(model.translate(_model_input(edges, model.config.image_size)))


@user_errors
def sketch_to_shoe(sketch, model_name: str | None = None) -> Image.Image:
    """A shoe photo generated from a sketch (dark lines on a light background, any size).

    ``sketch``: the uploaded file (a path), or bytes, a PIL image or an array.
    """
    model = load_model(model_name or default_model("sketch"), "sketch")
    if sketch is None:
        raise EmptySketch()
    return shoe_from_edges(model, sketch_to_edges(read_upload(sketch, "a sketch")))


@user_errors
def model_view(sketch) -> Image.Image | None:
    """The preprocessed edge map (what the model sees); silent for an empty canvas or a bad file
    (the shoe button's own call says what is wrong)."""
    if sketch is None:
        return None
    try:
        return sketch_to_edges(load_image(sketch))
    except (EmptySketch, ImageInputError):
        return None


def drawing_image(editor: dict | None) -> Image.Image | None:
    """The Sketchpad's value (background / layers / composite) -> one image, or None if empty."""
    if not editor:
        return None
    img = editor.get("composite")
    if img is None and editor.get("layers"):
        img = editor["layers"][0]
    return img


@user_errors
def draw_to_shoe(editor: dict | None, model_name: str) -> tuple[Image.Image, Image.Image]:
    """The Sketchpad button: (what the model sees, the shoe)."""
    model = load_model(model_name, "sketch")
    drawing = drawing_image(editor)
    if drawing is not None:
        drawing = read_upload(drawing, "a drawing")  # the same size and mode checks as an upload
    edges = sketch_to_edges(drawing)  # raises EmptySketch with the user's message
    return edges, shoe_from_edges(model, edges)


@user_errors
def first_example(model_name: str):
    """The tab's first view: the first drawn example in the upload box, what the model sees of it
    and its shoe. Returns (what the model sees, the shoe, the upload)."""
    sketch = load_image(example_files()[0])
    edges = sketch_to_edges(sketch)
    return edges, shoe_from_edges(load_model(model_name or default_model("sketch"), "sketch"), edges), sketch


def example_files() -> list[str]:
    """The drawn examples saved as PNGs (they are made here, never copied from the dataset)."""
    folder = Path(tempfile.gettempdir()) / "gan-studio-examples"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, img in example_sketches().items():
        # named by content, so a redrawn example never comes from an older version's file
        p = folder / f"sketch-{name}-{hashlib.sha1(img.tobytes()).hexdigest()[:10]}.png"
        if not p.exists():
            img.save(p)
        paths.append(str(p))
    return paths


def build() -> dict:
    with gr.Row():
        model = gr.Dropdown(choices=model_choices("sketch"), value=default_model("sketch"), allow_custom_value=True,
                            label=t("model"), info=t("model_info"), elem_id="sketch-model", scale=2)
        tab_intro(t("sketch_intro"))
    missing = gr.Markdown(notice("sketch"), elem_classes=["notice"])
    with gr.Row():
        with gr.Column(scale=3):
            with gr.Tab(t("draw")):
                # A square pad whose whole face is the drawing: its size comes from the CSS in app.py
                # (PAD_CSS), not from a height here (a 420 px high pad showed the drawing as a square
                # in its middle, and strokes beside it were lost).
                pad = gr.Sketchpad(type="pil", image_mode="RGBA", canvas_size=(CANVAS, CANVAS), fixed_canvas=True,
                                   brush=gr.Brush(colors=["#000000"], color_mode="fixed", default_size=4),
                                   label=t("sketchpad"), elem_id="sketch-pad", layers=False)
                draw_btn = gr.Button(t("shoe_from_drawing"), variant="primary", elem_id="sketch-draw-go")
            with gr.Tab(t("upload")):
                # The file reaches the handler untouched and load_image validates it (a drawing saved
                # with a transparent background lands on white, never black).
                upload = upload_image(sources=["upload", "clipboard"], label=t("sketch_upload"), height=380,
                                      elem_id="sketch-upload")
                upload_btn = gr.Button(t("shoe_from_upload"), variant="primary", elem_id="sketch-upload-go")
                examples = gr.Examples(example_files(), inputs=upload, label=t("examples"), elem_id="sketch-examples")
                examples.dataset.headers = []  # the header would show an untranslated i18n key
        with gr.Column(scale=2):
            edges = gr.Image(label=t("model_sees"), type="pil", format="png", interactive=False, height=256,
                             elem_id="sketch-edges", elem_classes=["fill"])
            shoe = gr.Image(label=t("shoe"), type="pil", format="png", interactive=False, height=256,
                            elem_id="sketch-shoe", elem_classes=["fill"])

    draw_btn.click(draw_to_shoe, [pad, model], [edges, shoe], api_visibility="private", **MODEL_EVENTS)
    # Two listeners on one button: each queues a press made while it is busy ("always_last"), so both
    # end on the last upload (the default drops it where busy: B's edges beside A's shoe).
    upload_btn.click(sketch_to_shoe, [upload, model], shoe, api_name="sketch_to_shoe", trigger_mode="always_last",
                     **MODEL_EVENTS)
    upload_btn.click(model_view, upload, edges, api_visibility="private", show_progress="hidden",
                     trigger_mode="always_last")
    return {"model": model, "notice": missing, "first": (first_example, [model], [edges, shoe, upload]),
            "first_stops": [draw_btn.click, upload.upload, upload_btn.click, examples.dataset.click, model.input]}
