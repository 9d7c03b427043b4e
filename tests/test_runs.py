"""The app's run registry (genapp.runs): runs in threads, queueing, stop and resume, limits."""
from __future__ import annotations

import json
import time

import pytest
import torch


def test_registry_failed_run_leaves_others_serving(tmp_path, monkeypatch):
    from genapp.runs import RegistryBusy, RunRegistry

    reg = RunRegistry(tmp_path, max_concurrent=1, max_queue=1)
    bad = reg.start("toy1010", steps=50, batch_size=4, device="cpu")

    def boom(batch):
        raise RuntimeError("the GPU caught fire")
    bad.model.train_step = boom
    for _ in range(600):  # its thread takes the device's one slot (a busy machine may take a moment)
        if bad.status != "queued":
            break
        time.sleep(0.05)
    good = reg.start("ring", steps=30, batch_size=16, device="cpu", overrides={"hidden": 8})
    assert good.status == "queued"  # one at a time: it waits behind the first
    with pytest.raises(RegistryBusy):
        reg.start("ring", steps=5, batch_size=4, device="cpu")
    bad.thread.join(30)
    good.thread.join(60)
    assert bad.status == "failed" and "the GPU caught fire" in bad.reason
    assert good.status == "finished" and good.step == 30
    snap = good.snapshot()
    assert snap["status"] == "finished" and snap["losses"] and "modes" in snap["metrics"]
    json.dumps(snap)
    # a new registry (a restarted app) lists both from disk
    again = {r.id: r.status for r in RunRegistry(tmp_path).list()}
    assert again == {bad.id: "failed", good.id: "finished"}


def test_registry_stop_and_resume(tmp_path):
    from genapp.runs import RunRegistry

    reg = RunRegistry(tmp_path)
    run = reg.start("dcgan", "mnist", steps=10_000, batch_size=4, device="cpu", checkpoint_every=10_000,
                    overrides={"ngf": 8, "ndf": 8})
    while run.step < 3 and run.thread.is_alive():
        run.thread.join(0.05)
    reg.stop(run.id, timeout=30)
    assert run.status == "stopped" and 3 <= run.step < 10_000
    # a live run's precision is "auto", settled when it is created and shown by /train_status
    from genapp.trainer import resolve_precision
    assert run.snapshot()["precision"] == resolve_precision("auto", torch.device("cpu"), run.model) != "auto"
    stopped_at = run.step
    again = reg.resume(run.id, steps=stopped_at + 5, device="cpu")
    again.thread.join(60)
    assert again.status == "finished" and again.step == stopped_at + 5
    with pytest.raises(ValueError, match="Invalid name"):
        reg.resume("../../etc")
    with pytest.raises(KeyError):
        reg.get("nope")


@pytest.mark.parametrize("kw,msg", [
    ({"steps": 0}, "Steps must be between 1"),
    ({"steps": 10**9}, "Steps must be between 1"),
    ({"steps": "ten"}, "whole number"),
    ({"batch_size": 2.5}, "whole number"),
    ({"batch_size": 100_000}, "Batch size must be between"),
    ({"lr": -1}, "learning rate"),
    ({"lr": "fast"}, "learning rate"),
    ({"lr": float("nan")}, "learning rate"),
    ({"seed": -3}, "Seed must be between"),
])
def test_registry_rejects_bad_numbers_with_the_range(tmp_path, kw, msg):
    from genapp.runs import RunRegistry

    reg = RunRegistry(tmp_path)
    with pytest.raises(ValueError, match=msg):
        reg.start("toy1010", device="cpu", **{"steps": 5, "batch_size": 4, **kw})
    with pytest.raises(ValueError, match="Unknown family"):
        reg.start("stylegan", steps=5)
    assert reg.list() == []  # nothing half-created


def test_public_limits_come_from_the_environment(tmp_path, monkeypatch):
    from genapp.runs import RunRegistry

    monkeypatch.setenv("GENAPP_MAX_STEPS", "50")
    monkeypatch.setenv("GENAPP_MAX_BATCH", "16")
    reg = RunRegistry(tmp_path)
    with pytest.raises(ValueError, match="between 1 and 50"):
        reg.start("toy1010", steps=51, batch_size=4, device="cpu")
    with pytest.raises(ValueError, match="between 1 and 16"):
        reg.start("toy1010", steps=5, batch_size=32, device="cpu")


def test_loss_history_stays_whole_and_bounded():
    from genapp.runs.run import HISTORY_POINTS, _thin_append

    hist: list = []
    for step in range(1, 50_001):
        _thin_append(hist, (step, {"loss": 1.0}))
    assert len(hist) <= HISTORY_POINTS
    assert hist[0][0] == 1 and hist[-1][0] > 49_000  # covers the whole run, start to end
    steps = [s for s, _ in hist]
    assert steps == sorted(steps)

