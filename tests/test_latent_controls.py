"""The Latent tab offers only what the chosen model can do (issue 35, item 6), in a real browser:
"Draw the latent map" on a DCGAN used to erase the samples and show an Error badge and a toast.
Now the map's controls appear for a VAE only (a note says why otherwise), and the code-category
button is disabled, with its reason, for a model without a categorical code.
"""
from __future__ import annotations

import pytest

from .browser import TIMEOUT, open_app, shot, wait_img

pytestmark = pytest.mark.filterwarnings("ignore:::gradio.queueing")  # pandas 3 deprecations inside Gradio


def choose_model(page, name: str) -> None:
    page.locator("#tab-latent").get_by_label("Model", exact=True).click()
    page.get_by_role("option", name=name, exact=True).click()


def test_latent_map_and_code_categories_are_offered_only_where_they_apply(browser, app_url):
    page = open_app(browser, app_url, "?tab=latent")
    try:
        first = wait_img(page, "latent-generate-out")  # the default model's samples (mnist-dcgan)
        assert page.locator("#latent-model input").input_value() == "mnist-dcgan"
        # a dcgan has no latent map: its button is not offered, and a note says what has one
        assert not page.locator("#latent-map").is_visible()
        assert "VAE" in page.locator("#latent-map-why").inner_text()
        page.get_by_role("tab", name="Code categories (InfoGAN)", exact=True).click()
        assert page.locator("#latent-categories").is_enabled()  # the shipped dcgan has a code
        assert not page.locator("#latent-categories-why").is_visible()
        shot(page, "latent_controls_dcgan")

        # the VAE: the map is offered and draws; the code categories are not, with the reason
        page.get_by_role("tab", name="Sample", exact=True).click()
        choose_model(page, "mnist-vae")
        page.locator("#latent-map").wait_for(state="visible", timeout=TIMEOUT)
        assert not page.locator("#latent-map-why").is_visible()
        page.locator("#latent-map").click()
        drawn = wait_img(page, "latent-generate-out", first)
        size = page.evaluate("(() => { const i = document.querySelector('#latent-generate-out img');"
                             " return [i.naturalWidth, i.naturalHeight]; })()")
        assert size[0] == size[1] >= 15 * 28  # a 15 x 15 map of 28-px digits
        assert page.locator("[data-testid='toast-body']").count() == 0  # no error
        assert drawn
        shot(page, "latent_controls_vae")
        page.get_by_role("tab", name="Code categories (InfoGAN)", exact=True).click()
        assert page.locator("#latent-categories").is_disabled()
        assert "no categorical code" in page.locator("#latent-categories-why").inner_text()

        # back to a dcgan: the map goes away again
        page.get_by_role("tab", name="Sample", exact=True).click()
        choose_model(page, "mnist-dcgan")
        page.locator("#latent-map").wait_for(state="hidden", timeout=TIMEOUT)
        assert page.locator("#latent-map-why").is_visible()
    finally:
        page.context.close()
