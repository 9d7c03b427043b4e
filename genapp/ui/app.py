"""The app builder: one ``gr.Blocks`` with a tab per module, and the launch defaults it needs.

``build_app()`` returns a Blocks whose ``launch()`` already carries the English/Korean text
(``gr.I18n``), the CSS and the safe defaults, so ``app.py`` (Spaces) can stay
``demo = build_app(); demo.launch()`` and tests can call ``launch(prevent_thread_lock=True, ...)``.
"""
from __future__ import annotations

import logging

import gradio as gr

from genapp import settings
from genapp.models import default_family
from genapp.threads import concurrency

from . import api_labels, i18n, lecture, teaching
from .common import MODEL_EVENTS, first_look, notice, picker_update, stop_first_look
from .gradio_patches import atomic_image_cache, lazy_session_config
from .i18n import I18N, t
from .tabs import autoencoder as autoencoder_view
from .tabs import conditional as conditional_tab
from .tabs import control as control_tab
from .tabs import horse as horse_tab
from .tabs import lab as lab_tab
from .tabs import latent as latent_tab
from .tabs import pixelcnn as pixelcnn_tab
from .tabs import race as race_tab
from .tabs import sketch as sketch_tab
from .tabs import train as train_tab

CSS = """
.pixelated img { image-rendering: pixelated; }
.fill img { width: 100%; height: 100%; object-fit: contain; }
.notice { color: var(--body-text-color-subdued); }
#lecture-status p { margin: 0; }
"""

# The Sketch tab's pad: a square whose whole face is the drawing, so every stroke a visitor can
# put on it is kept. Gradio's editor draws the picture inside a canvas with a 30 px margin all
# round (its zoom tool's border_padding), fitted to the canvas: strokes in that margin -- and in
# the wide strips beside a square picture in a 720 x 420 pad -- were silently lost. Here the canvas
# is the square plus that margin, the margin is clipped away (clip-path also stops the pointer
# there), and the label and both toolbars sit above the square instead of on it. The square is at
# most 512 px (tabs/sketch.py's CANVAS: the picture is never blown up, Gradio's first fit stops at 100 %).
PAD_CSS = """
#sketch-pad { height: auto !important; max-width: 480px; margin-inline: auto;
  background: var(--background-fill-secondary); }
#sketch-pad > label { position: static; margin: var(--block-label-margin); }
#sketch-pad .image-container { display: block; position: relative; box-sizing: content-box; width: 100%;
  height: auto; max-height: none; aspect-ratio: 1 / 1; padding-top: 36px; overflow: hidden; }
#sketch-pad .pixi-target, #sketch-pad .pixi-target-crop { inset: auto; top: 6px; left: -30px;
  width: calc(100% + 60px); height: calc(100% + 24px); clip-path: inset(30px); }
#sketch-pad .top-panel { top: 6px; right: 6px; }
#sketch-pad .toolbar-wrap { flex-direction: row; width: auto; top: 6px; left: 6px; right: auto; }
#sketch-pad .toolbar-wrap .half-container { flex-direction: row; width: auto; padding: 0 var(--spacing-sm); }
#sketch-pad .toolbar-wrap .half-container:last-child { border-top: none;
  border-left: 1px solid var(--block-border-color); }
"""
PAD_CSS += PAD_CSS.replace("#sketch-pad", "#pcnn-pad")  # the PixelCNN tab's pad for digits: the same square

# Phones: Gradio hides "Use via API" below 640 px, though the title points to it (shown at every
# width here: Gradio keeps a rule inside @media only for elements of the page's main part, and
# the footer is not in it); tab labels get less padding (every tab bar wraps into rows: build_app).
PHONE_CSS = """
footer .show-api, footer .show-api-divider { display: flex !important; }
footer { flex-wrap: wrap; row-gap: var(--size-1); }
@media (max-width: 640px) {
  .tab-container button[role=tab] { padding: 0 var(--size-2); }
}
"""

# Table headers break between words only ("fami|ly" in a narrow race table was Gradio's
# break-word): the column grows to its longest word instead, and Korean breaks at spaces too.
TABLE_CSS = """
table th .header { word-break: keep-all; overflow-wrap: normal; }
"""

