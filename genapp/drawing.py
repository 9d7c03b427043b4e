"""Pictures for the app, without gradio: sketch preprocessing, drawn examples, labelled strips.

The pix2pix shoe model was trained on edges2shoes, whose inputs are HED edge maps: thin (about
1 px at 256 px) dark lines on white, the shoe filling the frame, side view. A finger or mouse
drawing is nothing like that -- thick strokes, off-centre, small or huge -- so
:func:`sketch_to_edges` turns any drawing or upload into that look before the model sees it:
ink mask (on a photographed page, after evening out its light) -> crop to the ink -> areas coloured
in become their outline -> place it in a 256 px
square the way edges2shoes places its shoes -> thin every stroke to one pixel (Zhang & Suen
1984) -> dark lines on white.

Where edges2shoes puts a shoe (measured on our 900 training pairs, the box around the ink of each
edge map): its longer side spans the frame to within a few pixels (a low shoe x 2-253, a boot
y 5-252), centred left to right, and the sole sits on one line whatever the shoe's height (the
box ends at y 249-254 for half of them, median 252). So a low shoe lies at the bottom of the
frame, not in its middle; drawn in the middle, pix2pix paints a smeared second sole below it.
"""
from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

EDGE_SIZE = 256        # edges2shoes stores 256 x 256 edge maps
FILL = 0.97            # the longer side of the shoe's box: 248 of 256 px, as in edges2shoes
SOLE = 252 / 256       # where the box ends (the sole), as a fraction of the frame's height
MIN_INK_PIXELS = 12    # fewer dark pixels than this is an empty canvas (or a stray click)
FILLED = 0.06          # ink this thick (a share of the drawing's longer side, at least 5 px) is coloured in


class EmptySketch(ValueError):
    """Nothing was drawn."""

    def __init__(self, message: str = "The sketch is empty — draw the outline of a shoe"):
        super().__init__(message)


