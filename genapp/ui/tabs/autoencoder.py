"""The course's first demo in the Train tab: autoencoder grids with their rows labelled, and for a
VAE run its 2-D latent map and fresh samples, drawn from the weights as they are *now*.

The trainer saves ``ae`` / ``dae`` / ``vae`` grids as rows of 8 (``model.preview``): inputs,
noisy inputs (dae only), outputs, and for the VAE six rows of samples from N(0, I). Each family
declares those rows (``preview_rows``); :func:`label_rows` adds them as a caption column on the
left, so a projected grid explains itself.
"""
from __future__ import annotations

import gradio as gr
from PIL import Image, ImageDraw, ImageFont

from genapp.drawing import upscale_for_display
from genapp.images import make_grid, to_pil
from genapp.models import FAMILIES, model_class
from genapp.runs import registry

from ..common import UserError, as_int, as_seed, user_errors
from ..i18n import t

BAND = 180   # px of caption column


def _font(px: int):
    try:
        return ImageFont.load_default(size=px)
    except TypeError:  # Pillow < 10.1
        return ImageFont.load_default()


def preview_rows(family: str) -> tuple[tuple[str, int], ...]:
    """(caption, number of rows it spans), top to bottom, as the family's ``preview()`` stacks them
    (declared by the family as ``preview_rows``); empty for a family that does not declare them."""
    try:
        return tuple(getattr(model_class(family), "preview_rows", ()))
    except ValueError:
        return ()


def _fit(d: ImageDraw.ImageDraw, text: str, width: float, px: int, lines: int) -> tuple[list[str], object]:
    """``text`` in at most ``lines`` lines of at most ``width`` px: words wrapped, the font made
    smaller only when a word alone is too wide. A caption is never cut off at the band's edge."""
    while True:
        font = _font(px)
        out: list[str] = []
        for word in text.split(" "):
            if out and d.textlength(out[-1] + " " + word, font=font) <= width:
                out[-1] += " " + word
            else:
                out.append(word)
        if (len(out) <= lines and all(d.textlength(line, font=font) <= width for line in out)) or px <= 8:
            return out, font
        px -= 1


def label_rows(img: Image.Image | None, family: str) -> Image.Image | None:
    """``img`` (a saved grid) with its rows captioned, for the families that declare ``preview_rows``."""
    spec = preview_rows(family)
    if img is None or not spec:
        return img
    n_rows = sum(n for _, n in spec)
    out = Image.new("RGB", (img.width + BAND, img.height), (255, 255, 255))
    out.paste(img.convert("RGB"), (BAND, 0))
    d = ImageDraw.Draw(out)
    pitch = img.height / n_rows
    px = max(11, min(18, int(pitch * 0.42)))
    row = 0
    for label, n in spec:
        # A group of rows gets a bracket, its caption kept clear of it; several lines where it is tall.
        lines, font = _fit(d, label, BAND - (20 if n > 1 else 10), px, lines=max(1, int(n * pitch / (px * 1.4))))
        line_h = font.size * 1.25 if hasattr(font, "size") else 12
        y = (row + n / 2) * pitch - line_h * len(lines) / 2
        right = BAND - (14 if n > 1 else 8)
        for line in lines:
            d.text((right - d.textlength(line, font=font), y), line, fill=(40, 40, 40), font=font)
            y += line_h
        if n > 1:
            d.line((BAND - 5, row * pitch + 6, BAND - 5, (row + n) * pitch - 6), fill=(150, 150, 150), width=2)
        row += n
    return out


# ---------------------------------------------------------------- VAE: latent map and sampling
def _has_latent_map(family: str | None) -> bool:
    """Whether ``family`` declares the 2-D latent map and decoder samples (``has_latent_map``: the VAE)."""
    return family in FAMILIES and FAMILIES[family].has_latent_map


def _vae_of_run(run_id: str):
    """The watched run's VAE: the live model while it trains, else its saved weights."""
    run_id = (run_id or "").strip()
    if not run_id:
        raise UserError("No run selected: start a vae run, or pick one to watch.")
    run = registry().get(run_id)
    if not _has_latent_map(run.family):
        raise UserError(f"Run {run.id} is a {run.family} run; the latent map and sampling need a vae run.")
    if run.model is not None:
        return run.model  # read-only use while the trainer updates it: a map from mid-step weights is fine
    from ..common import load_model

    return load_model(run.id)


@user_errors
def run_latent_map(run_id: str, size) -> Image.Image:
    """The watched VAE run's 2-D latent space, decoded on a size x size grid (what /latent_map draws)."""
    size = as_int(size, "size", 3, 30)
    model = _vae_of_run(run_id)
    return upscale_for_display(to_pil(make_grid(model.latent_map(size), nrow=size, padding=0)), 512)


@user_errors
def run_samples(run_id: str, seed) -> Image.Image:
    """64 samples z ~ N(0, I) from the watched VAE run, with ``seed``."""
    model = _vae_of_run(run_id)
    images = model.generate(64, seed=as_seed(seed))
    return upscale_for_display(to_pil(make_grid(images, nrow=8)), 512)


def build() -> dict:
    """The VAE panel (hidden unless the family or the watched run is a vae)."""
    with gr.Accordion(t("vae_panel"), open=True, visible=False, elem_id="train-vae-panel") as panel:
        gr.Markdown(t("vae_panel_intro"))
        with gr.Row():
            with gr.Column(scale=1, min_width=220):
                size = gr.Slider(3, 30, value=15, step=1, label=t("map_size"))
                map_btn = gr.Button(t("latent_map"), elem_id="train-vae-map")
                seed = gr.Number(value=0, precision=0, minimum=0, label=t("seed"))
                sample_btn = gr.Button(t("vae_sample"), elem_id="train-vae-sample")
            map_img = gr.Image(label=t("latent_map_image"), type="pil", format="png", interactive=False, height=360,
                               elem_id="train-vae-map-img", elem_classes=["pixelated", "fill"],
                               buttons=["download", "fullscreen"], scale=2)
            sample_img = gr.Image(label=t("vae_samples"), type="pil", format="png", interactive=False, height=360,
                                  elem_id="train-vae-sample-img", elem_classes=["pixelated", "fill"],
                                  buttons=["download", "fullscreen"], scale=2)
    return {"panel": panel, "size": size, "map_btn": map_btn, "seed": seed, "sample_btn": sample_btn,
            "map_img": map_img, "sample_img": sample_img}


def wire(box: dict, run_id, family) -> None:
    box["map_btn"].click(run_latent_map, [run_id, box["size"]], box["map_img"], api_visibility="private")
    box["sample_btn"].click(run_samples, [run_id, box["seed"]], box["sample_img"], api_visibility="private")

    def show(fam: str, rid: str):
        try:
            watched = registry().get((rid or "").strip()).family
        except KeyError:
            watched = None
        return gr.Accordion(visible=_has_latent_map(fam) or _has_latent_map(watched))

    family.change(show, [family, run_id], box["panel"], api_visibility="private", show_progress="hidden")
    run_id.change(show, [family, run_id], box["panel"], api_visibility="private", show_progress="hidden")
