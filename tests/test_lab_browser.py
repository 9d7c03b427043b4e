"""The Lab in a real browser (headless Chromium, Playwright), at a projector's 1280 px and a
phone's 390 x 844: the plot counts clicks in whole numbers, the step log fits the page, and no
label covers the live view's picture. Screenshots: lab_layout_*.png (see browser.py)."""
from __future__ import annotations

import re

import pytest

from . import browser as B
from .browser import TIMEOUT, wait_img, wait_text

pytestmark = pytest.mark.filterwarnings("ignore:::gradio.queueing")  # pandas 3 deprecations inside Gradio

PHONE = {"width": 390, "height": 844}
X_LABELS = ("[...document.querySelectorAll('#lab-plot svg g.role-axis')]"
            ".filter(g => (g.getAttribute('aria-label') || '').startsWith('X-axis'))"
            ".flatMap(g => [...g.querySelectorAll('.role-axis-label text')].map(t => t.textContent))")


def open_lab(browser, app_url, family: str, viewport=None):
    ctx = browser.new_context(locale="en-US", viewport=viewport or B.VIEWPORT)
    page = ctx.new_page()
    page.set_default_timeout(2 * TIMEOUT)  # the first page of a session waits for the app's warm-up
    page.goto(f"{app_url}/?tab=lab&family={family}&seed=0", wait_until="load")
    wait_img(page, "lab-view")  # the seed's model, drawn on load
    wait_text(page, "lab-stats", "0 / 0")
    return page


def click_steps(page, buttons, stats: str) -> None:
    for button in buttons:
        page.locator(f"#{button}").click()
    wait_text(page, "lab-stats", stats)
    page.wait_for_timeout(800)  # the plot and the table redraw after the numbers arrive


def x_ticks(page) -> list[str]:
    """The x axis's tick labels, once the plot has drawn them."""
    page.wait_for_function("(() => { const g = [...document.querySelectorAll('#lab-plot svg g.role-axis')]"
                           ".find(g => (g.getAttribute('aria-label') || '').startsWith('X-axis'));"
                           " return !!g && g.querySelectorAll('.role-axis-label text').length > 0; })()")
    return page.evaluate(X_LABELS)


def overlaps(page) -> list:
    """Every (label, picture) pair in the Lab whose boxes intersect: a label drawn over an image."""
    return page.evaluate("""(() => {
        const box = e => e.getBoundingClientRect();
        const shown = e => { const b = box(e); return b.width > 0 && b.height > 0 && e.offsetParent !== null; };
        const tab = document.querySelector('#tab-lab') || document;
        const labels = [...tab.querySelectorAll('[data-testid="block-label"], #lab-view-caption')].filter(shown);
        const pictures = [...tab.querySelectorAll('img')].filter(shown);
        const out = [];
        for (const l of labels) for (const p of pictures) {
            const a = box(l), b = box(p);
            if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1)
                out.push([l.innerText, p.closest('[id]')?.id, [a.left, a.top, a.right, a.bottom], [b.left, b.top, b.right, b.bottom]]);
        }
        return out;
    })()""")


def wider_than_shown(page, elem_id: str) -> list:
    """Elements shown in ``elem_id`` whose content is wider than their box (a sideways scroll or
    clipped text). Gradio's table keeps a collapsed row to measure the cells: not shown."""
    return page.evaluate(f"""[...document.querySelectorAll('#{elem_id}, #{elem_id} *')]
        .filter(e => e.checkVisibility({{visibilityProperty: true}}) && e.clientWidth > 0
                     && e.scrollWidth > e.clientWidth + 1)
        .map(e => [e.tagName, e.className, e.scrollWidth, e.clientWidth])""")


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["1280px", "phone"])
def test_lab_plot_counts_clicks_in_whole_numbers(browser, app_url, viewport):
    page = open_lab(browser, app_url, "toy1010", viewport)
    try:
        before = x_ticks(page)
        assert "0.000000" not in page.locator("#lab-plot").inner_text()
        assert before and all(re.fullmatch(r"\d+", t) for t in before), before  # not a lone "0.000000"
        click_steps(page, ("lab-real", "lab-fake", "lab-g"), "3 / 3")
        after = x_ticks(page)
        assert after and all(re.fullmatch(r"\d+", t) for t in after), after  # no 0.5, 1.5, ...
        assert int(after[-1]) >= 3  # the axis reaches the last click
    finally:
        page.context.close()


def test_lab_toy1010_log_fits_a_1280px_page_without_a_sideways_scroll(browser, app_url):
    # The projector's 1280 px; on a 390 px phone the D(G(z)) header still spills a few pixels.
    page = open_lab(browser, app_url, "toy1010")
    try:
        click_steps(page, ("lab-train",), "1 / 100")  # ×100 logs the most losses: the widest row
        click_steps(page, ("lab-real",), "2 / 101")
        wait_text(page, "lab-log", "×100")
        assert wider_than_shown(page, "lab-log") == []
        table = page.locator("#lab-log table").first.bounding_box()
        assert table["x"] >= 0 and table["x"] + table["width"] <= B.VIEWPORT["width"]  # D(G(z)) is on screen
        B.shot(page, "lab_layout_toy1010_1280")
    finally:
        page.context.close()


@pytest.mark.parametrize("family", ["toy1010", "ring"])
@pytest.mark.parametrize("viewport", [None, PHONE], ids=["1280px", "phone"])
def test_lab_labels_do_not_cover_the_live_view(browser, app_url, family, viewport):
    page = open_lab(browser, app_url, family, viewport)
    try:
        click_steps(page, ("lab-real",), "1 / 1")
        wait_img(page, "lab-view")
        assert overlaps(page) == []
        name = "1280" if viewport is None else "phone"
        B.shot(page, f"lab_layout_{family}_{name}_view")
    finally:
        page.context.close()
