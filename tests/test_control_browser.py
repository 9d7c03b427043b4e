"""The Control tab in a real browser: a link opens it with its walk, moving the amount slider
makes a new strip and new bars, keep_others is a checkbox away; screenshots at 1280 px and on a
phone (390 x 844), in English and Korean."""
from __future__ import annotations

import os

import pytest

from .browser import open_app, shot, wait_img, wait_text

# The tiny untrained test models draw a flat grey whatever z is: the direction of the change is
# checked only with trained weights (GENAPP_APP_TEST_PRETRAINED=pretrained; tests/test_steer.py
# checks it on the shipped model in any case).
TRAINED = bool(os.environ.get("GENAPP_APP_TEST_PRETRAINED"))


@pytest.fixture(scope="module")
def judged(shipped_mnist_judge):
    """Steering reads the classes with the MNIST judge: the shipped one, next to the tiny models."""
    yield


def _bars(page) -> dict[str, tuple[float, float]]:
    rows = page.locator("#control-bars .ctl-row")
    return {rows.nth(i).get_attribute("data-feature"): (float(rows.nth(i).get_attribute("data-before")),
                                                         float(rows.nth(i).get_attribute("data-after")))
            for i in range(rows.count())}


def test_slider_moves_the_walk(browser, app_url, judged):
    page = open_app(browser, app_url, "?tab=control&model=mnist-dcgan&seed=2&feature=thickness&amount=1")
    first = wait_img(page, "control-strip")
    wait_text(page, "control-bars", "steering thickness by +1")
    bars = _bars(page)
    assert set(bars) == {*(str(i) for i in range(10)), "thickness", "slant"}
    if TRAINED:
        assert bars["thickness"][1] > bars["thickness"][0]        # +1: more ink
    shot(page, "control-en")

    slider = page.locator("#control-amount input[type=range]")
    box = slider.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.2, box["y"] + box["height"] / 2)   # about -1.75
    wait_img(page, "control-strip", other_than=first)
    wait_text(page, "control-bars", "by -")
    amount = float(page.locator("#control-amount input[type=number]").input_value())
    assert -3 < amount < 0 and f"by {amount:+g}" in page.locator("#control-bars").inner_text()
    if TRAINED:
        bars = _bars(page)
        assert bars["thickness"][1] < bars["thickness"][0]        # negative: less ink

    before = page.locator("#control-strip img").get_attribute("src")
    page.locator("#control-keep input[type=checkbox]").check()
    wait_img(page, "control-strip", other_than=before)
    wait_text(page, "control-bars", "Other features kept")
    shot(page, "control-en-keep")
    page.context.close()


@pytest.mark.parametrize("locale, viewport, name", [
    ("ko-KR", None, "control-ko"),
    ("en-US", {"width": 390, "height": 844}, "control-phone-en"),
    ("ko-KR", {"width": 390, "height": 844}, "control-phone-ko"),
])
def test_tab_in_korean_and_on_a_phone(browser, app_url, judged, locale, viewport, name):
    page = open_app(browser, app_url, "?tab=control&model=mnist-dcgan&seed=0&feature=7&amount=1&keep=1", locale=locale)
    if viewport:
        page.set_viewport_size(viewport)
    wait_img(page, "control-strip")
    wait_text(page, "control-bars", "기울기" if locale == "ko-KR" else "slant")
    if locale == "ko-KR":
        assert "다른 특징 유지" in page.locator("#control-keep").inner_text()
        assert "다른 특징 유지 (페널티 켬)" in page.locator("#control-bars").inner_text()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"the page scrolls sideways by {overflow} px"
    shot(page, name)
    page.context.close()