# Gradio's Sketchpad starts with no tool picked: a stroke draws nothing until the visitor finds
# the brush ("select the draw tool to start", in English on every page). Pick it for them, once
# for each pad as it appears on screen; a tool they pick afterwards (the eraser) stays theirs.
HEAD = """<script>
(() => {
  const pick = () => document.querySelectorAll('#sketch-pad, #pcnn-pad').forEach(pad => {
    if (pad.dataset.brushPicked) return;
    const brush = pad.querySelector('button[aria-label="Brush"]');
    if (brush && brush.offsetParent !== null) { brush.click(); pad.dataset.brushPicked = '1'; }
  });
  new MutationObserver(pick).observe(document.documentElement, {childList: true, subtree: true});
})();
</script>""" + """<script>
// Gradio's toasts write their title ("Error", when the server sent none) and their close button's
// screen-reader name ("Close") in English on every page, and so does the progress line over a busy
// output ("queue: 1/2 |"): none is in its translation tables. On a Korean page, say them in Korean.
(() => {
  if (!(navigator.language || '').toLowerCase().startsWith('ko')) return;
  const titles = {Error: '오류', Warning: '경고', Info: '알림', Success: '완료'};
  const fix = () => document.querySelectorAll('[data-testid="toast-body"]').forEach(toast => {
    const close = toast.querySelector('[data-testid="toast-close"]');
    if (close && close.getAttribute('aria-label') !== '닫기') close.setAttribute('aria-label', '닫기');
    const title = toast.querySelector('.toast-title-row span');
    if (title) for (const node of title.childNodes)
      if (node.nodeType === 3 && titles[node.textContent.trim()]) node.textContent = titles[node.textContent.trim()];
  });
  // the progress line over a busy output: "queue: 1/2 |" and "processing |" are written as is
  const progress = node => {
    const text = node.textContent, queued = text.match(/^(\\s*)queue: (\\d+)\\/(\\d*) \\|(\\s*)$/);
    if (queued) node.textContent = `${queued[1]}대기열: ${queued[2]}/${queued[3]} |${queued[4]}`;
    else if (/^\\s*processing \\|\\s*$/.test(text)) node.textContent = text.replace('processing', '처리 중');
  };
  const texts = root => {
    if (root.nodeType === 3) return progress(root);
    if (root.nodeType !== 1) return;
    const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (walk.nextNode()) progress(walk.currentNode);
  };
  new MutationObserver(records => {
    fix();
    for (const r of records) {
      if (r.type === 'characterData') progress(r.target);
      else r.addedNodes.forEach(texts);
    }
  }).observe(document.documentElement, {childList: true, subtree: true, characterData: true});
})();
</script>""" + """<script>
// Phones: a result lands under the button that asked for it, often below the fold, and nothing
// showed it had come. When pictures change after a button press, bring them into view (the
// first ones after each press; tab bars, toolbars and the footer do not count as presses).
(() => {
  const narrow = matchMedia('(max-width: 640px)');
  const notPress = '[role=tab], [role=tablist], footer, .toolbar-wrap, .icon-button-wrapper, .overflow-menu';
  let pressed = 0, timer = null;
  const changed = new Set();
  document.addEventListener('click', e => {
    const button = e.target.closest && e.target.closest('button');
    if (button && !button.closest(notPress)) { pressed = Date.now(); changed.clear(); }
  }, true);
  const bring = () => {
    timer = null;
    const blocks = [...changed].filter(b => b.isConnected && b.offsetParent !== null);
    changed.clear();
    if (!blocks.length) return;
    pressed = 0;
    const boxes = blocks.map(b => b.getBoundingClientRect());
    const top = Math.min(...boxes.map(r => r.top)), bottom = Math.max(...boxes.map(r => r.bottom));
    if (top >= 0 && bottom <= innerHeight) return;
    window.scrollBy({top: top - 8, behavior: 'smooth'});
  };
  new MutationObserver(records => {
    if (!narrow.matches || !pressed || Date.now() - pressed > 600000) return;
    for (const r of records) {
      const nodes = r.type === 'attributes' ? [r.target] : [...r.addedNodes];
      for (const n of nodes) {
        if (n.nodeType !== 1) continue;
        for (const img of n.tagName === 'IMG' ? [n] : n.querySelectorAll('img')) {
          const block = img.closest('.block');
          if (block && !block.closest('footer')) changed.add(block);
        }
      }
    }
    if (changed.size && !timer) timer = setTimeout(bring, 400);
  }).observe(document.body, {subtree: true, childList: true, attributes: true, attributeFilter: ['src']});
})();
</script>"""


log = logging.getLogger("genapp.ui")


