"""The Train tab's live view shows each family's own quantities (issue 35, item 3), in a real
browser: an autoencoder or a VAE run has no discriminator and no generator whose classes read as
mode collapse, so the D(x) / D(G(z)) chart and the class-share panel stay hidden and its losses
are named for what they are; a GAN run still shows its panels.

The shipped MNIST judge is installed for these runs: without it no class shares are computed and
the class panel would be hidden for every family, whatever the view did.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .browser import TIMEOUT, open_app, shot, wait_img, wait_text

pytestmark = pytest.mark.filterwarnings("ignore:::gradio.queueing")  # pandas 3 deprecations inside Gradio

JUDGE = Path(__file__).resolve().parent.parent / "pretrained" / "judge-mnist"


@pytest.fixture(scope="module")
def judged(app_env):
    if not (JUDGE / "model.safetensors").exists():
        pytest.skip("no shipped judge-mnist")
    copied = not (app_env.pretrained / "judge-mnist").exists()
    if copied:
        shutil.copytree(JUDGE, app_env.pretrained / "judge-mnist")
    yield
    if copied:
        shutil.rmtree(app_env.pretrained / "judge-mnist", ignore_errors=True)


def train(page, family: str, steps: int = 20, batch: int = 8) -> str:
    """Start a ``family`` run on MNIST from the Train tab and wait until it has finished and its
    last grid is on screen; returns its run id."""
    page.get_by_label("Family").click()
    page.get_by_role("option", name=family, exact=True).click()
    page.get_by_label("Steps").fill(str(steps))
    page.get_by_label("Batch size").fill(str(batch))
    page.locator("#train-start").click()
    page.wait_for_function("(document.querySelector('#train-run-id input') || {}).value?.includes("
                           f"'-{family}-mnist')")
    run_id = page.locator("#train-run-id input").input_value()
    page.wait_for_function(f"(document.querySelector('#train-status') || {{}}).innerText?.includes({run_id!r})")
    wait_text(page, "train-status", "FINISHED", timeout=300_000)
    wait_img(page, "train-sample")
    page.wait_for_selector("#train-loss-plot .mark-line path", state="attached")
    page.wait_for_timeout(1500)  # the last tick's updates
    return run_id


def loss_chart_text(page) -> str:
    return page.locator("#train-loss-plot").inner_text()


def test_vae_and_dae_runs_show_their_own_panels_and_a_gan_run_its_own(browser, app_url, judged):
    page = open_app(browser, app_url)
    try:
        # ---- a VAE: reconstruction and KL, no D scores, no class shares
        vae = train(page, "vae")
        shot(page, "train_vae")
        assert not page.locator("#train-score-plot").is_visible()
        assert not page.locator("#train-class-plot").is_visible()
        assert not page.locator("#train-class-note").is_visible()
        text = loss_chart_text(page)
        assert "D and G" not in text, text
        page.wait_for_function("(document.querySelector('#train-loss-plot') || {}).innerText?.includes('KL')")
        text = loss_chart_text(page)
        assert "reconstruction" in text and "KL" in text, text
        # the rows of its grid are named (originals, reconstructions, samples), fully visible
        status = page.locator("#train-status").inner_text()
        assert "input" in status and "reconstruction" in status and "N(0, I)" in status, status
        assert "Inputs and outputs" in page.locator("#train-sample").inner_text()
        note = page.locator("#train-status small")
        assert note.evaluate("e => e.scrollWidth <= e.clientWidth + 1 && e.getBoundingClientRect().width > 0")

        # ---- a denoising AE: input, noisy input, output
        train(page, "dae")
        shot(page, "train_dae")
        assert not page.locator("#train-score-plot").is_visible()
        assert not page.locator("#train-class-plot").is_visible()
        text = loss_chart_text(page)
        assert "D and G" not in text and "reconstruction" in text, text
        status = page.locator("#train-status").inner_text()
        assert "noisy input" in status and "output" in status, status

        # ---- a GAN: its losses, D(x) and D(G(z)), and which classes G draws
        train(page, "gan")
        shot(page, "train_gan")
        page.locator("#train-score-plot").wait_for(state="visible", timeout=TIMEOUT)
        page.wait_for_function("(document.querySelector('#train-score-plot') || {}).innerText?.includes('D(G(z))')")
        page.wait_for_function("(document.querySelector('#train-loss-plot') || {}).innerText?.includes('D and G')")
        assert "Samples at fixed z" in page.locator("#train-sample").inner_text()
        page.locator("#train-class-plot").wait_for(state="visible", timeout=TIMEOUT)
        assert page.locator("#train-class-note").is_visible()
        assert "mode collapse" in page.locator("#train-class-note").inner_text()

        # ---- watching the VAE run again, after the GAN: its own panels again
        page.locator("#train-run-id input").fill(vae)
        page.locator("#train-run-id input").press("Enter")
        wait_text(page, "train-status", vae)
        page.locator("#train-score-plot").wait_for(state="hidden", timeout=TIMEOUT)
        page.locator("#train-class-plot").wait_for(state="hidden", timeout=TIMEOUT)
        page.wait_for_function("(document.querySelector('#train-loss-plot') || {}).innerText?.includes('KL')")
        assert "D and G" not in loss_chart_text(page)
    finally:
        page.context.close()
