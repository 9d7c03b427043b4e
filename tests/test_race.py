"""Races, fast: a preset goes the same way every time, the slow (lecture) pace ends where the normal
one does, the leader is judged at the same step on both sides, and a stopped race says so.

The reproducibility test runs the mode-collapse preset's own two runs (the same networks, seeds
and settings), shortened to 100 steps: what made the race differ from one try to the next (two
threads drawing from torch's one random generator) shows within a few steps.
"""
from __future__ import annotations

import dataclasses
import threading
import time
from types import SimpleNamespace

import pytest
import torch

pytestmark = pytest.mark.filterwarnings("ignore:::gradio.queueing")


def _race(reg, specs, **kwargs):
    runs = reg.start_race(specs, **kwargs)
    for run in runs:
        run.thread.join(300)
    assert [r.status for r in runs] == ["finished"] * len(runs), [r.reason for r in runs]
    return runs


def _outcome(runs):
    """What a race shows (every grid's metrics) and where it ends (the weights)."""
    return ([[(s, m) for s, m in r.metrics_history] for r in runs],
            [{k: v.clone() for k, v in r.model.state_dict().items()} for r in runs])


def _same_weights(a, b) -> bool:
    return all(x.keys() == y.keys() and all(torch.equal(x[k], y[k]) for k in x) for x, y in zip(a, b))


def test_the_mode_collapse_race_goes_the_same_way_every_time(tmp_path):
    from genapp.runs import RunRegistry
    from genapp.ui.presets import PRESETS

    specs = [dataclasses.replace(side.spec, steps=100) for side in PRESETS["mode_collapse"].runs]
    first = _outcome(_race(RunRegistry(tmp_path / "a"), specs))
    second = _outcome(_race(RunRegistry(tmp_path / "b"), specs))
    assert first[0] == second[0]                 # the same modes at every grid, on both sides
    assert _same_weights(first[1], second[1])    # ... and the same networks at the end


def test_the_slow_pace_spreads_the_same_race_over_more_time(tmp_path):
    from genapp.runs import RunRegistry

    specs = [{"family": "toy1010", "steps": 40, "batch_size": 8, "lr": lr, "seed": 3, "sample_every": 10}
             for lr in (0.05, 0.2)]

    def race(folder, **kwargs):
        t0 = time.monotonic()
        runs = RunRegistry(folder).start_race(specs, **kwargs)
        for run in runs:
            run.thread.join(300)
        assert [r.status for r in runs] == ["finished"] * 2, [r.reason for r in runs]
        return time.monotonic() - t0, _outcome(runs)

    t_normal, normal = race(tmp_path / "normal")
    t_slow, slow = race(tmp_path / "slow", min_seconds=4.0)
    assert t_slow >= 4.0 * 39 / 40, (t_normal, t_slow)  # (the normal race's time depends on the machine's load)
    assert slow[0] == normal[0] and _same_weights(slow[1], normal[1])  # the same end state


def test_a_preset_at_the_slow_pace_lasts_its_lecture_seconds():
    from genapp.ui import presets

    class Registry:  # records what the preset asks for
        def start_race(self, specs, min_seconds=0.0):
            self.specs, self.min_seconds = specs, min_seconds
            return [SimpleNamespace(id=f"0000{i}-x") for i in range(len(specs))]

    for key, preset in presets.PRESETS.items():
        reg = Registry()
        presets.start_preset(key, reg, pace="slow")
        assert reg.min_seconds == preset.lecture_seconds >= 60  # a minute or more to talk over
        presets.start_preset(key, reg)
        assert reg.min_seconds == 0 and len(reg.specs) == 2
    with pytest.raises(ValueError):
        presets.start_preset("mode_collapse", Registry(), pace="ludicrous")


def _run(id_, status="running", step=0, total=2000, history=(), reason=""):
    return SimpleNamespace(id=id_, status=status, step=step, total_steps=total, reason=reason,
                           metrics=dict(history[-1][1]) if history else {}, metrics_history=list(history),
                           lock=threading.Lock())


def test_the_leader_is_judged_at_the_same_step_on_both_sides():
    from genapp.ui.presets import race_result

    # The plain GAN trains faster: it is at step 300 (1 mode) while WGAN-GP has only reached step
    # 100, where it covers 5 modes and the plain GAN covered 0. Comparing the latest values named the
    # plain GAN... wrongly: at the same step WGAN-GP leads.
    gan = _run("a", history=[(100, {"modes": 0.0}), (200, {"modes": 2.0}), (300, {"modes": 6.0})])
    wgan = _run("b", history=[(100, {"modes": 5.0})])
    res = race_result([gan, wgan], "mode_collapse")
    assert res["step"] == 100 and res["values"] == [0.0, 5.0] and res["leader"] == 1
    # lower is better for judge-FID
    a = _run("a", history=[(20, {"judge_fid_1k": 900.0}), (40, {"judge_fid_1k": 300.0})])
    b = _run("b", history=[(20, {"judge_fid_1k": 700.0})])
    assert race_result([a, b], "high_lr")["leader"] == 1
    # nobody leads before both have a score
    assert race_result([gan, _run("c")], "mode_collapse")["leader"] is None


def test_a_stopped_race_says_stopped_and_who_was_ahead():
    from genapp.ui.i18n import EN
    from genapp.ui.tabs.race import result_text

    hist_a, hist_b = [(100, {"modes": 1.0}), (600, {"modes": 1.0})], [(100, {"modes": 4.0}), (600, {"modes": 6.0})]
    runs = [_run("a", "stopped", 640, history=hist_a), _run("b", "stopped", 640, history=hist_b)]
    text = result_text("mode_collapse", runs, ["plain GAN", "WGAN-GP"])
    assert "race_stopped" in text and "race_finished" not in text, text    # a key, translated in the page
    assert text.count("__i18n__") == 1  # the page translates only the first key of a text
    assert "ahead when stopped: **WGAN-GP** ▲" in text and "640" in text
    assert "(step 600)" in text and "plain GAN = 1 · WGAN-GP = 6" in text
    runs = [_run("a", "finished", 2000, history=hist_a), _run("b", "finished", 2000, history=hist_b)]
    text = result_text("mode_collapse", runs, ["plain GAN", "WGAN-GP"])
    assert "race_finished" in text and "race_stopped" not in text and "ahead when stopped" not in text
    assert EN["race_stopped"] == "Stopped"


def test_the_race_view_labels_the_runs_by_the_preset_that_started_them(tmp_path):
    """A lecturer who turns the preset picker to the next demo while a race runs must not relabel it."""
    from genapp.runs import RunRegistry
    from genapp.ui import presets
    from genapp.ui.tabs import race as race_tab

    reg = RunRegistry(tmp_path)
    runs = presets.start_preset("strong_d", reg)
    try:
        assert race_tab.race_key(runs, "high_lr") == "strong_d"
        assert race_tab._labels(race_tab.race_key(runs, "high_lr"), runs) == ["k = 1 (balanced)",
                                                                               "k = 5 (D too strong)"]
    finally:
        reg.stop_all(timeout=60)
    other = [reg.start("toy1010", steps=2, batch_size=4) for _ in range(2)]
    reg.stop_all(timeout=60)
    assert race_tab.race_key(other, "high_lr") == ""  # two runs raced by id: no preset's labels