def queue_settings() -> dict[str, int]:
    """The request queue: at most ``GENAPP_MAX_QUEUE_SIZE`` waiting (default 64; beyond that a
    visitor is told the queue is full, instead of every request slowing down), and at most
    ``GENAPP_CONCURRENCY`` model calls at once (default 2, one per core of a small Space or a
    lecture laptop: more would only make each of them slower). Polling the training status,
    stopping a run and Hub pushes are not counted: they never wait behind a model call."""
    return {"max_size": settings.integer("GENAPP_MAX_QUEUE_SIZE", 64),
            "default_concurrency_limit": concurrency()}


QUEUE_POLL_MS = 5       # how often Gradio's queue looks for work while it waits (Gradio: 1 ms)
PROGRESS_POLL_MS = 50   # how often it looks for progress to send (Gradio: 10 ms)


def calm_queue(demo: gr.Blocks) -> None:
    """Let Gradio's queue poll less often, so that an idle app leaves the CPU alone.

    On Linux Gradio's queue checks for new events every 1 ms and for progress every 10 ms while
    it waits: about 1,100 wakeups a second, 7-10 % of a core with nobody using the app. At 5 ms
    and 50 ms an idle app uses about half that, with the same latency under load
    (``bench/load.py``); a call waits at most 5 ms more for its turn.
    ``GENAPP_QUEUE_POLL_MS`` sets the first. If a Gradio version no longer has these settings,
    nothing is changed.
    """
    queue = getattr(demo, "_queue", None)
    if queue is None or not hasattr(queue, "sleep_when_free"):
        return
    queue.sleep_when_free = settings.integer("GENAPP_QUEUE_POLL_MS", QUEUE_POLL_MS) / 1000
    if hasattr(queue, "progress_update_sleep_when_free"):
        queue.progress_update_sleep_when_free = max(queue.sleep_when_free, PROGRESS_POLL_MS / 1000)


class StudioBlocks(gr.Blocks):
    """``gr.Blocks`` whose ``launch`` defaults to the app's i18n, CSS and privacy settings."""

    def launch(self, *args, **kwargs):
        kwargs.setdefault("i18n", I18N)
        kwargs.setdefault("css", CSS + PAD_CSS + PHONE_CSS + TABLE_CSS)
        kwargs.setdefault("head", HEAD)
        kwargs.setdefault("theme", gr.themes.Soft())  # its fonts ship with Gradio: fine offline
        # Gradio can keep a per-browser history of calls; it would keep Hub tokens typed in the
        # Train tab on a shared lecture-room laptop. Off unless asked for.
        kwargs.setdefault("run_history", False)
        # Refuse oversized uploads at the door, before Gradio stores them (load_image refuses
        # them again, with our message, for anything that gets through).
        kwargs.setdefault("max_file_size", settings.text("GENAPP_MAX_FILE_SIZE"))
        return super().launch(*args, **kwargs)

    async def process_api(self, *args, **kwargs):
        """Every event, with its request kept for the server's text (``i18n.lang``: its input checks
        run before the handler, where Gradio does not keep it yet), and its error in the visitor's
        language (handlers, the core and Gradio's own checks write them in English)."""
        request = kwargs.get("request")
        token = i18n.REQUEST.set(request if not isinstance(request, list) else (request or [None])[0])
        try:
            return await super().process_api(*args, **kwargs)
        except gr.Error as exc:
            language = i18n.lang()
            exc.message = i18n.message(exc.message, language)
            if language != "en" and exc.title in ("Error", "Warning", "Lecture mode"):
                exc.title = i18n.tr({"Error": "error_title", "Warning": "warning_title",
                                     "Lecture mode": "lecture_mode_title"}[exc.title], language)
            raise
        finally:
            i18n.REQUEST.reset(token)

    def get_api_info(self, *args, **kwargs):
        """Gradio's API description with the labels in English (``api_labels``), not as keys."""
        return api_labels.readable(super().get_api_info(*args, **kwargs), self.blocks)


