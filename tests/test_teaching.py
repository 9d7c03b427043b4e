"""The teaching layer, fast: Learn texts, the Lab's three steps, presets and races, lecture mode,
shareable links and exports -- through ``gradio_client`` against the session app (conftest.py)
where the behaviour is an endpoint's, and by direct calls where it is a function's.
"""
from __future__ import annotations

import re
import time

import numpy as np
import pytest
import torch
from gradio_client import Client
from gradio_client.exceptions import AppError
from PIL import Image

pytestmark = pytest.mark.filterwarnings("ignore:::gradio.queueing")  # pandas 3 deprecations inside Gradio

TOKEN = "lecture-token-for-tests-7f3a"


def _params(module) -> list[torch.Tensor]:
    return [p.detach().clone() for p in module.parameters()]


def _same(a, b) -> bool:
    return all(torch.equal(x, y) for x, y in zip(a, b))


# ---------------------------------------------------------------- Learn panels
def test_every_family_has_a_lesson_in_english_and_korean():
    from genapp.models import FAMILIES
    from genapp.ui.i18n import EN, KO
    from genapp.ui.learn_text import LESSONS, lesson
    from genapp.ui.presets import PRESETS

    for topic in (*FAMILIES, "latent", "lab", *PRESETS):
        for lang in ("en", "ko"):
            text = lesson(topic, lang)
            assert len(text) > 200, (topic, lang)
            assert text.count("$$") % 2 == 0, (topic, lang)              # display maths is closed
            assert text.replace("$$", "").count("$") % 2 == 0, (topic, lang)
            assert EN[f"learn_{topic}"] == LESSONS[topic]["en"] and KO[f"learn_{topic}"] == LESSONS[topic]["ko"]
        assert re.search("[가-힣]", lesson(topic, "ko")) and not re.search("[가-힣]", lesson(topic, "en"))
    # each objective, in the course's notation
    expect = {"gan": [r"\min_G \max_D", r"\log D(G(z))"], "vae": [r"D_{KL}", r"\mu + \sigma \odot \epsilon"],
              "wgan": [r"\mathrm{clip}(w, -c, c)", r"\nabla_{\hat x} D(\hat x)", "1-Lipschitz"],
              "pix2pix": [r"\lambda\, \mathcal{L}_{L1}", r"\lambda = 100"],
              "cyclegan": [r"F(G(x)) - x", r"\lambda = 10"], "cgan": [r"D(x \mid y)"],
              "dae": [r"0.3\,\epsilon"], "toy1010": ["D on real", "D on fake"]}
    for topic, parts in expect.items():
        for part in parts:
            assert part in lesson(topic, "en"), (topic, part)
    with pytest.raises(KeyError):
        lesson("nope")


def test_learn_module_is_gradio_free():
    import subprocess
    import sys

    code = "import sys, genapp.ui.learn_text, genapp.ui.links, genapp.ui.presets; print('gradio' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


# ---------------------------------------------------------------- the Lab: the course's three steps
def test_lab_steps_change_the_right_network():
    from genapp.ui.tabs import lab as lab_tab

    lab = lab_tab.new_lab("ring", 0)
    g0, d0 = _params(lab["model"].generator), _params(lab["model"].discriminator)
    view0 = np.asarray(lab_tab.view(lab))

    losses = lab_tab.apply(lab, "real")
    assert set(losses) == {"loss_d_real", "d_x"}
    g1, d1 = _params(lab["model"].generator), _params(lab["model"].discriminator)
    assert _same(g0, g1) and not _same(d0, d1)          # D on real: only D moves
    view1 = np.asarray(lab_tab.view(lab))
    assert not np.array_equal(view0, view1)             # ... and its heatmap is redrawn

    losses = lab_tab.apply(lab, "fake")
    assert set(losses) == {"loss_d_fake", "d_g_z"}
    g2, d2 = _params(lab["model"].generator), _params(lab["model"].discriminator)
    assert _same(g1, g2) and not _same(d1, d2)          # D on fake: G is detached

    losses = lab_tab.apply(lab, "g")
    assert set(losses) == {"loss_g", "d_g_z_after"}
    g3, d3 = _params(lab["model"].generator), _params(lab["model"].discriminator)
    assert not _same(g2, g3) and _same(d2, d3)          # G step: only G moves

    losses = lab_tab.apply(lab, "train")
    assert {"loss_d", "loss_g"} <= set(losses)
    assert lab["clicks"] == 4 and lab["steps"] == 103


