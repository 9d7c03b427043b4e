"""The PixelCNN tab's Blind spot view: the receptive field of one pixel in the plain masked-convolution
stack beside the gated PixelCNN's, at the same depth and first kernel, the blind spot in amber.

The fields are found by autograd (:func:`genapp.models.pixelcnn_layers.compare_fields`), so the
picture is what the networks compute, not a drawing of what they should.
"""
from __future__ import annotations

from functools import lru_cache

import gradio as gr
import torch
from PIL import Image

from genapp.models.pixelcnn_layers import compare_fields

from ..common import UserError, as_int, checked_slider, user_errors
from ..i18n import t, tr
from .pixelcnn_pictures import field_picture

SIZE = 28
MAX_LAYERS = 15
KERNELS = (3, 5, 7)
DEFAULT_LAYERS, DEFAULT_KERNEL = 7, 7   # the shipped mnist-pixelcnn's
DEFAULT_PIXEL = (14, 14)

_fields = lru_cache(maxsize=128)(compare_fields)   # the sliders ask again for what they asked before


@user_errors
def pixelcnn_blind_spot(layers=DEFAULT_LAYERS, kernel=DEFAULT_KERNEL, row=DEFAULT_PIXEL[0],
                        col=DEFAULT_PIXEL[1]) -> tuple[Image.Image, Image.Image, str]:
    """The receptive field of pixel (``row``, ``col``) (0-27) in a plain masked-convolution
    PixelCNN and in a gated one, each with ``layers`` (1-15) layers after a first ``kernel`` x
    ``kernel`` layer (3, 5 or 7): (the plain picture, the gated picture, a sentence with the counts).
    Amber in both pictures: the earlier pixels the gated stacks see and the masked stack cannot."""
    layers = as_int(layers, "layers", 1, MAX_LAYERS)
    kernel = as_int(kernel, "kernel", 3, 7)
    if kernel not in KERNELS:
        raise UserError(f"kernel must be 3, 5 or 7 (got {kernel}).")
    r, c = as_int(row, "row", 0, SIZE - 1), as_int(col, "column", 0, SIZE - 1)
    fields = _fields(layers, kernel, r, c, SIZE)   # read only
    blind = fields["gated"] & ~fields["plain"]
    pictures = [field_picture(fields["plain"], blind, r, c), field_picture(fields["gated"], torch.zeros_like(blind), r, c)]
    summary = tr("pcnn_blind_summary", before=r * SIZE + c, r=r, c=c, plain=int(fields["plain"].sum()),
                 gated=int(fields["gated"].sum()), blind=int(blind.sum()))
    return pictures[0], pictures[1], summary


def build() -> None:
    """The Blind spot sub-tab (inside the PixelCNN tab's Tabs)."""
    with gr.Tab(t("pcnn_blind_tab"), id="pcnn-blind", elem_id="pcnn-blind"):
        gr.Markdown(t("pcnn_blind_intro"))
        with gr.Row():
            with gr.Column(scale=1, min_width=240):
                layers = checked_slider(1, MAX_LAYERS, value=DEFAULT_LAYERS, step=1, label=t("pcnn_layers"),
                                        elem_id="pcnn-layers")
                kernel = gr.Radio(list(KERNELS), value=DEFAULT_KERNEL, label=t("pcnn_kernel"), elem_id="pcnn-kernel")
                row = checked_slider(0, SIZE - 1, value=DEFAULT_PIXEL[0], step=1, label=t("pcnn_row"),
                                     elem_id="pcnn-row")
                col = checked_slider(0, SIZE - 1, value=DEFAULT_PIXEL[1], step=1, label=t("pcnn_col"),
                                     elem_id="pcnn-col")
                go = gr.Button(t("pcnn_blind_go"), variant="primary", elem_id="pcnn-blind-go")
            plain = gr.Image(label=t("pcnn_plain"), type="pil", format="png", interactive=False, height=320,
                             elem_id="pcnn-plain", elem_classes=["pixelated", "fill"], scale=1, min_width=280)
            gated = gr.Image(label=t("pcnn_gated"), type="pil", format="png", interactive=False, height=320,
                             elem_id="pcnn-gated", elem_classes=["pixelated", "fill"], scale=1, min_width=280)
        summary = gr.Markdown(elem_id="pcnn-blind-summary")
    inputs, outputs = [layers, kernel, row, col], [plain, gated, summary]
    go.click(pixelcnn_blind_spot, inputs, outputs, api_name="pixelcnn_blind_spot")
    for control in inputs:   # the pictures follow the controls (about 0.3 s each)
        control.change(pixelcnn_blind_spot, inputs, outputs, api_visibility="private", show_progress="hidden",
                       trigger_mode="always_last")