def build_app() -> gr.Blocks:
    """GAN Studio: Train (live), Latent, Conditional, Control, Sketch -> shoe, Horse <-> zebra, PixelCNN,
    Lab, Race."""
    atomic_image_cache.install()  # identical outputs at the same time must not truncate each other's files
    lazy_session_config.install()  # a new session (page load, REST call) no longer builds every block's config
    with StudioBlocks(title="GAN Studio") as demo:
        gr.Markdown(t("title"))
        lecturer = lecture.build()                    # teaching layer: lecture mode, links, Learn panels
        link = teaching.link_box()
        with gr.Tabs() as tabs:
            with gr.Tab(t("tab_train"), id="train", elem_id="tab-train") as train_page:
                train_learn = teaching.learn_panel(default_family("train"), "train-learn")
                train = train_tab.build()
                vae_box = autoencoder_view.build()
            with gr.Tab(t("tab_latent"), id="latent", elem_id="tab-latent") as latent_page:
                teaching.learn_panel("latent", "latent-learn")
                latent = latent_tab.build()
            with gr.Tab(t("tab_conditional"), id="conditional", elem_id="tab-conditional") as cond_page:
                teaching.learn_panel("cgan", "cond-learn")
                cond = conditional_tab.build()
            with gr.Tab(t("tab_control"), id="control", elem_id="tab-control") as control_page:
                teaching.learn_panel("control", "control-learn")
                control = control_tab.build()
            with gr.Tab(t("tab_sketch"), id="sketch", elem_id="tab-sketch") as sketch_page:
                teaching.learn_panel("pix2pix", "sketch-learn")
                sketch = sketch_tab.build()
            with gr.Tab(t("tab_horse"), id="horse", elem_id="tab-horse") as horse_page:
                teaching.learn_panel("cyclegan", "horse-learn")
                horse = horse_tab.build()
            with gr.Tab(t("tab_pixelcnn"), id="pixelcnn", elem_id="tab-pixelcnn") as pixelcnn_page:
                teaching.learn_panel("pixelcnn", "pixelcnn-learn")
                pixelcnn = pixelcnn_tab.build()
            with gr.Tab(t("tab_lab"), id="lab", elem_id="tab-lab") as lab_page:
                lab_learn = teaching.learn_panel("lab", "lab-learn", extra=default_family("lab"))
                lab = lab_tab.build()
            with gr.Tab(t("tab_race"), id="race", elem_id="tab-race") as race_page:
                race = race_tab.build()

        playgrounds = (("latent", latent), ("conditional", cond), ("sketch", sketch), ("horse", horse),
                       ("pixelcnn", pixelcnn))
        # Opening a playground refreshes its model list: a run finished a minute ago shows up.
        for (name, tab), page in zip(playgrounds, (latent_page, cond_page, sketch_page, horse_page, pixelcnn_page)):
            opened = page.select(lambda cur, _name=name: (picker_update(_name, cur), notice(_name)), tab["model"],
                                 [tab["model"], tab["notice"]], api_visibility="private", show_progress="hidden")
            # A playground shows its model at work the first time it is opened (the latent and
            # conditional samples, an example sketch's shoe, an example horse as a zebra).
            fn, inputs, outputs = tab["first"]
            acted = gr.State(False)
            look = opened.then(first_look(fn, len(outputs)), [outputs[0], acted, *inputs], outputs,
                               api_visibility="private", show_progress="hidden", **MODEL_EVENTS)
            stop_first_look(look, tab["first_stops"], acted)
            if "on_open" in tab:  # a quick view of its own (the PixelCNN's test-digit preview)
                fn, inputs, outputs = tab["on_open"]
                opened.then(fn, inputs, outputs, api_visibility="private", show_progress="hidden")

        def on_load(*current):
            """Fresh model lists and notices (pretrained models and finished runs appear while the app runs)."""
            pickers = [picker_update(name, cur) for (name, _), cur in zip(playgrounds, current)]
            notices = [notice(name) for name, _ in playgrounds]
            return (*pickers, *notices, *train_tab.on_load())

        loaded = demo.load(on_load, [tab["model"] for _, tab in playgrounds],
                           [tab["model"] for _, tab in playgrounds] + [tab["notice"] for _, tab in playgrounds] +
                           [train["runs"], train["watch_pick"], train["run_id"], train["timer"], train["seen"]],
                           api_visibility="private")

        pages = {"train": train_page, "latent": latent_page, "conditional": cond_page, "sketch": sketch_page,
                 "horse": horse_page, "lab": lab_page, "race": race_page, "control": control_page,
                 "pixelcnn": pixelcnn_page}
        teaching.wire(demo, tabs=tabs, pages=pages, lecturer=lecturer, link=link, train=train,
                      train_learn=train_learn, vae_box=vae_box, latent=latent, cond=cond, sketch=sketch, horse=horse,
                      lab=lab, lab_learn=lab_learn, race=race, loaded=loaded)
        control_tab.wire(demo, control_page, control)
    for block in demo.blocks.values():  # every tab bar (the tabs' own sub-tabs too) wraps into rows
        if isinstance(block, gr.Tabs):  # on a phone rather than hiding tabs behind a "…" menu
            block.overflow_behavior = "wrap"
    demo.queue(**queue_settings())
    calm_queue(demo)
    return demo