def test_lab_same_seed_same_clicks_same_pictures():
    from genapp.ui.tabs import lab as lab_tab

    def session(seed):
        lab = lab_tab.new_lab("toy1010", seed)
        for action in ("real", "fake", "g", "train", "g"):
            lab_tab.apply(lab, action)
        return lab["model"].pattern(), np.asarray(lab_tab.view(lab))

    a, b, c = session(3), session(3), session(4)
    assert a[0] == b[0] and np.array_equal(a[1], b[1])
    assert a[0] != c[0]


def test_lab_handlers_keep_the_model_in_the_session_state():
    from genapp.ui.tabs import lab as lab_tab

    lab, img, summary, stats, log, plot = lab_tab.reset(None, "toy1010", 1)
    assert isinstance(img, Image.Image) and lab["clicks"] == 0 and plot is not None
    lab, img, summary, stats, log, plot = lab_tab._step("g")(lab, "toy1010", 1)
    assert lab["clicks"] == 1 and len(log) == 1 and "③ G" in log.iloc[0, 1]
    assert "D(G(z))" in stats and "loss_g" in summary
    # switching the family starts a fresh lab of that family
    lab, *_ = lab_tab._step("real")(lab, "ring", 1)
    assert lab["family"] == "ring" and lab["clicks"] == 1


def test_lab_reset_pressed_during_train_waits_and_wins():
    """The Lab's buttons are events of their own: Reset pressed while *Train 100 steps* runs used to
    be lost (the training ended last and returned the old lab). Now it waits, then refills the
    session's own lab: the page ends on the fresh model, whichever event's state lands last."""
    import threading

    from genapp.ui.tabs import lab as lab_tab

    lab = lab_tab.reset(None, "ring", 1)[0]
    lab_tab._step("g")(lab, "ring", 1)
    trained = []
    worker = threading.Thread(target=lambda: trained.append(lab_tab._step("train")(lab, "ring", 1)))
    worker.start()
    deadline = time.monotonic() + 10
    while not lab["lock"].locked() and worker.is_alive() and time.monotonic() < deadline:
        time.sleep(0.0005)
    assert lab["lock"].locked(), "the training never held the lab"
    after_reset = lab_tab.reset(lab, "ring", 1)[0]   # waits for the training
    worker.join()
    assert trained[0][0] is lab and after_reset is lab  # both events hand back the one lab...
    assert (lab["clicks"], lab["steps"], lab["log"]) == (0, 0, [])  # ...and it is the fresh one
    fresh = lab_tab.new_lab("ring", 1)["model"]
    for (name, a), b in zip(lab["model"].state_dict().items(), fresh.state_dict().values()):
        assert torch.equal(a, b), name


# ---------------------------------------------------------------- presets and races
def test_presets_are_races_of_the_right_runs():
    from genapp.ui.presets import PRESETS

    def specs(key):
        return [side.spec for side in PRESETS[key].runs]

    mc = specs("mode_collapse")
    assert [(s.family, s.dataset) for s in mc] == [("ring", "ring"), ("wgan", "ring")]
    assert mc[1].overrides["penalty"] == "gp" and PRESETS["mode_collapse"].metric == "modes"
    for key in PRESETS:
        a, b = specs(key)
        assert a.seed == b.seed and a.dataset == b.dataset and a.steps == b.steps  # same data, same seed
        assert a.batch_size == b.batch_size and a.overrides.get("latent_dim") == b.overrides.get("latent_dim")
    assert specs("strong_d")[1].overrides == {"d_steps": 5}
    assert specs("high_lr")[1].lr >= 10 * specs("high_lr")[0].lr
    assert {s.family for s in specs("cgan_vs_gan")} == {"cgan", "dcgan"}


