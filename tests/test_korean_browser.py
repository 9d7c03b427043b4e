"""The Korean page shows no English (issue 35, item 4), in a real browser with the locale ko-KR.

The walk opens every tab and does what makes the server write text: a short training run (its
status line, runs table, plots' axes and legends), error toasts from bad input (a field Gradio
checks, a value our handlers check, a run id that is not one), a race (its settings table, side
labels, result line), the Lab's buttons (its log table), and every playground's buttons. After
each stage it reads every visible text node of the page, the SVG text of the plots, the table
headers and the screen-reader live regions (read even though they are visually hidden), and
fails on any word in Latin letters that is not on the short allow-list below: names of models,
families, data sets and metrics, units, code and API names. Text inside code (``code``, ``pre``)
and typeset formulas (KaTeX) is code, not prose, and is not read.
"""
from __future__ import annotations

import re
import time

import pytest

from .browser import open_app, shot, wait_img

pytestmark = pytest.mark.filterwarnings("ignore:::gradio.queueing")

# Words that stay as they are on the Korean page (compared case-insensitively). Single letters are
# variables (z, D, G, x, A, B, C) and always allowed.
ALLOWED = {
    # families, data sets and model names (also the parts of run ids and model names)
    "gan", "dcgan", "wgan", "gp", "cgan", "vae", "ae", "dae", "pix2pix", "cyclegan", "pixelcnn", "toy1010", "ring",
    "mnist", "fashion", "edges2shoes", "horse2zebra", "zebra2horse", "infogan", "patchgan", "u-net", "unet",
    # metric and loss names, as the API and the run folders spell them
    "fid", "judge", "modes", "classes_1k", "kl", "bce", "mse", "l1", "lsgan",
    "loss_d", "loss_g", "loss_d_real", "loss_d_fake", "loss_recon", "loss_kl", "loss", "d_x", "d_g_z",
    "d_g_z_after", "hq_rate", "lr",
    # architectures and methods by the names the course cites
    "mlp", "veegan",
    "slerp", "lerp", "relu", "tanh", "sigmoid", "adam", "log", "max", "min", "softmax",
    # units
    "px", "s", "ms", "m", "h", "mb", "kb", "bf16", "fp32", "nats", "bpd",
    # code, formats and API names
    "api", "json", "url", "gif", "png", "jpg", "id", "hub", "hugging", "face", "gradio", "python", "train",
    "cpu", "gpu", "cuda", "eta", "owner", "name", "set", "codes", "train_status",
}

COLLECT = """() => {
  const texts = [];
  const code = el => el.closest('code, pre, .katex, .katex-display, script, style, textarea, noscript');
  const seen = el => el.checkVisibility({checkVisibilityCSS: true});
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const node = walk.currentNode, el = node.parentElement, text = node.textContent.trim();
    if (!el || !text || code(el)) continue;
    // screen-reader live regions are read aloud even when not drawn
    if (!el.closest('[aria-live]') && !seen(el)) continue;
    texts.push(text);
  }
  for (const el of document.querySelectorAll('[aria-label]'))
    if (seen(el) && el.closest('[aria-live]')) texts.push(el.getAttribute('aria-label'));
  return texts;
}"""

WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:[-'.][A-Za-z0-9_]+)*")  # a dotted key (common.complete) is one word


def english_words(texts: list[str]) -> dict[str, str]:
    """word -> the text it was seen in, for every word not allowed."""
    out: dict[str, str] = {}
    for text in texts:
        for word in WORD.findall(text):
            parts = [p for p in re.split(r"[-'.]", word) if p] if "." not in word else [word]
            if all(len(re.sub(r"[^A-Za-z]", "", p)) <= 1 or p.lower() in ALLOWED for p in parts) \
                    or word.lower() in ALLOWED:
                continue
            out.setdefault(word, text[:120])
    return out


def test_the_allow_list_lets_names_through_and_catches_english():
    found = english_words(["학습 00012-dcgan-mnist · 스텝 200 / 200 · 12 px", "z ~ N(0, I)", "RUNNING · step 3",
                           "Steps must be a whole number", "judge-FID", "common.complete"])
    assert set(found) == {"RUNNING", "step", "Steps", "must", "be", "whole", "number", "common.complete"}


class Leaks:
    """Every English word the page showed, with the stage and the text it was in."""

    def __init__(self, page):
        self.page, self.found = page, {}

    def read(self, stage: str) -> None:
        time.sleep(0.3)  # the last update paints
        for word, text in english_words(self.page.evaluate(COLLECT)).items():
            self.found.setdefault(word, f"{stage}: {text!r}")

    def report(self) -> str:
        return "\n".join(f"  {w!r:24} {where}" for w, where in sorted(self.found.items()))


def _toast(page, leaks: Leaks, stage: str) -> None:
    page.wait_for_selector("[data-testid='toast-body']")
    leaks.read(stage)
    for btn in page.locator("[data-testid='toast-close']").all():
        try:
            btn.click(timeout=2000)
        except Exception:  # noqa: BLE001 -- a toast may close on its own
            pass


def _until(predicate, timeout: float = 120.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.5)


def _open_learn(page) -> None:
    for acc in page.locator("[id$='-learn'] > button, [id$='-learn'] button.label-wrap").all():
        try:
            if acc.is_visible():
                acc.click(timeout=2000)
        except Exception:  # noqa: BLE001
            pass


def test_the_korean_page_shows_no_english(browser, app_url):
    from genapp.runs import registry

    page = open_app(browser, app_url, locale="ko-KR")
    leaks = Leaks(page)
    tabs = page.get_by_role("tab")
    try:
        page.get_by_role("tab", name="스케치 → 신발", exact=True).wait_for()
        # the page's load event fills the server-built tables (the runs table) in the visitor's language
        page.wait_for_function("() => /[가-힣]/.test(document.querySelector('#train-runs th')?.textContent || '')")
        leaks.read("page opened")

        # Train: a bad value (Gradio's own check, through ours), then a short ring run to its end
        page.locator("#train-batch input").fill("0")
        page.locator("#train-start").click()
        _toast(page, leaks, "train: batch 0")
        page.locator("#train-batch input").fill("64")
        page.locator("#train-run-id input, #train-run-id textarea").first.fill("없는 실행!")
        page.locator("#train-stop").click()
        _toast(page, leaks, "train: stop a run id that is not one")
        page.get_by_label("모델 종류").click()
        page.get_by_role("option", name="ring", exact=True).click()
        page.wait_for_function("(document.querySelector('#train-lr input') || {}).value === '0.001'")
        page.locator("#train-start").click()
        page.wait_for_function("(document.querySelector('#train-run-id textarea, #train-run-id input') || {})"
                               ".value?.includes('ring')")
        run_id = page.locator("#train-run-id textarea, #train-run-id input").first.input_value()
        wait_img(page, "train-sample")
        page.wait_for_selector("#train-loss-plot svg text")
        leaks.read("train: running")
        registry().stop(run_id)  # the status, table and plots of a run that is over
        _until(lambda: registry().get(run_id).status not in ("running", "queued"))
        page.wait_for_function(f"(document.querySelector('#train-runs') || {{}}).innerText?.includes({run_id!r})")
        time.sleep(3)  # a last tick of the live view
        leaks.read("train: stopped")
        _open_learn(page)
        leaks.read("train: learn panel")
        shot(page, "korean_train")

        # Latent
        page.get_by_role("tab", name="잠재 공간", exact=True).click()
        wait_img(page, "latent-generate-out")
        page.locator("#latent-generate").click()
        leaks.read("latent")
        shot(page, "korean_latent")

        # Conditional
        page.get_by_role("tab", name="조건부 생성", exact=True).click()
        wait_img(page, "cond-out")
        page.locator("#cond-every").click()
        leaks.read("conditional")
        shot(page, "korean_conditional")

        # Sketch and Horse: their first views
        page.get_by_role("tab", name="스케치 → 신발", exact=True).click()
        wait_img(page, "sketch-shoe")
        page.locator("#sketch-draw-go").click()  # an empty pad: the "draw first" message
        _toast(page, leaks, "sketch: empty pad")
        leaks.read("sketch")
        shot(page, "korean_sketch")
        page.get_by_role("tab", name="말 ↔ 얼룩말", exact=True).click()
        wait_img(page, "horse-out")
        leaks.read("horse")
        shot(page, "korean_horse")

        # Lab: every button, on both toys
        page.get_by_role("tab", name="실험실 (한 단계씩)", exact=True).click()
        wait_img(page, "lab-view")
        for button in ("lab-real", "lab-fake", "lab-g", "lab-train"):
            page.locator(f"#{button}").click()
            page.wait_for_timeout(300)
        page.wait_for_function("(document.querySelector('#lab-stats') || {}).innerText?.includes('/ 103')")
        page.wait_for_selector("#lab-plot svg text")
        leaks.read("lab: ring")
        page.locator("#lab-family").get_by_label("toy1010").check()
        page.locator("#lab-real").click()
        page.wait_for_function("(document.querySelector('#lab-stats') || {}).innerText?.includes('1 / 1')")
        leaks.read("lab: toy1010")
        shot(page, "korean_lab")

        # Race: a preset's race, stopped (a race to its end takes minutes on a small machine)
        page.get_by_role("tab", name="경주 (프리셋)", exact=True).click()
        page.locator("#preset-high_lr").click()
        page.wait_for_function("(document.querySelector('#race-ids input, #race-ids textarea') || {}).value?.includes(',')")
        ids = [s.strip() for s in page.locator("#race-ids input, #race-ids textarea").first.input_value().split(",")]
        page.wait_for_selector("#race-left-img img")
        leaks.read("race: running")
        page.locator("#race-stop").click()
        _until(lambda: all(registry().get(i).status not in ("running", "queued") for i in ids))
        time.sleep(3)
        leaks.read("race: stopped")
        shot(page, "korean_race")
        assert tabs.count() >= 7
    finally:
        page.context.close()
        print(f"\nEnglish on the Korean page:\n{leaks.report()}")
    assert not leaks.found, f"English on the Korean page ({len(leaks.found)} words):\n{leaks.report()}"
