"""The app in a real browser (headless Chromium driven by Playwright): every tab, its buttons,
a drawing on the Sketchpad, a live training run, and the Korean page. Screenshots of every tab go
to docs/screenshots/ when run with the real weights (see browser.py: where screenshots go).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from .browser import natural_size, open_app, screenshots_dir, shot, wait_img
from .conftest import real_complete_models

pytestmark = pytest.mark.filterwarnings("ignore:::gradio.queueing")  # pandas 3 deprecations inside Gradio


@pytest.fixture(scope="module")
def page(browser, app_url):
    page = open_app(browser, app_url)
    yield page
    page.context.close()


def tab(page, name: str) -> None:
    page.get_by_role("tab", name=name, exact=True).click()


def toast_text(page) -> str:
    page.wait_for_selector("[data-testid='toast-body']")
    return " ".join(page.locator("[data-testid='toast-body']").all_inner_texts())


def close_toasts(page) -> None:
    for btn in page.locator("[data-testid='toast-close']").all():
        try:
            btn.click(timeout=2000)
        except Exception:  # noqa: BLE001 -- a toast may close on its own
            pass


def test_screenshots_replace_the_docs_pictures_only_with_the_real_weights(monkeypatch, tmp_path):
    """The tiny test models draw noise: a plain test run must not overwrite docs/screenshots/."""
    docs = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
    monkeypatch.delenv("GENAPP_SCREENSHOTS_DIR", raising=False)
    monkeypatch.delenv("GENAPP_APP_TEST_PRETRAINED", raising=False)
    assert screenshots_dir() != docs
    monkeypatch.setenv("GENAPP_APP_TEST_PRETRAINED", "pretrained")
    assert screenshots_dir() == docs
    monkeypatch.setenv("GENAPP_SCREENSHOTS_DIR", str(tmp_path))
    assert screenshots_dir() == tmp_path


def test_train_tab_runs_live(page):
    page.get_by_label("Family").click()
    page.get_by_role("option", name="ring", exact=True).click()
    page.wait_for_function("(document.querySelector('#train-lr input') || {}).value === '0.001'")
    page.wait_for_function("(document.querySelector('#train-batch input') || {}).value === '64'")  # dcgan's 32 -> ring's
    page.get_by_label("Steps").fill("200")
    page.get_by_label("Batch size").fill("64")
    page.locator("#train-start").click()
    wait_img(page, "train-sample")  # the first grid (step 0) arrives while it trains
    page.wait_for_function("(document.querySelector('#train-status') || {}).innerText?.includes('FINISHED')", timeout=120_000)
    text = page.locator("#train-status").inner_text()
    assert "step 200 / 200" in text and "-ring-ring" in text
    page.wait_for_selector("#train-loss-plot canvas, #train-loss-plot svg")
    page.wait_for_selector("#train-score-plot canvas, #train-score-plot svg")
    # the ring's modes, per grid: a drawn line with its legend (a plot first fed no rows drew neither)
    page.wait_for_function("(document.querySelector('#train-quality-plot') || {}).innerText?.includes('modes')")
    page.wait_for_selector("#train-quality-plot .mark-line path")
    assert not page.locator("#train-class-plot").is_visible()  # no classes on a ring: no class chart
    assert "finished" in page.locator("#train-runs").inner_text()
    # the timeline scrubs the saved grids; the GIF button makes a file
    page.get_by_text("Timeline: scrub through the saved samples").click()
    wait_img(page, "train-timeline-img")
    page.locator("#train-gif").click()
    page.wait_for_selector("#train-gif-file a[href*='.gif'], #train-gif-file :text('.gif')")
    shot(page, "train")


BAR_HEIGHTS = """sel => [...document.querySelectorAll(sel + ' .mark-rect path')]
    .map(p => { const b = p.getBBox(); return [b.x, b.height]; }).sort((a, b) => a[0] - b[0]).map(b => b[1])"""


def test_train_tab_class_chart_draws_what_the_judge_read(browser, app_url, app_env):
    """With the shipped MNIST judge, a dcgan run's quality curve and class chart appear, and the
    bars drawn at the end are the run's final shares (an update once kept the first bars)."""
    import shutil

    from genapp.runs import registry

    judge = Path(__file__).resolve().parent.parent / "pretrained" / "judge-mnist"
    if not (judge / "model.safetensors").exists():
        pytest.skip("no shipped judge-mnist")
    copied = not (app_env.pretrained / "judge-mnist").exists()
    if copied:
        shutil.copytree(judge, app_env.pretrained / "judge-mnist")
    page = open_app(browser, app_url)
    try:
        docs = bool(os.environ.get("GENAPP_APP_TEST_PRETRAINED"))  # the docs picture: long enough for digits
        page.get_by_label("Steps").fill("600" if docs else "40")
        page.get_by_label("Batch size").fill("32" if docs else "8")
        page.locator("#train-start").click()
        page.wait_for_function("(document.querySelector('#train-status') || {}).innerText?.includes('FINISHED')",
                               timeout=600_000)
        run = registry().get(page.locator("#train-run-id input").input_value())
        assert run.family == "dcgan" and run.dataset == "mnist" and len(run.metrics_history) >= 2
        page.wait_for_function("(document.querySelector('#train-quality-plot') || {}).innerText?.includes('judge_fid_1k')")
        page.wait_for_selector("#train-class-plot .mark-rect path", state="attached")  # a 0 bar is "hidden"
        assert page.locator("#train-class-note").is_visible()
        want = [v / max(run.class_shares) for v in run.class_shares]
        page.wait_for_function(f"""() => {{ const h = ({BAR_HEIGHTS})('#train-class-plot');
            const want = {want}; if (h.length !== want.length) return false;
            const top = Math.max(...h); return top > 0 && h.every((v, i) => Math.abs(v / top - want[i]) < 0.05); }}""",
                               timeout=20_000)
        shot(page, "train_classes")
    finally:
        page.context.close()
        if copied:
            shutil.rmtree(app_env.pretrained / "judge-mnist")