def test_mode_collapse_race_starts_from_the_same_weights():
    from genapp.ui.presets import PRESETS

    nets = []
    for side in PRESETS["mode_collapse"].runs:
        nets.append(side.spec.build())  # what the registry does: seeded from the spec's seed
    gan, wgan = nets
    assert gan.loss == "bce" and wgan.loss == "wasserstein"
    assert _same(_params(gan.generator), _params(wgan.generator))
    assert _same(_params(gan.discriminator), _params(wgan.discriminator))


def test_start_race_runs_both_at_once_even_with_one_slot(tmp_path):
    from genapp.runs import RunRegistry

    reg = RunRegistry(tmp_path, max_concurrent=1)  # one run at a time per device...
    first = reg.start("toy1010", steps=100_000, batch_size=4, seed=1)
    specs = [{"family": "toy1010", "steps": 100_000, "batch_size": 4, "seed": 2},
             {"family": "toy1010", "steps": 100_000, "batch_size": 4, "seed": 2, "lr": 0.05}]
    try:
        deadline = time.monotonic() + 60
        while first.status != "running":
            assert time.monotonic() < deadline
            time.sleep(0.05)
        race = reg.start_race(specs)
        time.sleep(0.5)
        assert [r.status for r in race] == ["queued", "queued"]  # ...so the race waits for the slot
        reg.stop(first.id, timeout=30)
        while not all(r.status == "running" and r.step > 0 for r in race):  # ...then both train together
            assert time.monotonic() < deadline, [r.status for r in race]
            time.sleep(0.05)
        assert race[0].train_cfg.seed == race[1].train_cfg.seed == 2
    finally:
        reg.stop_all(timeout=30)
    assert all(r.status == "stopped" for r in race)
    # a bad setting starts nothing, and leaves nothing queued
    with pytest.raises(ValueError):
        reg.start_race([{"family": "toy1010", "steps": 5}, {"family": "dcgan", "dataset": "ring", "steps": 5}])
    assert not reg.active()


def test_race_result_names_the_leader():
    import threading
    from types import SimpleNamespace

    from genapp.ui.presets import race_result

    def run(**metrics):  # one grid's metrics, at step 100
        return SimpleNamespace(metrics=metrics, metrics_history=[(100, metrics)], lock=threading.Lock())

    assert race_result([run(modes=1.0), run(modes=6.0)], "mode_collapse")["leader"] == 1
    assert race_result([run(judge_fid_1k=300.0), run(judge_fid_1k=900.0)], "high_lr")["leader"] == 0
    assert race_result([run(), run(modes=3.0)], "mode_collapse")["leader"] is None


def test_preset_endpoint_starts_the_race_and_the_view_follows_it(client, app_env):
    from genapp.runs import registry
    from genapp.ui.tabs import race as race_tab

    ids = client.predict(api_name="/preset_strong_d").split(", ")
    try:
        runs = [registry().get(i) for i in ids]
        assert [(r.family, r.dataset) for r in runs] == [("gan", "mnist"), ("gan", "mnist")]
        assert [r.model.d_steps if r.model is not None else None for r in runs] == [1, 5]
        assert race_tab.current() == ("strong_d", ids)  # what a visitor who opens the page is shown
        _, left, _, right, result, *_ = race_tab.live(", ".join(ids), "strong_d", {})
        assert "k = 1 (balanced)" in left and "k = 5 (D too strong)" in right and ids[0] in left
        assert "judge_fid_1k" in result
    finally:
        for i in ids:
            registry().stop(i, timeout=30)


