"""Upload validation: every hostile input gives an image or a clear message, never a crash."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from genapp.images import ImageInputError, load_image

from .hostile import corpus

CORPUS = corpus()


def test_corpus_is_large_enough():
    assert len(CORPUS) >= 20


@pytest.mark.parametrize("name,blob,expect", CORPUS, ids=[c[0] for c in CORPUS])
def test_hostile_input_gives_image_or_clear_message(name, blob, expect, tmp_path):
    path = tmp_path / f"upload_{name}"
    path.write_bytes(blob)
    if expect == "ok":
        notes: list[str] = []
        img = load_image(str(path), notes)
        assert img.mode == "RGB" and min(img.size) >= 64
    else:
        with pytest.raises(ImageInputError) as err:
            load_image(str(path))
        msg = str(err.value)
        assert len(msg) > 20 and "Traceback" not in msg


def test_exif_orientation_is_applied(tmp_path):
    blob = dict((n, b) for n, b, _ in CORPUS)["exif_rotated_jpeg"]
    img = load_image(blob)
    assert img.size == (80, 160)  # stored 160 x 80, displayed rotated


def test_animated_and_small_images_say_what_happened():
    by = {n: b for n, b, _ in CORPUS}
    notes: list[str] = []
    load_image(by["animated_gif"], notes)
    assert any("first frame" in n for n in notes)
    notes = []
    assert min(load_image(by["tiny_16px"], notes).size) == 64
    assert any("upscaled" in n for n in notes)


def test_bomb_is_refused_before_decoding():
    by = {n: b for n, b, _ in CORPUS}
    with pytest.raises(ImageInputError, match="megapixels"):
        load_image(by["png_bomb_header"])


def test_transparent_drawing_lands_on_white_and_arrays_are_accepted():
    rgba = Image.new("RGBA", (80, 80), (0, 0, 0, 0))
    assert load_image(rgba).getpixel((5, 5)) == (255, 255, 255)
    assert load_image(np.zeros((80, 80), dtype=np.float32)).getpixel((0, 0)) == (0, 0, 0)
    with pytest.raises(ImageInputError, match="NaN"):
        load_image(np.full((80, 80), np.nan))
    with pytest.raises(ImageInputError, match="No image"):
        load_image(None)
    assert load_image({"background": None, "layers": [], "composite": rgba}).size == (80, 80)


def test_an_upload_over_the_size_limit_names_the_limit(tmp_path):
    from genapp.images import MAX_BYTES

    big = tmp_path / "big.png"
    with open(big, "wb") as f:  # a valid PNG head, then padding past the limit
        Image.new("RGB", (16, 16), "white").save(f, format="PNG")
        f.truncate(MAX_BYTES + 1)
    with pytest.raises(ImageInputError, match=r"The file is 20\.0 MB, over the 20 MB limit"):
        load_image(str(big))
    with pytest.raises(ImageInputError, match="over the 20 MB limit"):
        load_image(big.read_bytes())


def _zhang_suen_by_the_book(mask: np.ndarray) -> np.ndarray:
    """Zhang & Suen (1984), pixel by pixel: the reference the vectorised ``thin`` must equal."""
    img = np.pad(mask.astype(np.uint8), 1)
    while True:
        changed = False
        for step in (0, 1):
            remove = []
            for y in range(1, img.shape[0] - 1):
                for x in range(1, img.shape[1] - 1):
                    if not img[y, x]:
                        continue
                    p = [img[y - 1, x], img[y - 1, x + 1], img[y, x + 1], img[y + 1, x + 1],
                         img[y + 1, x], img[y + 1, x - 1], img[y, x - 1], img[y - 1, x - 1]]  # P2..P9
                    b = sum(p)
                    a = sum(p[i] == 0 and p[(i + 1) % 8] == 1 for i in range(8))
                    p2, p4, p6, p8 = p[0], p[2], p[4], p[6]
                    c = p2 * p4 * p6 if step == 0 else p2 * p4 * p8
                    d = p4 * p6 * p8 if step == 0 else p2 * p6 * p8
                    if 2 <= b <= 6 and a == 1 and c == 0 and d == 0:
                        remove.append((y, x))
            for y, x in remove:
                img[y, x] = 0
            changed |= bool(remove)
        if not changed:
            return img[1:-1, 1:-1].astype(bool)


def test_thinning_is_zhang_suen_and_leaves_one_pixel_lines():
    from genapp.drawing import thin

    rng = np.random.default_rng(0)
    for i in range(40):
        h, w = rng.integers(3, 40, 2)
        mask = rng.random((h, w)) < rng.uniform(0.1, 0.9)
        assert np.array_equal(thin(mask), _zhang_suen_by_the_book(mask)), i
    ring = np.zeros((60, 60), bool)
    yy, xx = np.mgrid[:60, :60]
    ring[(abs(np.hypot(yy - 30, xx - 30) - 20) < 4)] = True       # an 8 px thick ring
    skeleton = thin(ring)
    assert skeleton.any() and not (skeleton & ~ring).any()           # inside the stroke
    assert not (skeleton[:-1, :-1] & skeleton[1:, :-1] & skeleton[:-1, 1:] & skeleton[1:, 1:]).any()  # no 2x2 ink
    assert not thin(np.zeros((8, 8), bool)).any()


def _lit_unevenly(drawing: Image.Image, bright: float, dim: float, ink: float, seed: int = 0) -> Image.Image:
    """A drawing on white -> a photo of it in pencil on paper, the light falling off towards the
    lower right (``bright`` to ``dim``), with noise and a little blur."""
    from PIL import ImageFilter

    a = np.asarray(drawing.convert("L"), dtype=np.float32) / 255.0
    h, w = a.shape
    yy, xx = np.mgrid[0:h, 0:w]
    paper = bright - (bright - dim) * (0.6 * xx / w + 0.4 * yy / h)
    img = paper * a + ink * (1 - a) + np.random.default_rng(seed).normal(0, 5, a.shape)
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(1.0)).convert("RGB")


def _near(a: np.ndarray, b: np.ndarray, px: int = 3) -> float:
    """Share of a's pixels within ``px`` of one of b's."""
    from PIL import ImageFilter

    grown = np.asarray(Image.fromarray(b.astype(np.uint8) * 255).filter(ImageFilter.MaxFilter(2 * px + 1))) > 0
    return float((a & grown).sum() / max(1, a.sum()))


@pytest.mark.parametrize("dim", [150, 120, 95])
def test_a_photo_of_a_pencil_drawing_lit_unevenly_gives_the_drawings_own_edge_map(dim):
    """A dim corner is paper, not ink: one line per stroke where the page is lit unevenly, as
    from the clean drawing (without evening the light out, the dim side took the photo path:
    both sides of every stroke traced, and gaps)."""
    from genapp.drawing import example_sketches, sketch_to_edges

    for name, clean in example_sketches().items():
        want = np.asarray(sketch_to_edges(clean))[..., 0] < 128
        got = np.asarray(sketch_to_edges(_lit_unevenly(clean, 215, dim, 60)))[..., 0] < 128
        assert _near(got, want) > 0.97 and _near(want, got) > 0.97, name       # the same lines...
        assert 0.8 < got.sum() / want.sum() < 1.25, name                        # ...and only once


def test_evening_out_the_light_leaves_even_pages_photos_and_filled_shapes_alone():
    from genapp.drawing import even_out_light, page_light

    rng = np.random.default_rng(1)
    white = np.full((300, 400), 255.0, np.float32)
    shape = white.copy()
    shape[40:260, 30:330] = 20.0                                  # a dark filled area over half the page
    photo = np.clip(rng.normal(128, 60, (256, 256)).cumsum(1) % 255, 0, 255).astype(np.float32)
    photo[:, :40] = photo[:, -40:] = 250.0                         # a busy picture on a white ground
    for a in (white, shape, photo, np.full((64, 64), 200.0, np.float32)):
        assert even_out_light(a) is a
    # under a drawing, the light is found to within a few grey levels of a 120-level fall
    h, w = 240, 320
    yy, xx = np.mgrid[0:h, 0:w]
    light = 220 - 90 * (xx / w) ** 2 - 30 * yy / h
    page = light.copy()
    page[100:104, 20:300] = 50                                     # a stroke
    page[30:200, 150:153] = 50
    err = np.abs(page_light(page) - light)
    assert err.mean() < 6 and err.max() < 12, (err.mean(), err.max())  # a tile's brightest tenth is a bit above its mean
    evened = even_out_light(page)
    assert (evened[page > 100] > 225).all() and (evened[page < 100] < 110).all()