def test_latent_tab(page):
    tab(page, "Latent")
    page.get_by_role("tab", name="Interpolation", exact=True).click()
    page.locator("#latent-interpolate").click()
    wait_img(page, "latent-interpolate-out")
    page.get_by_role("tab", name="Arithmetic", exact=True).click()
    page.locator("#latent-arithmetic").click()
    wait_img(page, "latent-arithmetic-out")
    page.get_by_role("tab", name="Code categories (InfoGAN)", exact=True).click()
    page.locator("#latent-categories").click()
    wait_img(page, "latent-categories-out")
    shot(page, "latent-categories")
    page.get_by_role("tab", name="Sample", exact=True).click()
    page.locator("#latent-generate").click()
    wait_img(page, "latent-generate-out")
    if real_complete_models():  # the real weights, all of them: nothing to report missing
        assert "fashion-dcgan is missing" not in page.locator("body").inner_text()
    else:
        assert "fashion-dcgan" in page.locator(".notice").first.inner_text()  # says which model is missing
    shot(page, "latent")


def test_generator_playgrounds_show_samples_when_first_opened(browser, app_url):
    page = open_app(browser, app_url)
    try:
        assert page.locator("#latent-generate-out img").count() == 0
        tab(page, "Latent")  # nothing pressed: the default model's samples appear
        first = wait_img(page, "latent-generate-out")
        seed = page.locator("#tab-latent").get_by_label("Seed", exact=True).first
        seed.fill("7")
        seed.press("Enter")
        page.locator("#latent-generate").click()  # the visitor's own grid
        wait_img(page, "latent-generate-out", first)
        own = page.locator("#latent-generate-out img").get_attribute("src")
        seed.fill("9")  # typed, not generated: a first look now would draw seed 9
        seed.press("Enter")
        tab(page, "Conditional")
        wait_img(page, "cond-out")
        tab(page, "Latent")  # opened again: the visitor's grid stays (no first look over it)
        page.wait_for_timeout(1500)
        assert page.locator("#latent-generate-out img").get_attribute("src") == own
    finally:
        page.context.close()
    # a link that opens a playground shows its samples at once, with the link's settings
    linked = open_app(browser, app_url, "?tab=conditional&model=mnist-cgan")
    try:  # the class picker follows the model, and the first view is what Generate draws there
        first = wait_img(linked, "cond-out")
        linked.wait_for_function("document.querySelector('#cond-label input')?.value === '0'")
        assert_is_what_generate_draws(linked, "conditional", "cond", first, 0)
    finally:
        linked.context.close()
    linked = open_app(browser, app_url, "?tab=latent&model=mnist-dcgan&seed=3&count=4")
    try:  # the link's seed and count, not the defaults
        first = wait_img(linked, "latent-generate-out")
        assert_is_what_generate_draws(linked, "latent", "latent", first, 3)
    finally:
        linked.context.close()