def test_the_race_view_keeps_ticking_while_the_race_on_stage_runs(app_env):
    """A tick that still shows an ended race must not switch the view off while a newer race is
    on stage (a preset was started between the tick's read of the ids and its answer)."""
    from genapp.runs import registry
    from genapp.ui.tabs import race as race_tab

    reg = registry()
    old = [reg.start("toy1010", steps=3, batch_size=4, seed=s) for s in (1, 2)]
    new = reg.start_race([{"family": "toy1010", "steps": 100_000, "batch_size": 4, "seed": 3}] * 2)
    saved = race_tab.current()
    try:
        deadline = time.monotonic() + 60
        while any(r.status in ("queued", "running") for r in old):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        old_ids = ", ".join(r.id for r in old)
        race_tab._set_current("mode_collapse", [r.id for r in new])
        assert race_tab.live(old_ids, "mode_collapse", {})[5].active is True      # the new race runs
        for run in new:
            reg.stop(run.id, timeout=30)
        assert race_tab.live(old_ids, "mode_collapse", {})[5].active is False     # nothing runs
    finally:
        for run in new:
            reg.stop(run.id, timeout=30)
        race_tab._set_current(*saved)


# ---------------------------------------------------------------- lecture mode
def _refused(fn) -> str:
    with pytest.raises(AppError) as info:
        fn()
    return str(info.value)


def test_lecture_mode_refuses_visitors_and_accepts_the_lecturer(app_url, monkeypatch):
    from genapp.runs import registry

    monkeypatch.setenv("GENAPP_ADMIN_TOKEN", TOKEN)
    visitor = Client(app_url, verbose=False)
    msg = _refused(lambda: visitor.predict("toy1010", "toy1010", 5, 4, None, 0, api_name="/train_start"))
    assert "Lecture mode" in msg
    n_runs = len(registry().list())
    assert "Lecture mode" in _refused(lambda: visitor.predict(api_name="/preset_mode_collapse"))
    assert len(registry().list()) == n_runs  # refused on the server: nothing started
    wrong = "not-the-token-123"
    msg = _refused(lambda: visitor.predict(wrong, api_name="/lecture_unlock"))
    assert wrong not in msg and TOKEN not in msg

    # the lecturer: a header on every call ...
    lecturer = Client(app_url, verbose=False, headers={"X-GenApp-Admin": TOKEN})
    run_id = lecturer.predict("toy1010", "toy1010", 100_000, 4, None, 0, api_name="/train_start")
    # ... a visitor cannot stop the lecturer's run, the lecturer can
    assert "Lecture mode" in _refused(lambda: visitor.predict(run_id, api_name="/train_stop"))
    assert lecturer.predict(run_id, api_name="/train_stop")["stop_requested"] is True
    # ... or unlocking once, for the rest of that session; the token is never sent back
    unlocked = Client(app_url, verbose=False)
    banner, box = unlocked.predict(TOKEN, api_name="/lecture_unlock")
    assert box == "" and TOKEN not in str(banner)
    run2 = unlocked.predict("toy1010", "toy1010", 3, 4, None, 0, api_name="/train_start")
    assert registry().get(run2).family == "toy1010"
    # watching stays open to everyone
    status, _ = visitor.predict(run2, api_name="/train_status")
    assert status["run_id"] == run2


def test_lecture_mode_off_lets_everyone_train(client, monkeypatch):
    monkeypatch.delenv("GENAPP_ADMIN_TOKEN", raising=False)
    run_id = client.predict("toy1010", "toy1010", 3, 4, None, 0, api_name="/train_start")
    assert run_id.endswith("-toy1010-toy1010")


def test_guard_keeps_the_documented_api(client):
    api = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    names = [p["parameter_name"] for p in api["/train_start"]["parameters"]]
    assert names == ["family", "dataset", "steps", "batch_size", "lr", "seed"]
    assert [p["parameter_name"] for p in api["/train_stop"]["parameters"]] == ["run_id"]


