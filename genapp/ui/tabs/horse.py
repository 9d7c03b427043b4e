"""Horse <-> zebra: CycleGAN on an uploaded photo, before/after on a slider, and the cycle back.

The reconstruction F(G(x)) is the point of the lesson: CycleGAN has no paired data, and the
cycle-consistency loss is what makes the translation keep the photo's content.

Endpoint: ``/horse_to_zebra`` (image, direction) -> image. The upload is validated by
``genapp.images.load_image`` (``common.read_upload``): a file it cannot use gets a message.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import gradio as gr
from PIL import Image

from genapp.data import data_dir
from genapp.drawing import example_photo
from genapp.images import from_pil, load_image, to_pil
from genapp.models.cyclegan import DIRECTIONS

from ..common import (
    MODEL_EVENTS,
    UserError,
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

DISPLAY = 256   # the short side of the before/after pictures on the page


def for_display(img: Image.Image, short: int = DISPLAY) -> Image.Image:
    """``img`` scaled so its short side is ``short`` px (the model's native output is smaller)."""
    w, h = img.size
    k = short / min(w, h)
    return img.resize((max(1, round(w * k)), max(1, round(h * k))), Image.BICUBIC)


def _check_direction(direction: str) -> str:
    direction = (direction if isinstance(direction, str) else "") or "horse2zebra"
    direction = direction.strip().lower()
    if direction not in DIRECTIONS:
        raise UserError(f"direction must be horse2zebra or zebra2horse (got {direction[:40]!r}).")
    return direction


@user_errors
def horse_to_zebra(image, direction: str = "horse2zebra", model_name: str | None = None) -> Image.Image:
    """Translate a photo: ``direction`` is horse2zebra or zebra2horse. The whole photo comes back
    at the model's scale (its short side at the model's image size; a panorama keeps its middle 2:1).

    ``image``: the uploaded file (a path), or bytes, a PIL image or an array.
    """
    image = read_upload(image, "a photo of a horse or a zebra")
    direction = _check_direction(direction)
    model = load_model(model_name or default_model("horse"), "horse")
    return to_pil(model.translate_whole(from_pil(image, 3), direction))


@user_errors
def cycle_view(image, translated: Image.Image, direction: str, model_name: str):
    """(before/after pair for the slider, reconstruction F(G(x)))."""
    if image is None or translated is None:
        return None, None
    image = load_image(image)  # validated once already by horse_to_zebra (its notes shown there)
    direction = _check_direction(direction)
    model = load_model(model_name or default_model("horse"), "horse")
    back = "zebra2horse" if direction == "horse2zebra" else "horse2zebra"
    translated = translated.convert("RGB")
    recon = to_pil(model.translate_whole(from_pil(translated, 3), back))
    before = _as_seen(image.convert("RGB"), translated.size)
    return (for_display(before), for_display(translated)), for_display(recon)


def translate_and_cycle(image, direction: str, model_name: str):
    """(translated, before/after pair, cycled back), all from the one ``image``. The Translate
    button's second event reads the photo box when it runs: an example clicked meanwhile is
    translated again here (35 ms at 128 px), so the slider never pairs one photo with another's
    translation."""
    if image is None:
        return None, None, None
    translated = horse_to_zebra(image, direction, model_name)
    pair, recon = cycle_view(image, translated, direction, model_name)
    return translated, pair, recon


def _as_seen(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """The photo as the model saw it: its middle at most 2:1, at the translation's size."""
    w, h = image.size
    tw, th = size
    if w / h > tw / th:     # wider than what was translated: keep the middle
        cw = round(h * tw / th)
        image = image.crop(((w - cw) // 2, 0, (w - cw) // 2 + cw, h))
    elif w / h < tw / th:
        ch = round(w * th / tw)
        image = image.crop((0, (h - ch) // 2, w, (h - ch) // 2 + ch))
    return image.resize(size, Image.BICUBIC)


@user_errors
def first_example(model_name: str):
    """The tab's first view: the first example (a held-out horse when the data is there, else the
    drawn one) in the photo box, translated, with its slider and cycle.
    Returns (photo, direction, translated, before/after, cycled back)."""
    path, direction = example_files()[0]
    return load_image(path), direction, *translate_and_cycle(path, direction, model_name)


def example_files(n_data: int = 2) -> list[list[str]]:
    """Held-out photos from $GENAPP_DATA_DIR when it has them (horses, then zebras), then a drawn
    stand-in horse, which also works where there is no data (a Space).

    The model learned photos, so the photos come first: the example a lecturer clicks first is
    one the model was made for. The photos are read where they are at run time, never copied
    into the repo.
    """
    folder = Path(tempfile.gettempdir()) / "gan-studio-examples"
    folder.mkdir(parents=True, exist_ok=True)
    drawn = folder / "drawn-horse.png"
    if not drawn.exists():
        example_photo().save(drawn)
    out = []
    for sub, direction in (("trainA", "horse2zebra"), ("trainB", "zebra2horse")):
        files = sorted((data_dir() / "horse2zebra" / sub).glob("*.jpg"), key=lambda p: (len(p.stem), p.stem))
        out += [[str(p), direction] for p in files[-n_data:]]  # the tail is the core's validation split
    return out + [[str(drawn), "horse2zebra"]]


def build() -> dict:
    with gr.Row():
        model = gr.Dropdown(choices=model_choices("horse"), value=default_model("horse"), allow_custom_value=True,
                            label=t("model"), info=t("model_info"), elem_id="horse-model", scale=2)
        tab_intro(t("horse_intro"))
    missing = gr.Markdown(notice("horse"), elem_classes=["notice"])
    with gr.Row():
        with gr.Column(scale=1):
            # The file reaches the handler untouched; load_image validates it (common.read_upload).
            photo = upload_image(sources=["upload", "clipboard"], label=t("photo"), height=300, elem_id="horse-photo")
            direction = gr.Radio(list(DIRECTIONS), value="horse2zebra", label=t("direction"), elem_id="horse-direction")
            go = gr.Button(t("translate"), variant="primary", elem_id="horse-go")
            examples = gr.Examples(example_files(), inputs=[photo, direction], label=t("examples"), examples_per_page=5,
                                   elem_id="horse-examples")
            examples.dataset.headers = []  # the headers would show untranslated i18n keys
        with gr.Column(scale=1):
            slider = gr.ImageSlider(label=t("before_after"), type="pil", max_height=320, elem_id="horse-slider",
                                    interactive=False)
            with gr.Row():
                translated = gr.Image(label=t("translated"), type="pil", format="png", interactive=False,
                                      height=160, elem_id="horse-out", elem_classes=["fill"])
                recon = gr.Image(label=t("reconstruction"), type="pil", format="png", interactive=False,
                                 height=160, elem_id="horse-recon", elem_classes=["fill"])
            gr.Markdown(t("cycle_note"))

    go.click(horse_to_zebra, [photo, direction, model], translated, api_name="horse_to_zebra", **MODEL_EVENTS).success(
        translate_and_cycle, [photo, direction, model], [translated, slider, recon], api_visibility="private",
        **MODEL_EVENTS)
    return {"model": model, "notice": missing,
            "first": (first_example, [model], [photo, direction, translated, slider, recon]),
            "first_stops": [photo.upload, go.click, examples.dataset.click, direction.input, model.input]}