def assert_is_what_generate_draws(page, tab_id: str, prefix: str, first: str, seed: int) -> None:
    """The picture ``first`` is what the tab's Generate button draws at ``seed`` with the settings
    shown: another seed first (a new picture), then ``seed`` again, byte for byte ``first``."""
    box = page.locator(f"#tab-{tab_id}").get_by_label("Seed", exact=True).first
    assert box.input_value() == str(seed)
    shown = first
    for value in (seed + 1, seed):
        box.fill(str(value))
        box.press("Enter")
        page.locator(f"#{prefix}-generate").click()
        shown = wait_img(page, f"{prefix}-generate-out" if prefix == "latent" else f"{prefix}-out", shown)
    assert page.request.get(shown).body() == page.request.get(first).body()


def test_translation_playgrounds_open_with_an_example_done(browser, app_url):
    page = open_app(browser, app_url)
    try:
        tab(page, "Sketch → shoe")  # an example sketch: what the model sees of it, and its shoe
        wait_img(page, "sketch-edges")
        wait_img(page, "sketch-shoe")
        tab(page, "Horse ↔ zebra")  # an example photo, translated and cycled back
        wait_img(page, "horse-photo")
        wait_img(page, "horse-out")
        wait_img(page, "horse-recon")
        # the example is a real upload: Translate works on it as on any photo
        before = page.locator("#horse-out img").get_attribute("src")
        page.get_by_label("zebra2horse").check()
        page.locator("#horse-go").click()
        wait_img(page, "horse-out", before)
        assert page.locator("[data-testid='toast-body']").count() == 0  # no error message
    finally:
        page.context.close()


def test_conditional_tab(page):
    tab(page, "Conditional")
    page.locator("#cond-generate").click()
    wait_img(page, "cond-out")
    first = page.locator("#cond-out img").get_attribute("src")
    page.locator("#cond-every").click()
    page.wait_for_function(
        f"document.querySelector('#cond-out img') && document.querySelector('#cond-out img').src !== {first!r}")
    wait_img(page, "cond-out")
    # what it shows is the every-class grid of the picked model (10 labelled rows, 8 styles), seed 0
    from genapp.ui.tabs.conditional import every_class

    model = page.locator("#cond-model input").input_value()
    assert natural_size(page, "cond-out") == every_class(model, 0, 8).size
    shot(page, "conditional")
    # the visitor switches to the digit model and presses Generate at once (the class picker still
    # says T-shirt/top): digits of the model's first class, the picker on it, and no error
    shown = wait_img(page, "cond-out")
    picker = page.locator("#cond-model input")
    picker.fill("mnist-cgan")
    picker.press("Enter")
    page.locator("#cond-generate").click()
    wait_img(page, "cond-out", shown)
    page.wait_for_function("document.querySelector('#cond-label input')?.value === '0'")
    page.wait_for_timeout(500)
    assert page.locator("[data-testid='toast-body']").count() == 0


def draw(page, elem_id: str, points: list[tuple[float, float]]) -> None:
    """Strokes on a Sketchpad; ``points`` are fractions of the canvas box. Nothing picks the brush
    here: the app has picked it (genapp/ui/app.py: HEAD), as for a visitor who just starts drawing."""
    pad = page.locator(f"#{elem_id}")
    pad.locator("button.highlight[aria-label='Brush']").wait_for()
    box = pad.locator("canvas").first.bounding_box()
    cx, cy, side = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, min(box["width"], box["height"])

    def at(p):
        return cx + (p[0] - 0.5) * side, cy + (p[1] - 0.5) * side

    page.mouse.move(*at(points[0]))
    page.mouse.down()
    for p in points[1:]:
        # one move per segment (the brush draws a segment from the last point): each move
        # repaints the canvas, 1-3 s without a GPU on a busy machine
        page.mouse.move(*at(p))
    page.mouse.up()