# ---------------------------------------------------------------- shareable links
def test_query_params_fill_the_settings():
    from genapp.ui import teaching

    comps = {name: name for name in (
        "tabs", "tab_state", "family", "dataset", "lr", "steps", "batch_size", "seed", "run_id", "train_timer",
        "train_seen", "latent_model", "latent_seed", "count", "seed_a", "seed_b", "walk", "method",
        "conditional_model", "sketch_model", "horse_model", "lab_family", "lab_seed", "lab_learn", "preset",
        "race_settings", "race_lesson", "race_ids", "race_timer", "race_seen", "follow_seen")}
    up = teaching.query_updates({"tab": "latent", "model": "mnist-dcgan", "seed": "3", "a": "5", "method": "lerp"},
                                comps)
    assert up["tabs"].selected == "latent" and up["latent_model"] == "mnist-dcgan"
    assert up["latent_seed"] == 3 and up["seed_a"] == 5 and up["method"] == "lerp"
    up = teaching.query_updates({"tab": "train", "family": "ring", "steps": "2000", "batch": "256", "seed": "4"},
                                comps)
    assert up["family"] == "ring" and up["dataset"].value == "ring" and up["lr"] == 1e-3
    assert (up["steps"], up["batch_size"], up["seed"]) == (2000, 256, 4)
    up = teaching.query_updates({"tab": "lab", "family": "toy1010", "seed": "9"}, comps)
    assert (up["lab_family"], up["lab_seed"]) == ("toy1010", 9)
    up = teaching.query_updates({"tab": "race", "preset": "mode_collapse"}, comps)
    assert up["preset"] == "mode_collapse" and len(up["race_settings"]) == 2
    # nonsense is dropped, never echoed
    up = teaching.query_updates({"tab": "<script>", "model": "../../etc/passwd", "seed": "-1", "family": "x;y",
                                 "lr": "nan"}, comps)
    assert up == {}


def test_a_link_to_a_race_or_run_is_not_replaced_by_the_follow_timers_first_tick(app_env, monkeypatch):
    """A link to one race, opened while another is on stage: the page's follow timer starts from the
    link's moment, so its first tick leaves the linked race on screen (it used to put the stage's
    over it about 2 s after load); a race started after that is followed as on any page."""
    from genapp.ui import follow, teaching
    from genapp.ui.tabs import race as race_tab

    stage = ["00001-gan-mnist", "00002-gan-mnist"]
    monkeypatch.setattr(race_tab, "current", lambda: ("mode_collapse", list(stage)))
    comps = {name: name for name in ("tabs", "tab_state", "preset", "race_settings", "race_lesson", "race_ids",
                                     "race_timer", "race_seen", "run_id", "train_timer", "train_seen",
                                     "follow_seen")}
    up = teaching.query_updates({"tab": "race", "preset": "mode_collapse", "runs": "00003-dcgan-mnist,00004-dcgan-mnist"}, comps)
    assert up["race_ids"] == "00003-dcgan-mnist, 00004-dcgan-mnist"
    first = follow.tick("", up["race_ids"], up["follow_seen"])
    assert all(isinstance(x, type(gr_skip())) for x in first[:11]), "the first tick replaced the link"
    fresh = follow.tick("", up["race_ids"], {})  # a page opened without a link: the stage's race
    assert fresh[6] == "00001-gan-mnist, 00002-gan-mnist"
    stage[:] = ["00005-wgan-mnist", "00006-wgan-mnist"]  # the lecturer starts another race: the linked page follows it
    later = follow.tick("", up["race_ids"], first[-1])
    assert later[6] == "00005-wgan-mnist, 00006-wgan-mnist"
    up = teaching.query_updates({"tab": "train", "run": "00007-vae-mnist"}, comps)
    assert up["run_id"] == "00007-vae-mnist" and up["follow_seen"]["stage"] == ["00005-wgan-mnist", "00006-wgan-mnist"]


def gr_skip():
    import gradio as gr

    return gr.skip()


def test_links_round_trip_and_never_carry_the_admin_token():
    from genapp.ui import links, teaching

    settings = teaching.link_settings("latent", {"latent_model": "mnist-dcgan", "latent_seed": 3.0, "count": 16,
                                                 "seed_a": 1, "seed_b": 2, "walk": 8, "method": "slerp"})
    url = links.build("http://host:7860/?admin=" + TOKEN + "&tab=train", {**settings, "admin": TOKEN})
    assert url.startswith("http://host:7860/?tab=latent&model=mnist-dcgan&seed=3")
    assert TOKEN not in url and "admin" not in url
    from urllib.parse import parse_qsl, urlsplit

    back = links.parse(dict(parse_qsl(urlsplit(url).query)))
    assert back == {"tab": "latent", "model": "mnist-dcgan", "seed": 3, "count": 16, "a": 1, "b": 2, "walk": 8,
                    "method": "slerp"}


