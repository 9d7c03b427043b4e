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
    real_train = __import__("genapp.runs", fromlist=["train"]).train

    def spy(model, cfg, folder, **kw):
        seen["threads"] = torch.get_num_threads()
        if sys.platform.startswith("linux"):
            seen["nice"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        return real_train(model, cfg, folder, **kw)

    monkeypatch.setattr("genapp.runs.train", spy)
    reg = RunRegistry(tmp_path)
    run = reg.start("dcgan", "mnist", steps=2, batch_size=4, overrides={"ngf": 8, "ndf": 8})
    run.thread.join(60)
    assert seen["threads"] == want
    if "nice" in seen:
        assert seen["nice"] > os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
