"""The app on a phone (390 x 844, English and Korean), in a real browser: every tab is in sight
without an overflow menu, the footer's "Use via API" (which the title points to) is there, no
table header breaks inside a word, the Sketchpad's label is clear of its toolbar, and a result
that lands below the fold is brought into view.
"""
from __future__ import annotations

import pytest

from .browser import TIMEOUT, shot, wait_img

pytestmark = pytest.mark.filterwarnings("ignore:::gradio.queueing")  # pandas 3 deprecations inside Gradio

PHONE = {"width": 390, "height": 844}
LOCALES = ["en-US", "ko-KR"]
# The app's tabs (elem_id "tab-<name>"): every one has a button in the DOM, in sight or not.
MAIN_TABS = """() => [...new Set([...document.querySelectorAll('button[role=tab]')]
    .map(b => b.getAttribute('aria-controls')).filter(id => id && id.startsWith('tab-')))]"""


def phone_page(browser, url: str, locale: str, query: str = ""):
    ctx = browser.new_context(viewport=PHONE, locale=locale, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{url}/{query}", wait_until="load")
    page.wait_for_selector("#train-start", state="attached")
    return page


# Where a tab's button is in sight: its own box inside the screen's width, and the point at its
# middle is the button itself (not covered, not clipped away, not in a closed menu).
TAB_IN_SIGHT = """id => {
    const shown = [...document.querySelectorAll(`button[role=tab][aria-controls="${id}"]`)].filter(b => {
        const r = b.getBoundingClientRect();
        if (r.width < 8 || r.height < 8 || r.left < 0 || r.right > innerWidth) return false;
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return hit === b || b.contains(hit);
    });
    return shown.length > 0;
}"""


@pytest.mark.parametrize("locale", LOCALES)
def test_every_tab_is_in_sight_without_an_overflow_menu(browser, app_url, locale):
    page = phone_page(browser, app_url, locale)
    try:
        page.locator("button[role=tab][aria-controls='tab-train']").first.scroll_into_view_if_needed()
        tabs = page.evaluate(MAIN_TABS)
        assert len(tabs) >= 7, f"{locale}: only {tabs} have a button on the page (the rest hide in the closed '…' menu)"
        hidden = [tab for tab in tabs if not page.evaluate(TAB_IN_SIGHT, tab)]
        assert not hidden, f"{locale}: tabs not in sight at 390 px (behind the overflow menu?): {hidden}"
        # no overflow menu button anywhere (the tab bars inside the tabs too), tab by tab
        for tab in tabs:
            page.locator(f"button[role=tab][aria-controls='{tab}']").first.click()
            page.wait_for_timeout(300)
            menus = page.evaluate("""() => [...document.querySelectorAll('.overflow-menu')]
                .filter(m => m.getBoundingClientRect().width > 0).length""")
            assert menus == 0, f"{locale}: {tab} shows an overflow menu ('…') at 390 px"
        shot(page, f"phone_tabs_{locale}")
    finally:
        page.context.close()


@pytest.mark.parametrize("locale", LOCALES)
def test_use_via_api_is_in_the_footer(browser, app_url, locale):
    """The title says "see *Use via API* at the bottom": at 390 px Gradio hid it."""
    page = phone_page(browser, app_url, locale)
    try:
        link = page.locator("footer .show-api")
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        assert link.count() == 1 and link.is_visible(), f"{locale}: no 'Use via API' in the footer at 390 px"
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
        link.click()  # and it opens the API page
        page.get_by_text("/sketch_to_shoe").first.wait_for()
    finally:
        page.context.close()


# For each header cell: its words (split at spaces) and, for each word, how many lines its
# letters sit on (a word broken inside, like "fami|ly", sits on two) and whether it ends inside
# the cell (a word kept whole must not spill over into the next column either).
HEADER_WORD_LINES = """sel => [...document.querySelectorAll(sel + ' th')].filter(th => th.offsetParent).map(th => {
    const out = [], cell = th.getBoundingClientRect();
    const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent;
        const re = /\\S+/g;
        for (let m = re.exec(text); m; m = re.exec(text)) {
            const tops = new Set();
            let right = 0;
            for (let i = m.index; i < m.index + m[0].length; i++) {
                const range = document.createRange();
                range.setStart(node, i);
                range.setEnd(node, i + 1);
                const r = range.getBoundingClientRect();
                if (r.width > 0) { tops.add(Math.round(r.top / 4)); right = Math.max(right, r.right); }
            }
            out.push([m[0], tops.size, right <= cell.right + 1]);
        }
    }
    return out;
})"""


@pytest.mark.parametrize("locale", LOCALES)
def test_race_table_headers_never_break_inside_a_word(browser, app_url, locale):
    page = phone_page(browser, app_url, locale, "?tab=race")
    try:
        page.wait_for_selector("#race-settings th")
        page.wait_for_timeout(500)
        headers = page.evaluate(HEADER_WORD_LINES, "#race-settings")
        words = [w for cell in headers for w in cell]
        assert words, "no header text found"
        broken = [w for w, lines, _ in words if lines > 1]
        assert not broken, f"{locale}: header words broken over lines at 390 px: {broken}"
        spilled = [w for w, _, inside in words if not inside]
        assert not spilled, f"{locale}: header words wider than their column at 390 px: {spilled}"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the page scrolls sideways ({width} px)"
        shot(page, f"phone_race_{locale}")
    finally:
        page.context.close()


def test_sketchpad_label_is_clear_of_its_toolbar(browser, app_url):
    page = phone_page(browser, app_url, "en-US", "?tab=sketch")
    try:
        page.wait_for_selector("#sketch-pad canvas")
        page.wait_for_timeout(500)
        boxes = page.evaluate("""() => {
            const pad = document.querySelector('#sketch-pad');
            const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
            return {label: box(pad.querySelector('label')),
                    tools: [...pad.querySelectorAll('.top-panel, .toolbar-wrap')].map(box)};
        }""")
        lx0, ly0, lx1, ly1 = boxes["label"]
        for x0, y0, x1, y1 in boxes["tools"]:
            overlap = min(lx1, x1) - max(lx0, x0) > 0 and min(ly1, y1) - max(ly0, y0) > 0
            assert not overlap, f"the pad's label {boxes['label']} lies under its toolbar {[x0, y0, x1, y1]}"
    finally:
        page.context.close()


IN_VIEW = """sel => { const r = document.querySelector(sel).getBoundingClientRect();
    return r.height > 0 && r.top >= -1 && r.bottom <= innerHeight + 1; }"""


@pytest.mark.parametrize("locale", LOCALES)
def test_generate_brings_its_result_into_view(browser, app_url, locale):
    """A visitor presses Generate with the button near the bottom of the screen (where a thumb
    reaches it): the samples land below it, off the screen, unless something brings them up."""
    page = phone_page(browser, app_url, locale, "?tab=latent")
    try:
        first = wait_img(page, "latent-generate-out")  # the tab's first look (nothing pressed: no scrolling)
        page.locator("#tab-latent input[type=number]").first.fill("5")  # another seed: another grid
        page.evaluate("document.querySelector('#latent-generate').scrollIntoView({block: 'end'})")
        page.wait_for_timeout(300)
        assert not page.evaluate(IN_VIEW, "#latent-generate-out img"), "the setup: the result starts off-screen"
        page.locator("#latent-generate").click()
        wait_img(page, "latent-generate-out", first)
        try:
            page.wait_for_function(f"({IN_VIEW})('#latent-generate-out img')", timeout=5000)
        except Exception as exc:  # noqa: BLE001 -- say where it is
            top = page.evaluate("document.querySelector('#latent-generate-out img').getBoundingClientRect().top")
            raise AssertionError(f"{locale}: the new samples stay off-screen (top at {top:.0f} px of 844)") from exc
        shot(page, f"phone_generate_{locale}")
    finally:
        page.context.close()