# ---------------------------------------------------------------- autoencoder views and exports
def test_autoencoder_rows_are_labelled():
    from genapp.ui.tabs.autoencoder import BAND, label_rows

    grid = Image.new("RGB", (242, 184), "black")  # a dae grid: 3 rows of 8 digits
    out = label_rows(grid, "dae")
    assert out.size == (242 + BAND, 184)
    caption = np.asarray(out)[:, :BAND]
    assert (caption < 128).any() and (caption > 128).any()  # dark text on white
    assert label_rows(grid, "dcgan") is grid


def test_interpolation_gif(client):
    path = client.predict("mnist-dcgan", 1, 2, "slerp", api_name="/interpolation_gif")
    with Image.open(path) as gif:
        assert gif.format == "GIF" and gif.n_frames == 2 * 24 - 2
    with pytest.raises(AppError):
        client.predict("mnist-cgan", 1, 2, "slerp", api_name="/interpolation_gif")


def test_vae_run_latent_map_and_samples(app_env):
    from genapp.runs import registry
    from genapp.ui.tabs import autoencoder as autoencoder_view

    run = registry().start("vae", "mnist", steps=2, batch_size=8, overrides={"hidden": (32, 16)})
    run.thread.join(120)
    assert run.status == "finished", run.reason
    img = autoencoder_view.run_latent_map(run.id, 6)
    assert img.width == img.height >= 6 * 28
    assert autoencoder_view.run_samples(run.id, 0).width > 8 * 28
    ring = registry().start("toy1010", steps=1, batch_size=2)
    ring.thread.join(60)
    import gradio as gr

    with pytest.raises(gr.Error, match="vae"):
        autoencoder_view.run_latent_map(ring.id, 6)


def test_a_link_to_the_other_conditional_model_shows_samples_before_the_class_picker_follows(app_env):
    """``?tab=conditional&model=mnist-cgan`` on a page that opened on fashion-cgan: the first view
    may read the new model with the old class ("T-shirt/top"); it shows the model's first class
    instead of nothing (CI's browser once waited 60 s on an empty picture)."""
    import gradio as gr

    from genapp.ui.tabs import conditional as cond

    with pytest.raises(gr.Error, match="T-shirt"):  # what the button does with that pair: a message
        cond.conditional("mnist-cgan", "T-shirt/top", 0, 4)
    first = np.asarray(cond.first_samples("mnist-cgan", "T-shirt/top", 0, 4))
    assert np.array_equal(first, np.asarray(cond.conditional("mnist-cgan", "0", 0, 4)))
    # a class the model has is kept, by name or by index
    assert np.array_equal(np.asarray(cond.first_samples("mnist-cgan", "3", 0, 4)),
                          np.asarray(cond.conditional("mnist-cgan", "3", 0, 4)))
    assert np.array_equal(np.asarray(cond.first_samples("fashion-cgan", "Dress", 0, 4)),
                          np.asarray(cond.conditional("fashion-cgan", "Dress", 0, 4)))
    assert not np.array_equal(np.asarray(cond.first_samples("fashion-cgan", "Dress", 0, 4)),
                              np.asarray(cond.first_samples("fashion-cgan", "T-shirt/top", 0, 4)))


def test_a_first_view_gives_way_to_what_is_shown_and_to_a_visitor_who_acted():
    """A playground's first view runs only on an empty output and when the visitor has not acted
    yet: a press made before the view was even sent (which a cancel cannot reach) is remembered."""
    from genapp.ui.common import first_look

    made = []
    run = first_look(lambda *args: made.append(args) or "picture")
    assert run(None, False, "mnist-dcgan", 0) == "picture"
    assert isinstance(run(None, True, "mnist-dcgan", 0), type(gr_skip()))      # the visitor acted
    assert isinstance(run("shown", False, "mnist-dcgan", 0), type(gr_skip()))  # something is shown
    assert made == [("mnist-dcgan", 0)]