def test_sketch_tab_draw_and_upload(page):
    tab(page, "Sketch → shoe")
    first_view = wait_img(page, "sketch-shoe")  # the tab opens with an example sketch's shoe
    # an empty canvas gets the message, not a traceback
    page.locator("#sketch-draw-go").click()
    assert "The sketch is empty — draw the outline of a shoe" in toast_text(page)
    close_toasts(page)
    # a shoe outline: sole, toe, vamp, collar, heel
    draw(page, "sketch-pad", [(0.12, 0.68), (0.88, 0.68), (0.88, 0.45), (0.7, 0.32), (0.55, 0.34),
                              (0.42, 0.48), (0.2, 0.55), (0.12, 0.68)])
    page.locator("#sketch-draw-go").click()
    wait_img(page, "sketch-shoe", first_view)
    wait_img(page, "sketch-edges")
    shot(page, "sketch")
    # the upload route (what /sketch_to_shoe serves), fed by one of the drawn examples
    before = page.locator("#sketch-shoe img").get_attribute("src")
    page.get_by_role("tab", name="Upload", exact=True).click()
    page.locator("#sketch-examples img").first.click()
    wait_img(page, "sketch-upload")
    page.locator("#sketch-upload-go").click()
    wait_img(page, "sketch-shoe", before)


def test_horse_tab(page, tmp_path):
    from genapp.drawing import example_photo

    tab(page, "Horse ↔ zebra")
    first_view = wait_img(page, "horse-out")  # the tab opens with an example photo translated
    photo = tmp_path / "horse.png"
    example_photo(256).resize((256, 192)).save(photo)  # a 4:3 photo: it comes back whole, not as its centre square
    page.locator("#horse-photo input[type=file]").set_input_files(str(photo))
    wait_img(page, "horse-photo")
    page.locator("#horse-go").click()
    wait_img(page, "horse-out", first_view)
    drawn_out = wait_img(page, "horse-out")
    wait_img(page, "horse-recon")
    w, h = natural_size(page, "horse-out")
    assert abs(w / h - 4 / 3) < 0.05, (w, h)
    page.wait_for_selector("#horse-slider img")
    # the first example is a held-out photo: clicking it loads it, Translate turns it into a zebra
    uploaded = wait_img(page, "horse-photo")
    page.locator("#horse-examples tbody tr, #horse-examples .gallery-item").first.click()
    wait_img(page, "horse-photo", uploaded)
    page.locator("#horse-go").click()
    wait_img(page, "horse-out", drawn_out)
    wait_img(page, "horse-recon")
    shot(page, "horse2zebra")


def test_korean_page(browser, app_url):
    page = open_app(browser, app_url, locale="ko-KR")
    try:
        page.get_by_role("tab", name="스케치 → 신발", exact=True).wait_for()
        assert page.get_by_role("button", name="▶ 시작").count() == 1
        shot(page, "train_ko")
        tab(page, "조건부 생성")
        page.locator("#cond-every").click()
        wait_img(page, "cond-out")
        shot(page, "conditional_ko")
    finally:
        page.context.close()


def test_use_via_api_names_the_components_in_english(browser, app_url):
    """The API page read 'provided in the "[object Object]" Image component' while the labels were
    translation keys; it names them now (genapp/ui/api_labels.py)."""
    page = open_app(browser, app_url)
    try:
        page.locator("button.show-api").click()
        page.get_by_text("/sketch_to_shoe").first.wait_for()
        text = page.inner_text("body")
        assert "[object Object]" not in text and "__i18n__" not in text
        assert 'provided in the "Model" Dropdown component' in text
        assert 'appears in the "Generated shoe" Image component' in text
    finally:
        page.context.close()


def test_phone_width_intros_wrap_under_the_model_picker(browser, app_url):
    """At a phone's 390 px each playground's intro sat beside its model picker in a column about
    100 px wide (a few words a line); it now wraps under the picker and gets the row's width, and
    no tab scrolls sideways."""
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    try:
        for name, picker in [("latent", "latent-model"), ("conditional", "cond-model"),
                             ("sketch", "sketch-model"), ("horse", "horse-model")]:
            page.goto(f"{app_url}/?tab={name}", wait_until="load")
            page.wait_for_selector(f"#{picker}")
            boxes = page.evaluate(f"""(() => {{
                let row = document.querySelector('#{picker}');
                while (row && !row.classList.contains('row')) row = row.parentElement;
                const [a, b] = Array.from(row.children).map(c => c.getBoundingClientRect());
                return {{picker: [a.top, a.width], intro: [b.top, b.width], row: row.getBoundingClientRect().width,
                         page: document.documentElement.scrollWidth}};
            }})()""")
            assert boxes["intro"][0] > boxes["picker"][0], (name, boxes)        # under the picker, not beside it
            assert boxes["intro"][1] > 0.9 * boxes["row"], (name, boxes)        # the row's whole width
            assert boxes["page"] <= 390, (name, boxes)                          # nothing scrolls sideways
    finally:
        ctx.close()
