"""The PixelCNN tab in a real browser: a sample drawn pixel by pixel, a test digit and a drawing
completed, the likelihoods compared, the blind spot shown; the tab's Korean label; screenshots at 1280 px and on a phone
(390 x 844), in English and Korean."""
from __future__ import annotations

import pytest

from .browser import open_app, shot, wait_img, wait_text

pytestmark = pytest.mark.filterwarnings("ignore:::gradio.queueing")  # pandas 3 deprecations inside Gradio

PHONE = {"width": 390, "height": 844}


def _sub_tab(page, elem_id: str) -> None:
    page.locator(f"button[role=tab][aria-controls='{elem_id}']").first.click()


def _no_sideways_scroll(page, where: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{where}: the page scrolls sideways by {overflow} px"


def _draw_a_seven(page) -> None:
    """A 7 drawn with the mouse on the pad (its top bar and its stem)."""
    box = page.locator("#pcnn-pad canvas").first.bounding_box()

    def at(fx: float, fy: float) -> tuple[float, float]:
        return box["x"] + fx * box["width"], box["y"] + fy * box["height"]

    page.mouse.move(*at(0.3, 0.25))
    page.mouse.down()
    for fx, fy in ((0.5, 0.25), (0.7, 0.25), (0.6, 0.5), (0.5, 0.75)):
        # one move per segment: the brush draws a segment from the last point, and each move
        # repaints the pad's WebGL canvas in software (about 0.5 s here; 8 steps a segment took 14 s)
        page.mouse.move(*at(fx, fy))
    page.mouse.up()


def test_sample_complete_and_compare_in_english_korean_and_on_a_phone(browser, app_url):
    for locale, lang in (("en-US", "en"), ("ko-KR", "ko")):
        # English: the tab opened by its button shows a first sample; Korean: opened by a link
        page = open_app(browser, app_url, "" if lang == "en" else "?tab=pixelcnn", locale=locale)
        button = page.locator("button[role=tab][aria-controls='tab-pixelcnn']").first
        assert button.inner_text().strip() == ("PixelCNN (픽셀 단위)" if lang == "ko" else "PixelCNN")
        if lang == "en":
            button.click()
            first = wait_img(page, "pcnn-anim")
            page.locator("#pcnn-seed input").fill("2")
        else:
            first = None

        # (a) a sample, pixel by pixel: the animation and the grid
        page.locator("#pcnn-go").click()
        wait_img(page, "pcnn-anim", other_than=first)
        wait_img(page, "pcnn-grid")
        assert page.locator("#pcnn-anim img").get_attribute("src").endswith(".gif")
        shot(page, f"pixelcnn-sample-{lang}")

        # (b) completions: a test digit, then a drawing
        _sub_tab(page, "pcnn-complete")
        page.locator("#pcnn-complete-go").click()
        first = wait_img(page, "pcnn-sheet")
        if lang == "en":
            _sub_tab(page, "pcnn-from-draw")
            page.locator("#pcnn-pad canvas").first.wait_for()
            page.wait_for_timeout(500)   # the brush is picked for the visitor (app.py's HEAD)
            _draw_a_seven(page)
            page.locator("#pcnn-draw-go").click()
            wait_img(page, "pcnn-sheet", other_than=first)
        shot(page, f"pixelcnn-complete-{lang}")

        # (c) likelihoods
        _sub_tab(page, "pcnn-compare")
        page.locator("#pcnn-compare-go").click()
        wait_text(page, "pcnn-bars", "무작위 잡음" if lang == "ko" else "random noise")
        assert page.locator("#pcnn-bars .pcnn-row[data-image]").count() == 5
        page.wait_for_function("[...document.querySelectorAll('#pcnn-bars img.pcnn-thumb')]"
                               ".filter(i => i.complete && i.naturalWidth === 28).length === 5")
        shot(page, f"pixelcnn-compare-{lang}")

        # (d) the blind spot: the shipped depth's fields, then a shallower stack's
        _sub_tab(page, "pcnn-blind")
        page.locator("#pcnn-blind-go").click()
        wait_text(page, "pcnn-blind-summary", "맹점은 28픽셀" if lang == "ko" else "a blind spot of 28 pixels")
        first = wait_img(page, "pcnn-plain")
        wait_img(page, "pcnn-gated")
        page.locator("#pcnn-layers input[type=number]").fill("3")
        page.locator("#pcnn-layers input[type=number]").press("Enter")
        wait_img(page, "pcnn-plain", other_than=first)
        shot(page, f"pixelcnn-blind-{lang}")

        # the same page on a phone: every view fits the width
        page.set_viewport_size(PHONE)
        for sub in ("pcnn-blind", "pcnn-compare", "pcnn-complete", "pcnn-draw"):
            _sub_tab(page, sub)
            page.wait_for_timeout(300)
            _no_sideways_scroll(page, f"{lang} phone, {sub}")
            shot(page, f"pixelcnn-phone-{sub.split('-')[1]}-{lang}")
        page.context.close()
