"""What the browser tests share: Debian's Chromium driven by Playwright, pages of the app, waits
for images and texts, screenshots to $GENAPP_SCREENSHOTS_DIR.

Without it the screenshots go to docs/screenshots/ only when the app runs the real weights
(``GENAPP_APP_TEST_PRETRAINED``); the tiny untrained test models draw noise, so a plain test run
writes its screenshots to a temporary folder and never replaces the docs' pictures.

Importing this module skips the importing test module when Chromium or Playwright is missing;
the ``browser`` fixture itself lives in conftest.py.
"""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip(f"no Chromium at {CHROMIUM}: the browser tests need it (apt-get install chromium)",
                allow_module_level=True)
playwright = pytest.importorskip("playwright.sync_api", reason="the browser tests need the playwright package")

def screenshots_dir() -> Path:
    """Where ``shot`` writes: $GENAPP_SCREENSHOTS_DIR, else docs/screenshots/ with the real
    weights, else a temporary folder (the tiny models' pictures are not the docs')."""
    if os.environ.get("GENAPP_SCREENSHOTS_DIR"):
        return Path(os.environ["GENAPP_SCREENSHOTS_DIR"])
    if os.environ.get("GENAPP_APP_TEST_PRETRAINED"):
        return Path(__file__).resolve().parent.parent / "docs" / "screenshots"
    return Path(tempfile.gettempdir()) / "gan-studio-screenshots"


SHOTS = screenshots_dir()
VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT = 60_000  # ms; this machine is small and shared
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def open_app(browser, url: str, query: str = "", locale: str = "en-US"):
    """A fresh context (its own session) on the app, with ``query`` (e.g. "?tab=race")."""
    ctx = browser.new_context(locale=locale, viewport=VIEWPORT)
    page = ctx.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(url + "/" + query, wait_until="load")
    page.wait_for_selector("#train-start", state="attached")
    return page


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    time.sleep(0.5)  # let the last image paint
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def wait_img(page, elem_id: str, other_than: str | None = None) -> str:
    """An output image has arrived (its <img> has loaded, with a real size) -- one whose src is not
    ``other_than``, when given; returns its src."""
    changed = "" if other_than is None else f" && i.src !== {other_than!r}"
    page.wait_for_function(f"(() => {{ const i = document.querySelector('#{elem_id} img');"
                           f" return i && i.complete && i.naturalWidth > 0{changed}; }})()")
    return page.locator(f"#{elem_id} img").get_attribute("src")


def natural_size(page, elem_id: str) -> tuple[int, int]:
    """(width, height) in pixels of the picture shown in ``#elem_id``, as the server made it."""
    w, h = page.evaluate(f"(() => {{ const i = document.querySelector('#{elem_id} img');"
                         f" return [i.naturalWidth, i.naturalHeight]; }})()")
    return int(w), int(h)


def wait_text(page, elem_id: str, text: str, timeout: int = TIMEOUT) -> str:
    try:
        page.wait_for_function(f"(document.querySelector('#{elem_id}') || {{}}).innerText?.includes({text!r})",
                               timeout=timeout)
    except playwright.TimeoutError as exc:  # say what the element did show
        shown = page.evaluate(f"(document.querySelector('#{elem_id}') || {{}}).innerText")
        raise AssertionError(f"#{elem_id} never showed {text!r} in {timeout / 1000:.0f} s; it shows {shown!r}") from exc
    return page.locator(f"#{elem_id}").inner_text()