# ---------------------------------------------------------------- sketch -> edge map
def flatten_on_white(img: Image.Image) -> Image.Image:
    """Any mode -> L, transparent pixels becoming white (a Sketchpad layer is transparent)."""
    if img.mode in ("RGBA", "LA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        bg = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(bg, rgba)
    return img.convert("L")


UNEVEN_PAGE = 24.0     # grey levels the page's brightness must vary by before it is evened out


def page_light(a: np.ndarray, blocks: int = 8) -> np.ndarray:
    """The brightness of the bare page at every pixel: a smooth (quadratic) surface fitted to the
    brightest part of each of ``blocks`` x ``blocks`` tiles, ignoring tiles that are mostly ink.

    A photo of a drawing on paper is lit unevenly (a lamp, the phone's shadow). Lines are a
    small part of each tile, so each tile's 90th percentile is the paper there. A quadratic
    surface follows light falling off across the page. It cannot follow a drawn or photographed
    shape, and tiles much darker than the fit (a filled area, a shoe in a photo) are dropped
    before it is fitted again. The first fit uses the brighter half of the tiles, so a dark shape
    that covers many tiles cannot pull the page's level down.
    """
    h, w = a.shape
    step = max(1, min(h, w) // (blocks * 24))  # about 24 x 24 pixels of each tile are plenty
    small = a[::step, ::step]
    ty, tx = max(1, small.shape[0] // blocks), max(1, small.shape[1] // blocks)
    tiles = small[:ty * blocks, :tx * blocks].reshape(blocks, ty, blocks, tx).transpose(0, 2, 1, 3)
    top = np.percentile(tiles.reshape(blocks * blocks, -1), 90, axis=1)
    c = (np.arange(blocks) + 0.5) / blocks * 2 - 1
    cy, cx = (g.ravel() for g in np.meshgrid(c, c, indexing="ij"))
    design = np.stack([np.ones_like(cy), cx, cy, cx * cx, cx * cy, cy * cy], -1)
    keep = top >= np.median(top)  # start from the brighter half: paper, whatever else is there
    for _ in range(5):
        coef, *_ = np.linalg.lstsq(design[keep], top[keep], rcond=None)
        resid = top - design @ coef
        spread = max(6.0, 2.5 * float(np.median(np.abs(resid[keep]))))
        new_keep = resid > -spread  # tiles as bright as the fitted paper there, or brighter
        if new_keep.sum() < 12 or (new_keep == keep).all():
            break
        keep = new_keep
    y = ((np.arange(h) + 0.5) / h * 2 - 1).astype(np.float32)[:, None]
    x = ((np.arange(w) + 0.5) / w * 2 - 1).astype(np.float32)[None, :]
    c0, c1, c2, c3, c4, c5 = (np.float32(v) for v in coef)
    return (c0 + c2 * y + c5 * y * y) + x * (c1 + c3 * x + c4 * y)


def even_out_light(a: np.ndarray) -> np.ndarray:
    """Grey levels of a page -> the same with its lighting evened out (the bare page at 255),
    when the page's brightness varies by more than ``UNEVEN_PAGE``; else unchanged."""
    if min(a.shape) < 16:
        return a
    light = page_light(a)
    if float(light.max() - light.min()) < UNEVEN_PAGE:
        return a
    return np.clip(a * (255.0 / np.clip(light, 32.0, None)), 0.0, 255.0)


def ink_mask(gray: Image.Image) -> np.ndarray:
    """Where the drawing is: dark lines on a light page (inverted first if the page is dark).

    A page lit unevenly (a photo of a drawing on paper) is evened out first, so a dim corner is
    paper, not ink. A photo or a filled silhouette (lots of dark area) is reduced to its edges,
    so an upload of a shoe picture still becomes an outline.
    """
    a = np.asarray(gray, dtype=np.float32)
    if a.mean() < 110:          # white lines on a dark page
        a = 255.0 - a
    a = even_out_light(a)
    mask = a < 160
    if mask.mean() > 0.2:       # a photo or a filled shape, not a line drawing
        edges = np.asarray(gray.filter(ImageFilter.GaussianBlur(1)).filter(ImageFilter.FIND_EDGES), dtype=np.float32)
        mask = edges > max(24.0, float(np.percentile(edges, 92)))
        mask[:2, :] = mask[-2:, :] = False
        mask[:, :2] = mask[:, -2:] = False
    return mask


def _zhang_suen_tables() -> tuple[np.ndarray, np.ndarray]:
    """For each of the 256 neighbourhoods (bit k = neighbour P(k+2), clockwise from the pixel
    above): may the centre go in Zhang-Suen's first / second sub-iteration?"""
    codes = np.arange(256)
    p = [(codes >> k) & 1 for k in range(8)]               # P2 (north), P3, ..., P9 (north-west)
    p2, p3, p4, p5, p6, p7, p8, p9 = p
    b = sum(p)                                              # B: how many neighbours are ink
    a = sum((p[i] == 0) & (p[(i + 1) % 8] == 1) for i in range(8))  # A: 0 -> 1 steps around
    base = (b >= 2) & (b <= 6) & (a == 1)
    return (base & (p2 * p4 * p6 == 0) & (p4 * p6 * p8 == 0),
            base & (p2 * p4 * p8 == 0) & (p2 * p6 * p8 == 0))


_THIN_STEPS = _zhang_suen_tables()


def thin(mask: np.ndarray, max_iter: int = 64) -> np.ndarray:
    """Zhang-Suen thinning: strokes of any width -> 1 px skeletons (vectorised with numpy).

    Each sub-iteration packs the 8 neighbours of every pixel into one byte and looks the verdict
    up in a 256-entry table, on the ink's bounding box only (a few times faster than evaluating
    the conditions pixel-array by pixel-array; the same skeleton).
    """
    mask = np.asarray(mask, dtype=bool)
    out = np.zeros(mask.shape, dtype=bool)
    ys, xs = np.nonzero(mask)
    if len(ys) == 0:
        return out
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    img = np.pad(mask[y0:y1, x0:x1].astype(np.uint8), 1)
    for _ in range(max_iter):
        changed = False
        for table in _THIN_STEPS:
            p = img
            code = (p[:-2, 1:-1] | (p[:-2, 2:] << 1) | (p[1:-1, 2:] << 2) | (p[2:, 2:] << 3)
                    | (p[2:, 1:-1] << 4) | (p[2:, :-2] << 5) | (p[1:-1, :-2] << 6) | (p[:-2, :-2] << 7))
            remove = (p[1:-1, 1:-1] == 1) & table[code]
            if remove.any():
                img = img.copy()
                img[1:-1, 1:-1][remove] = 0
                changed = True
        if not changed:
            break
    out[y0:y1, x0:x1] = img[1:-1, 1:-1].astype(bool)
    return out


def _square(mask: np.ndarray, k: int, grow: bool) -> np.ndarray:
    """Dilate (``grow``) or erode a bool mask by a k x k square (separable running sums, so any k
    costs the same; outside the picture counts as empty)."""
    r = k // 2
    out = mask
    for axis in (0, 1):
        pad = [(0, 0), (0, 0)]
        pad[axis] = (r + 1, r)
        c = np.cumsum(np.pad(out, pad).astype(np.int32), axis=axis)
        n = out.shape[axis]
        count = np.take(c, np.arange(k, k + n), axis=axis) - np.take(c, np.arange(0, n), axis=axis)
        out = count > 0 if grow else count == k
    return out


def filled_to_outline(ink: np.ndarray, width: int) -> np.ndarray:
    """Areas coloured in (ink ``width`` px thick or more) -> their outline; strokes stay as they are.

    Thinning a filled shape would leave its middle line (a stick), not its outline, and pix2pix
    would read a stick. A stroke thinner than ``width`` vanishes under the opening; what is left
    is the coloured-in part, and its border replaces it.
    """
    solid = _square(_square(ink, width, grow=False), width, grow=True)   # morphological opening
    if not solid.any():
        return ink
    border = solid & ~_square(solid, 3, grow=False)
    return (ink & ~solid) | border


def sketch_to_edges(img: Image.Image, size: int = EDGE_SIZE, fill: float = FILL) -> Image.Image:
    """A drawing or an upload -> an edges2shoes-like edge map (RGB, ``size`` x ``size``).

    Raises :class:`EmptySketch` when there is nothing drawn.
    """
    if img is None:
        raise EmptySketch()
    gray = flatten_on_white(img)
    # Work at a bounded resolution: thinning a 2000 px upload would be slow for no gain.
    if max(gray.size) > 1024:
        gray.thumbnail((1024, 1024), Image.LANCZOS)
    mask = ink_mask(gray)
    if mask.sum() < MIN_INK_PIXELS:
        raise EmptySketch()
    ys, xs = np.nonzero(mask)
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    ink = mask[y0:y1, x0:x1]
    ink = filled_to_outline(ink, max(5, round(FILLED * max(ink.shape))) | 1)
    crop = Image.fromarray((ink * 255).astype(np.uint8))
    h, w = crop.height, crop.width
    scale = (size * fill) / max(h, w)
    nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
    crop = crop.resize((nw, nh), Image.BILINEAR)
    canvas = Image.new("L", (size, size), 0)
    top = max(0, min(size - nh, round(size * SOLE) - nh))  # sole on edges2shoes' line, centred across
    canvas.paste(crop, ((size - nw) // 2, top))
    # A line must stay connected through the resize before it is thinned back to one pixel.
    canvas = canvas.filter(ImageFilter.MaxFilter(3))
    skeleton = thin(np.asarray(canvas) > 64)
    # Thinning keeps a stroke's middle line, half a stroke inside the box: put that line's box
    # on the sole line, centred across.
    ys, xs = np.nonzero(skeleton)
    dy = max(round(size * SOLE) - 1 - ys.max(), -ys.min())
    dx = (size - 1 - xs.max() - xs.min()) // 2
    placed = np.zeros_like(skeleton)
    placed[ys + dy, xs + dx] = True
    out = np.where(placed, 0, 255).astype(np.uint8)
    return Image.fromarray(out, "L").convert("RGB")


# ---------------------------------------------------------------- example sketches (drawn here)
def _poly(d: ImageDraw.ImageDraw, pts, width: int) -> None:
    d.line(pts, fill=0, width=width, joint="curve")


def _curve(p0, p1, p2, n: int = 24):
    """Points of a quadratic Bezier curve."""
    return [((1 - t) ** 2 * p0[0] + 2 * (1 - t) * t * p1[0] + t * t * p2[0],
             (1 - t) ** 2 * p0[1] + 2 * (1 - t) * t * p1[1] + t * t * p2[1]) for t in (i / n for i in range(n + 1))]


def example_sketches(size: int = 512, width: int = 7) -> dict[str, Image.Image]:
    """Three shoe outlines drawn with PIL lines (no dataset image involved): boot, sneaker, heel
    (the Sketch tab opens with the first). Side views, toe to the left, as edges2shoes' shoes
    (all but 3 of our 1,000 training pairs) and as the tab's instruction asks.

    Drawn thick on purpose, like a finger on a tablet, so the preprocessing has work to do.
    """
    s = size / 512
    out = {}

    def canvas():
        im = Image.new("L", (size, size), 255)
        return im, ImageDraw.Draw(im)

    def sc(pts):
        return [(x * s, y * s) for x, y in pts]

    # ankle boot: tall shaft at the back (right), toe to the left, small heel
    im, d = canvas()
    boot = [(362, 90), (182, 90)] + _curve((182, 90), (187, 250), (152, 300)) + \
        _curve((152, 300), (62, 330), (57, 390)) + [(57, 400), (392, 400), (392, 360), (362, 350)] + \
        _curve((362, 350), (372, 200), (362, 90))
    _poly(d, sc(boot), width)
    _poly(d, sc([(392, 400), (392, 430), (322, 430), (322, 400)]), width)
    _poly(d, sc([(362, 120), (182, 120)]), max(2, width - 2))
    out["boot"] = im.convert("RGB")

    # sneaker: low toe on the left rising to the collar at the back, a sole band, laces
    im, d = canvas()
    upper = _curve((45, 335), (45, 280), (140, 262)) + _curve((140, 262), (240, 240), (300, 190)) + [(335, 178)] + \
        _curve((335, 178), (410, 160), (440, 190)) + _curve((440, 190), (465, 260), (462, 335))
    _poly(d, sc(upper), width)
    _poly(d, sc([(45, 335), (462, 335)]), width)
    _poly(d, sc(_curve((42, 338), (40, 372), (85, 376)) + [(440, 376)] + _curve((440, 376), (468, 370), (462, 335))),
          width)
    for i in range(5):
        x, y = 190 + i * 26, 258 - i * 15
        _poly(d, sc([(x, y), (x + 26, y + 20)]), max(2, width - 2))
    _poly(d, sc(_curve((45, 335), (75, 285), (140, 272))), max(2, width - 2))
    out["sneaker"] = im.convert("RGB")

    # high heel: pointed toe, stiletto
    im, d = canvas()
    heel = _curve((70, 380), (120, 300), (260, 290)) + _curve((260, 290), (360, 250), (380, 170)) + \
        [(420, 150)] + _curve((420, 150), (440, 230), (430, 300))
    _poly(d, sc(heel), width)
    _poly(d, sc(_curve((70, 380), (230, 395), (340, 330)) + [(430, 300)]), width)
    _poly(d, sc([(410, 305), (420, 430), (432, 430), (432, 300)]), width)
    out["heel"] = im.convert("RGB")
    return out


def example_photo(size: int = 256, seed: int = 0) -> Image.Image:
    """A drawn stand-in for a horse photo (brown animal shape on grass under sky), for demos/tests."""
    rng = np.random.default_rng(seed)
    im = Image.new("RGB", (size, size), (150, 190, 235))
    d = ImageDraw.Draw(im)
    d.rectangle((0, size * 0.62, size, size), fill=(90, 150, 60))
    s = size / 256
    brown = (120, 75, 40)
    d.ellipse((60 * s, 105 * s, 185 * s, 165 * s), fill=brown)                     # body
    d.polygon([(165 * s, 120 * s), (200 * s, 70 * s), (215 * s, 80 * s), (185 * s, 135 * s)], fill=brown)  # neck
    d.ellipse((195 * s, 62 * s, 232 * s, 88 * s), fill=brown)                      # head
    for x in (75, 100, 150, 170):                                                  # legs
        d.rectangle((x * s, 150 * s, (x + 10) * s, 205 * s), fill=brown)
    d.line([(62 * s, 120 * s), (40 * s, 160 * s)], fill=(60, 40, 20), width=int(6 * s))  # tail
    arr = np.asarray(im).astype(np.float32) + rng.normal(0, 6, (size, size, 3))
    return Image.fromarray(arr.clip(0, 255).astype(np.uint8))


# ---------------------------------------------------------------- labelled strips
def _font(px: int):
    try:
        return ImageFont.load_default(size=px)
    except TypeError:  # Pillow < 10.1: a fixed bitmap font
        return ImageFont.load_default()


def labelled_row(images: list[Image.Image], labels: list[str], gap: int = 8, min_side: int = 112) -> Image.Image:
    """Images side by side with a caption under each (e.g. mean A | mean B | mean C | A - B + C)."""
    side = max(min_side, max(max(im.size) for im in images))
    tiles = []
    for im in images:
        k = max(1, side // max(im.size))
        tiles.append(im.resize((im.width * k, im.height * k), Image.NEAREST) if k > 1 else im)
    text_h = max(16, side // 7)
    w = sum(t.width for t in tiles) + gap * (len(tiles) + 1)
    h = max(t.height for t in tiles) + text_h + gap * 2
    out = Image.new("RGB", (w, h), (255, 255, 255))
    d = ImageDraw.Draw(out)
    font = _font(max(12, text_h - 4))
    x = gap
    for t, label in zip(tiles, labels):
        out.paste(t.convert("RGB"), (x, gap))
        tw = d.textlength(label, font=font)
        d.text((x + (t.width - tw) / 2, gap + t.height + 2), label, fill=(30, 30, 30), font=font)
        x += t.width + gap
    return out


def upscale_for_display(img: Image.Image, target: int = 256) -> Image.Image:
    """Small grids (28 px digits) get an integer nearest-neighbour upscale so pixels stay sharp."""
    k = max(1, min(4, math.floor(target / max(img.size))))
    return img.resize((img.width * k, img.height * k), Image.NEAREST) if k > 1 else img
