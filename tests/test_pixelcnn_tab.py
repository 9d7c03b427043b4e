"""The PixelCNN tab through ``gradio_client`` on the session app (conftest.py: a tiny untrained
mnist-pixelcnn): samples and their pixel-by-pixel animation, completions that keep the given rows,
the likelihood comparison, bad input answered with a message, the tab's Korean label.

With trained weights (``GENAPP_APP_TEST_PRETRAINED``, or the repository's pretrained/mnist-pixelcnn
for the direct check) a real digit must be more probable than noise.
"""
from __future__ import annotations

import json
import math
import os
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from gradio_client import handle_file
from gradio_client.exceptions import AppError
from PIL import Image, ImageDraw

pytestmark = pytest.mark.filterwarnings("ignore:::gradio.queueing")  # pandas 3 deprecations inside Gradio

REPO = Path(__file__).resolve().parent.parent
SIZE = 28


def rgb(path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB")).astype(int)


def app_error(client, *args, api_name: str) -> str:
    with pytest.raises(AppError) as info:
        client.predict(*args, api_name=api_name)
    return str(info.value)


def sheet_tiles(sheet: np.ndarray, n: int) -> list[np.ndarray]:
    """The completion sheet's tiles (input first), by the sheet's layout."""
    from genapp.ui.tabs.pixelcnn_pictures import SHEET_SCALE

    tile, gap = SIZE * SHEET_SCALE, 4
    ncol = math.ceil(math.sqrt(n))
    assert sheet.shape[:2] == (math.ceil(n / ncol) * (tile + gap) + gap, ncol * (tile + gap) + gap)
    return [sheet[gap + (k // ncol) * (tile + gap):][:tile, gap + (k % ncol) * (tile + gap):][:, :tile]
            for k in range(n)]


def pixels(tile: np.ndarray, scale: int) -> np.ndarray:
    """A tile at display scale -> (28, 28, 3), one colour per model pixel (its centre)."""
    return tile[scale // 2::scale, scale // 2::scale][:SIZE, :SIZE]


@pytest.fixture(scope="module")
def tiny(app_env):
    import genapp

    return genapp.load(str(app_env.pretrained / "mnist-pixelcnn"))


# ---------------------------------------------------------------- /pixelcnn_sample
def test_sample_grid_and_its_pixel_by_pixel_animation(client, tiny):
    from genapp.ui.common import grid
    from genapp.ui.tabs.pixelcnn_pictures import (
        CURRENT,
        FRAME_SCALE,
        UNDRAWN,
        frame_positions,
    )

    grid_path, gif_path = client.predict("mnist-pixelcnn", 3, 9, api_name="/pixelcnn_sample")
    x = tiny.generate(9, seed=3)
    assert np.array_equal(rgb(grid_path), np.asarray(grid(x).convert("RGB")))     # the Python API's samples
    assert np.array_equal(rgb(client.predict("mnist-pixelcnn", 3, 9, api_name="/pixelcnn_sample")[0]),
                          rgb(grid_path))                                          # same seed, same grid

    positions = frame_positions(SIZE)
    with Image.open(gif_path) as anim:
        assert anim.format == "GIF" and anim.n_frames == len(positions) + 1
        assert anim.width == SIZE * FRAME_SCALE and anim.height > anim.width      # a caption under the image
        anim.seek(anim.n_frames - 1)
        last = pixels(np.asarray(anim.convert("RGB")).astype(int), FRAME_SCALE)
        assert np.array_equal(last.mean(-1) > 127, x[0, 0].numpy() > 0.5)        # it ends on sample 1
        anim.seek(positions.index((13, 14)))
        mid = pixels(np.asarray(anim.convert("RGB")).astype(int), FRAME_SCALE)
    assert tuple(mid[13, 14]) == CURRENT                                          # the pixel being drawn
    assert all(tuple(p) == UNDRAWN for p in mid[14:].reshape(-1, 3))             # rows below: not drawn yet
    field = tiny.receptive_field(13, 14).numpy()
    blue = (mid[..., 2] > mid[..., 0] + 60)
    assert np.array_equal(blue, field) and field[12, 14] and field[13, 13] and not field[13, 15]


# ---------------------------------------------------------------- /pixelcnn_complete
def test_completion_keeps_the_given_rows_of_a_test_digit(client, tiny):
    from genapp.ui.tabs.pixelcnn_pictures import SHEET_SCALE, UNDRAWN

    rows = 10
    sheet = rgb(client.predict("mnist-pixelcnn", None, rows, 0, 8, 5, api_name="/pixelcnn_complete"))
    given, *done = [pixels(t, SHEET_SCALE) for t in sheet_tiles(sheet, 9)]
    digit = tiny.test_images(6)[5, 0].numpy() > 0.5
    assert np.array_equal(given[:rows].mean(-1) > 127, digit[:rows])             # test digit 5's top rows
    assert all(tuple(p) == UNDRAWN for p in given[rows:].reshape(-1, 3))         # the rest hidden
    for tile in done:
        assert np.array_equal(tile[:rows], given[:rows])                          # kept as given
    assert len({tile[rows:].tobytes() for tile in done}) > 1                      # several different bottoms


def test_completion_of_an_uploaded_drawing(client, tmp_path):
    from genapp.ui.tabs.pixelcnn_pictures import SHEET_SCALE, digit_from_image

    page = Image.new("RGB", (300, 300), "white")     # a 7 in dark ink on a light page
    d = ImageDraw.Draw(page)
    d.line([(80, 60), (220, 60), (130, 260)], fill="black", width=18)
    page.save(tmp_path / "seven.png")
    sheet = rgb(client.predict("mnist-pixelcnn", handle_file(str(tmp_path / "seven.png")), 14, 1, 3, 0,
                               api_name="/pixelcnn_complete"))
    given, *done = [pixels(t, SHEET_SCALE) for t in sheet_tiles(sheet, 4)]
    expected = digit_from_image(page)[0, 0].numpy() > 0.5
    assert expected[:14].sum() > 10 and expected[14:].sum() > 10                 # ink above and below the cut
    assert np.array_equal(given[:14].mean(-1) > 127, expected[:14])
    assert all(np.array_equal(tile[:14], given[:14]) for tile in done)


def test_bad_input_gets_a_message_and_the_app_keeps_serving(client, tmp_path):
    assert "this tab needs one of: pixelcnn" in app_error(client, "mnist-dcgan", 0, 4, api_name="/pixelcnn_sample")
    assert "maximum value 64" in app_error(client, "mnist-pixelcnn", 0, 65, api_name="/pixelcnn_sample")
    assert "No model called" in app_error(client, "no-such-model", 0, 4, api_name="/pixelcnn_sample")
    assert "9999" in app_error(client, "mnist-pixelcnn", None, 14, 0, 8, 10000,
                                                     api_name="/pixelcnn_complete")
    assert "maximum value 28" in app_error(client, "mnist-pixelcnn", None, 29, 0, 8, 0,
                                                        api_name="/pixelcnn_complete")
    Image.new("RGB", (200, 200), "white").save(tmp_path / "blank.png")
    assert "The picture is empty" in app_error(client, "mnist-pixelcnn", handle_file(str(tmp_path / "blank.png")),
                                               14, 0, 8, 0, api_name="/pixelcnn_complete")
    (tmp_path / "notes.png").write_text("not a picture")
    assert "not an image" in app_error(client, "mnist-pixelcnn", handle_file(str(tmp_path / "notes.png")),
                                       14, 0, 8, 0, api_name="/pixelcnn_complete")
    grid_path, _ = client.predict("mnist-pixelcnn", 0, 1, api_name="/pixelcnn_sample")   # still serving
    assert Path(grid_path).exists()


# ---------------------------------------------------------------- /pixelcnn_likelihoods
def test_likelihoods_are_finite_numbers_for_five_images(client):
    bars, numbers = client.predict("mnist-pixelcnn", 7, 0, api_name="/pixelcnn_likelihoods")
    rows = numbers["rows"]
    assert [r["image"] for r in rows] == ["real", "shifted", "flipped", "gan", "noise"]   # mnist-dcgan is there
    for r in rows:
        assert math.isfinite(r["nats"]) and r["nats"] > 0
        assert r["bits_per_dim"] == pytest.approx(r["nats"] / (SIZE * SIZE * math.log(2)), abs=1e-3)
    assert numbers["uniform_nats"] == pytest.approx(SIZE * SIZE * math.log(2), abs=0.01)
    assert bars.count('class="pcnn-row') == 5 and bars.count("data:image/png;base64,") == 5   # each with its image
    assert "mnist-dcgan" in bars and "543.4 nats" in bars


# ---------------------------------------------------------------- /pixelcnn_blind_spot
def test_blind_spot_view_paints_what_autograd_finds(client):
    """The two pictures are the networks' fields by autograd: amber (the blind spot) only on the
    plain stack's picture, above and to the right of the red pixel; the sentence counts them."""
    from genapp.models.pixelcnn_layers import compare_fields
    from genapp.ui.tabs.pixelcnn_pictures import BLIND, CURRENT, FIELD_PAPER, FRAME_SCALE

    r, c = 14, 14
    plain_path, gated_path, summary = client.predict(7, 7, r, c, api_name="/pixelcnn_blind_spot")
    fields = compare_fields(7, 7, r, c)
    blind = (fields["gated"] & ~fields["plain"]).numpy()
    assert 20 < blind.sum() < 40   # the shipped model's depth and kernel: a triangle of about 28
    for path, arch, amber in ((plain_path, "plain", blind), (gated_path, "gated", np.zeros_like(blind))):
        px = pixels(rgb(path), FRAME_SCALE)
        is_amber = (np.abs(px - np.array(BLIND)) < 30).all(-1)
        is_blue = (np.abs(px - np.array(FIELD_PAPER)) < 30).all(-1)
        assert np.array_equal(is_amber, amber), arch
        assert np.array_equal(is_blue, fields[arch].numpy() & ~amber), arch
        assert (np.abs(px[r, c] - np.array(CURRENT)) < 30).all()
    ys, xs = np.nonzero(blind)
    assert (ys < r).all() and (xs > c).all()
    assert f"**{int(fields['plain'].sum())}**" in summary and f"**{int(blind.sum())}**" in summary
    # a 1-layer stack with a 3 x 3 kernel: the masked one misses only the pixel above-right
    _, _, small = client.predict(1, 3, r, c, api_name="/pixelcnn_blind_spot")
    assert "**1** pixels" in small
    assert "not in the list of choices: [3, 5, 7]" in app_error(client, 7, 4, r, c, api_name="/pixelcnn_blind_spot")
    assert "maximum value 27" in app_error(client, 7, 7, 28, c, api_name="/pixelcnn_blind_spot")


def trained_pixelcnn() -> Path | None:
    for root in (os.environ.get("GENAPP_APP_TEST_PRETRAINED"), REPO / "pretrained"):
        if root and (Path(root) / "mnist-pixelcnn" / "model.safetensors").exists():
            return Path(root) / "mnist-pixelcnn"
    return None


def test_a_trained_pixelcnn_finds_the_real_digit_more_probable_than_noise():
    folder = trained_pixelcnn()
    if folder is None:
        pytest.skip("no trained pretrained/mnist-pixelcnn yet (python -m train pixelcnn --dataset mnist)")
    import genapp
    from genapp.ui.tabs import pixelcnn_likelihood as likelihood

    model = genapp.load(str(folder))
    for index in (0, 1, 2):
        images = likelihood.variants(model.test_images(index + 1)[index:index + 1], seed=0)
        nats = {r["image"]: r["nats"] for r in likelihood.scores(model, images)}
        assert nats["real"] < nats["flipped"] < nats["noise"], nats
        assert nats["real"] < 0.5 * likelihood.uniform_nats(SIZE * SIZE), nats       # far below a coin flip
        assert nats["flipped"] > nats["real"] + 100, nats   # 10 % of the pixels flipped: hundreds of nats


# ---------------------------------------------------------------- Korean
def test_the_tab_has_a_korean_label(app_url):
    config = json.load(urllib.request.urlopen(f"{app_url}/config"))
    tab = next(c for c in config["components"] if c.get("props", {}).get("elem_id") == "tab-pixelcnn")
    assert "tab_pixelcnn" in tab["props"]["label"]                                   # translated by the page
    assert config["i18n_translations"]["ko"]["tab_pixelcnn"] == "PixelCNN (픽셀 단위)"
    assert config["i18n_translations"]["en"]["tab_pixelcnn"] == "PixelCNN"
