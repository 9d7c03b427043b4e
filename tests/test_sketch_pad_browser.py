"""The Sketchpad keeps everything drawn on it: strokes drawn with the mouse near the four corners
and the four edges of the pad a visitor sees all reach the server, at 1280 px and on a phone.

The pad used to show a 720 x 420 area around a 360 x 360 drawable square: strokes outside the
square vanished, and a first shoe lost most of its outline.
"""
from __future__ import annotations

import numpy as np
import pytest

from genapp.ui.tabs import sketch as sketch_tab

from .browser import TIMEOUT, shot, wait_img

pytestmark = pytest.mark.filterwarnings("ignore:::gradio.queueing")  # pandas 3 deprecations inside Gradio

# The pad a visitor sees: the part of the canvas's box where a point lands on the canvas (not
# clipped away, not under the label or a toolbar), found by walking in from each side along the
# lines at 30 % and 70 % across.
VISIBLE_PAD = """() => {
    const canvas = document.querySelector('#sketch-pad canvas');
    const b = canvas.getBoundingClientRect();
    const on = (x, y) => { const e = document.elementFromPoint(x, y); return !!e && e.tagName === 'CANVAS'
                                                                         && !!e.closest('#sketch-pad'); };
    const walk = (from, to, at) => { const step = from < to ? 1 : -1;
        for (let v = from; step > 0 ? v <= to : v >= to; v += step) if (at(v)) return v; return null; };
    const ys = [0.3, 0.7].map(f => b.top + f * b.height), xs = [0.3, 0.7].map(f => b.left + f * b.width);
    const left = Math.min(...ys.map(y => walk(Math.ceil(b.left), Math.floor(b.right), x => on(x, y))));
    const right = Math.max(...ys.map(y => walk(Math.floor(b.right) - 1, Math.ceil(b.left), x => on(x, y))));
    const top = Math.min(...xs.map(x => walk(Math.ceil(b.top), Math.floor(b.bottom), y => on(x, y))));
    const bottom = Math.max(...xs.map(x => walk(Math.floor(b.bottom) - 1, Math.ceil(b.top), y => on(x, y))));
    return {left, top, right: right + 1, bottom: bottom + 1};
}"""

INSET = 0.03  # strokes this far (a share of the pad's side) inside its edges
LEG = 0.08    # each stroke's length


def strokes() -> dict[str, list[tuple[float, float]]]:
    """Short strokes (fractions of the visible pad): an L in each corner, a dash at each edge's middle."""
    a, b, m = INSET, 1 - INSET, LEG
    return {
        "top-left": [(a, a + m), (a, a), (a + m, a)],
        "top-right": [(b - m, a), (b, a), (b, a + m)],
        "bottom-left": [(a, b - m), (a, b), (a + m, b)],
        "bottom-right": [(b - m, b), (b, b), (b, b - m)],
        "top": [(0.5 - m / 2, a), (0.5 + m / 2, a)],
        "bottom": [(0.5 - m / 2, b), (0.5 + m / 2, b)],
        "left": [(a, 0.5 - m / 2), (a, 0.5 + m / 2)],
        "right": [(b, 0.5 - m / 2), (b, 0.5 + m / 2)],
    }


def ink(img) -> np.ndarray:
    """Where the drawing has ink (the pad's composite: black strokes, a clear or white background)."""
    rgba = np.asarray(img.convert("RGBA"), dtype=np.int32)
    return (rgba[..., 3] > 128) & (rgba[..., :3].sum(-1) < 3 * 128)


@pytest.mark.parametrize("viewport", [(1280, 900), (390, 844)], ids=["1280px", "phone"])
def test_strokes_near_every_edge_of_the_pad_reach_the_server(browser, app_url, monkeypatch, viewport):
    received = []
    real = sketch_tab.sketch_to_edges

    def recording(img, *args, **kwargs):  # what the "Make the shoe" handler got from the browser
        received.append(None if img is None else img.copy())
        return real(img, *args, **kwargs)

    monkeypatch.setattr(sketch_tab, "sketch_to_edges", recording)
    w, h = viewport
    phone = w < 600
    ctx = browser.new_context(viewport={"width": w, "height": h}, is_mobile=phone)
    page = ctx.new_page()
    page.set_default_timeout(TIMEOUT)
    try:
        page.goto(f"{app_url}/?tab=sketch", wait_until="load")
        first = wait_img(page, "sketch-shoe")  # the tab's first look (an example sketch)
        pad = page.locator("#sketch-pad")
        pad.locator("button.highlight[aria-label='Brush']").wait_for()  # picked by the app (genapp/ui/app.py)
        pad.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        box = page.evaluate(VISIBLE_PAD)
        side_x, side_y = box["right"] - box["left"], box["bottom"] - box["top"]

        def at(p):
            return box["left"] + p[0] * side_x, box["top"] + p[1] * side_y

        for points in strokes().values():
            page.mouse.move(*at(points[0]))
            page.mouse.down()
            for p in points[1:]:
                # One move per segment: the brush draws a segment from the last point to each new
                # one (Gradio's ImageEditor), and every move repaints the pad's WebGL canvas in
                # software here (1-5 s a move on 2 busy cores); in-between steps added no ink.
                page.mouse.move(*at(p))
            page.mouse.up()
        page.wait_for_timeout(300)
        received.clear()
        page.locator("#sketch-draw-go").click()
        # a new shoe, or a message (a drawing that lost every stroke is "empty")
        page.wait_for_function(f"""(() => {{ const i = document.querySelector('#sketch-shoe img');
            return (i && i.complete && i.naturalWidth > 0 && i.src !== {first!r})
                || !!document.querySelector("[data-testid='toast-body']"); }})()""")
        shot(page, f"sketch_pad_edges_{w}")
        assert received, "the drawing never reached the server's handler"
        # the pad's value, or None: the server got an empty canvas (every stroke lost)
        drawn = np.zeros((sketch_tab.CANVAS,) * 2, bool) if received[-1] is None else ink(received[-1])
        hh, ww = drawn.shape
        # each stroke lands where it was drawn: the visible pad is the whole drawing, edge to edge
        missing = {}
        for name, points in strokes().items():
            xs = [p[0] * ww for p in points]
            ys = [p[1] * hh for p in points]
            slack = 0.04 * max(ww, hh)
            y0, y1 = int(max(0, min(ys) - slack)), int(min(hh, max(ys) + slack)) + 1
            x0, x1 = int(max(0, min(xs) - slack)), int(min(ww, max(xs) + slack)) + 1
            found = int(drawn[y0:y1, x0:x1].sum())
            if found < 0.5 * LEG * max(ww, hh):  # at least half a leg's length of ink
                missing[name] = found
        assert not missing, (f"at {w} x {h}, strokes drawn near these edges of the pad {box} never reached the "
                             f"server's {ww} x {hh} drawing (ink pixels found where each was drawn): {missing}")
    finally:
        ctx.close()
