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
