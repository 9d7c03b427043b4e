"""The CPU thread budget (genapp/threads.py): requests split the cores, and a training thread
lowers only its own priority."""
from __future__ import annotations

import os
import sys
import threading

import pytest
import torch

from genapp import threads


def test_budget_follows_the_cores_and_the_environment(monkeypatch):
    for var in ("GENAPP_TRAIN_THREADS", "GENAPP_SERVE_THREADS", "GENAPP_CONCURRENCY"):
        monkeypatch.delenv(var, raising=False)
    for cores, train, serve in ((1, 1, 1), (2, 2, 1), (4, 4, 2), (16, 16, 8)):
        monkeypatch.setattr(threads, "cpu_cores", lambda c=cores: c)
        assert (threads.train_threads(), threads.serve_threads()) == (train, serve), cores
    monkeypatch.setenv("GENAPP_CONCURRENCY", "1")
    assert threads.serve_threads() == 16
    monkeypatch.setenv("GENAPP_TRAIN_THREADS", "4")
    monkeypatch.setenv("GENAPP_SERVE_THREADS", "not a number")  # warned about, default kept
    assert threads.train_threads() == 4 and threads.serve_threads() == 16


def test_use_threads_sets_the_calling_thread_only():
    seen = {}

    def work():
        threads.use_threads(1)
        seen["worker"] = torch.get_num_threads()

    before = torch.get_num_threads()
    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert seen["worker"] == 1 and torch.get_num_threads() == before


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice values are Linux's")
def test_lower_priority_renices_only_the_calling_thread(monkeypatch):
    monkeypatch.delenv("GENAPP_TRAIN_NICE", raising=False)
    main_nice = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    seen = {}

    def work():
        seen["returned"] = threads.lower_priority()
        seen["nice"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert seen["nice"] == min(19, main_nice + 10) == seen["returned"]
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == main_nice
    monkeypatch.setenv("GENAPP_TRAIN_NICE", "0")
    assert threads.lower_priority() is None  # turned off: nothing changes


def test_a_registry_run_trains_with_the_budget(tmp_path, monkeypatch):
    from genapp.runs import RunRegistry

    want = 3 if torch.get_num_threads() != 3 else 2  # a count no other code here leaves behind
    monkeypatch.setenv("GENAPP_TRAIN_THREADS", str(want))
    seen = {}
    from genapp.runs import run_registry

    real_train = run_registry.train

    def spy(model, cfg, folder, **kw):
        seen["threads"] = torch.get_num_threads()
        if sys.platform.startswith("linux"):
            seen["nice"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        return real_train(model, cfg, folder, **kw)

    monkeypatch.setattr(run_registry, "train", spy)
    reg = RunRegistry(tmp_path)
    run = reg.start("dcgan", "mnist", steps=2, batch_size=4, overrides={"ngf": 8, "ndf": 8})
    run.thread.join(60)
    assert seen["threads"] == want
    if "nice" in seen:
        assert seen["nice"] > os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


# ---------------------------------------------------------------- the thread governor
# A simulated 2-core machine: seconds per dcgan step by thread count, alone and with a browser
# taking a core (the ratios of bench/live_view_cost.py: 2 threads 48 s alone, 117-121 s watched;
# 1 thread 73 s alone, 79-86 s watched).
FREE = {2: 0.120, 1: 0.182}
BUSY = {2: 0.297, 1: 0.205}
HOG = {2: 1.32, 1: 0.114}  # one busy process beside the run: 529 s vs 46 s for 400 steps


def simulate(governor, phases, noise=0.0, seed=0, drift=False):
    """Run ``governor`` through (steps, costs) phases: the count used at each step, per phase,
    and the simulated time spent. ``drift``: the machine's own ups and downs as well, every step
    time 0.7-1.4x for ten steps at a time; then also the time of the best count at every step."""
    import random
    rng = random.Random(seed)
    used, spent, best, n, factor = [], 0.0, 0.0, governor.threads, 1.0
    for steps, costs in phases:
        counts = []
        for i in range(steps):
            if drift and i % 10 == 0:
                factor = rng.uniform(0.7, 1.4)
            s = costs[n] * factor * (1 + rng.uniform(-noise, noise))
            spent += s
            best += min(costs.values()) * factor
            counts.append(n)
            n = governor.observe(s)
        used.append(counts)
    return (used, spent, best) if drift else (used, spent)


def test_governor_keeps_all_cores_while_the_cpu_is_free():
    gov = threads.ThreadGovernor(2)
    (counts,), spent = simulate(gov, [(2000, FREE)], noise=0.1)
    assert counts[0] == 2 and gov.threads == 2 and not gov.switches
    # Its occasional tries of one thread cost little: within 3 % of never trying.
    assert spent <= 1.03 * 2000 * FREE[2]
    assert counts.count(2) >= 0.97 * len(counts)


def test_governor_gives_a_core_back_when_something_takes_it_and_returns_when_it_is_gone():
    gov = threads.ThreadGovernor(2)
    (free, busy, free_again), spent = simulate(gov, [(300, FREE), (600, BUSY), (1200, FREE)], noise=0.1)
    assert free.count(2) >= 0.9 * len(free)  # the first tries come early (4, 8, 16 windows)
    # The browser opens: one thread within a few windows, and it stays there.
    assert 1 in busy[:40] and busy[40:].count(1) >= 0.9 * len(busy[40:])
    # The browser closes: back to both cores (the tries of 2 are at most max_period windows apart).
    assert 2 in free_again[:300] and free_again[300:].count(2) >= 0.95 * len(free_again[300:])
    assert [c for _, c in gov.switches][:2] == [1, 2]
    best = 300 * FREE[2] + 600 * BUSY[1] + 1200 * FREE[2]
    fixed = 300 * FREE[2] + 600 * BUSY[2] + 1200 * FREE[2]
    assert spent <= 1.08 * best < fixed


def test_governor_leaves_a_busy_core_within_seconds_and_rarely_tries_it_again():
    gov = threads.ThreadGovernor(2)
    (counts,), spent = simulate(gov, [(400, HOG)], noise=0.1)
    assert counts.index(1) <= 5 and counts[20:].count(2) <= 6  # a try costs ~4 s here: few of them
    assert spent <= 1.2 * 400 * HOG[1]  # against 11.6x on two threads throughout


def test_noise_in_the_step_times_does_not_keep_it_trying():
    for phases, within in (([(2000, FREE)], 1.05), ([(400, HOG)], 1.12), ([(300, FREE), (600, BUSY), (1200, FREE)], 1.08)):
        gov = threads.ThreadGovernor(2)
        _, spent, best = simulate(gov, phases, noise=0.1, drift=True)
        assert spent <= within * best, (phases, spent / best, gov.switches)


def test_governor_with_more_cores_walks_to_the_best_count():
    # 8 cores, of which 3 are taken: 5 threads is best, every extra one costs a stall.
    cost = {n: (1.0 / n if n <= 5 else 0.2 + 0.15 * (n - 5)) for n in range(1, 9)}
    gov = threads.ThreadGovernor(8)
    (counts,), _ = simulate(gov, [(3000, cost)], noise=0.05)
    assert gov.threads == 5 and counts[-500:].count(5) >= 0.9 * 500


def test_an_app_run_adapts_unless_its_count_is_pinned(monkeypatch):
    monkeypatch.delenv("GENAPP_TRAIN_THREADS", raising=False)
    monkeypatch.setattr(threads, "cpu_cores", lambda: 2)
    gov = threads.train_governor()
    assert gov.adapting and gov.threads == gov.max_threads == 2
    monkeypatch.setattr(threads, "cpu_cores", lambda: 1)
    assert threads.train_governor() is None
    monkeypatch.setattr(threads, "cpu_cores", lambda: 2)
    monkeypatch.setenv("GENAPP_TRAIN_THREADS", "2")  # set by hand: kept as it is
    assert threads.train_governor() is None
    monkeypatch.setenv("GENAPP_TRAIN_THREADS", "two")  # not a number: warned about, all cores, adapted
    assert threads.train_governor().max_threads == 2


def test_governor_on_one_core_never_changes_anything():
    gov = threads.ThreadGovernor(1)
    assert not gov.adapting and all(gov.observe(0.1) == 1 for _ in range(100))


def test_trainer_applies_the_governors_counts_and_reports_them(tmp_path):
    from genapp.checkpoints import read_jsonl
    from genapp.config import TrainConfig
    from genapp.models import build_model
    from genapp.trainer import train

    class Alternating(threads.ThreadGovernor):  # a governor whose choice is known in advance
        def observe(self, seconds):
            super().observe(seconds)
            self.seen.append(torch.get_num_threads())
            self.threads = 1 if len(self.seen) % 2 else 2
            return self.threads

    gov = Alternating(2)
    gov.seen = []
    events, out = [], {}

    def work():
        torch.manual_seed(0)
        model = build_model("dcgan", "mnist", ngf=8, ndf=8)
        cfg = TrainConfig(steps=6, batch_size=4, sample_every=100, checkpoint_every=100, log_every=1, device="cpu")
        out["end"] = train(model, cfg, tmp_path, on_event=events.append, threads=gov)

    t = threading.Thread(target=work)  # the count belongs to the training thread, not the test's
    t.start()
    t.join()
    assert out["end"]["status"] == "finished"
    # Each step ran on the count the governor gave after the step before.
    assert gov.seen == [2, 1, 2, 1, 2, 1]
    steps = [e for e in events if e["type"] == "step"]
    assert [(e["threads"], e["max_threads"]) for e in steps] == [(1, 2), (2, 2)] * 3
    assert [r["threads"] for r in read_jsonl(tmp_path / "metrics.jsonl") if "loss_d" in r] == [1, 2] * 3


def test_the_train_tab_says_when_a_run_gave_up_a_core():
    from genapp.ui.tabs.train_live import status_markdown

    snap = {"status": "running", "run_id": "00001-dcgan-mnist", "step": 10, "total_steps": 400,
            "images_per_s": 300.0, "eta_s": 40.0, "elapsed_s": 2.0, "family": "dcgan"}
    assert "1 of 2 threads" in status_markdown({**snap, "threads": 1, "max_threads": 2})
    for quiet in ({"threads": 2, "max_threads": 2},   # all the cores
                  {"threads": 1, "max_threads": None},  # pinned (a race, GENAPP_TRAIN_THREADS)
                  {"threads": None, "max_threads": None}):  # not on the CPU
        assert "threads" not in status_markdown({**snap, **quiet})
    assert "threads" not in status_markdown({**snap, "status": "finished", "threads": 1, "max_threads": 2})


def _cli_in_a_thread(argv):
    """``python -m train`` in a thread of its own: the count it sets belongs to that thread."""
    from train.__main__ import main

    out = {}

    def work():
        try:
            out["rc"] = main(argv)
        except SystemExit as exc:
            out["exit"] = str(exc)

    t = threading.Thread(target=work)
    t.start()
    t.join()
    return out


def test_the_command_line_adapts_its_threads_unless_pinned(tmp_path, monkeypatch, capsys):
    from genapp.checkpoints import read_jsonl

    class GivesACoreBack(threads.ThreadGovernor):  # as if a busy process took a core at step 13
        def observe(self, seconds):
            super().observe(seconds)
            self.threads, self.trying = (1 if self._steps >= 13 else 2), None
            return self.threads

    monkeypatch.setattr(threads, "cpu_cores", lambda: 2)
    monkeypatch.setattr(threads, "ThreadGovernor", GivesACoreBack)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    args = ["dcgan", "--dataset", "mnist", "--steps", "30", "--batch-size", "4", "--set", "ngf=8", "--set", "ndf=8",
            "--sample-every", "100", "--device", "cpu"]

    def recorded(folder):
        return [(r["threads"], r.get("max_threads")) for r in read_jsonl(folder / "metrics.jsonl") if "loss_d" in r]

    assert _cli_in_a_thread([*args, "--out", str(tmp_path / "auto")]) == {"rc": 0}  # the default: auto
    assert recorded(tmp_path / "auto") == [(2, 2), (1, 2), (1, 2)]  # steps 10, 20, 30
    assert "step 13: training on 1 of 2 threads (another program keeps a core busy" in capsys.readouterr().out
    # A number pins the count; so does OMP_NUM_THREADS under auto (the long trainings' habit).
    assert _cli_in_a_thread([*args, "--out", str(tmp_path / "one"), "--threads", "1"]) == {"rc": 0}
    assert recorded(tmp_path / "one") == [(1, None)] * 3
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert _cli_in_a_thread([*args, "--out", str(tmp_path / "omp")]) == {"rc": 0}
    assert all(max_threads is None for _, max_threads in recorded(tmp_path / "omp"))
    assert "threads (" not in capsys.readouterr().out
    # Off the CPU (a GPU run) the steps carry no thread count, and the command line says nothing of it.
    from genapp import trainer
    monkeypatch.delenv("OMP_NUM_THREADS")
    monkeypatch.setattr(trainer, "_cpu_threads", lambda device, governor: {})
    assert _cli_in_a_thread([*args, "--out", str(tmp_path / "gpu")]) == {"rc": 0}
    assert "threads (" not in capsys.readouterr().out
    for bad in ("0", "two", "-1"):
        assert "--threads expects a whole number of at least 1, or auto" in \
            _cli_in_a_thread([*args, "--out", str(tmp_path / "bad"), "--threads", bad])["exit"]
