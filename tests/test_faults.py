"""Faults never lose work: kills during checkpoint writes, full disks, pickles, path tricks, leaks."""
from __future__ import annotations

import gc
import json
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

import genapp
from genapp import checkpoints as ckpt
from genapp.config import TrainConfig
from genapp.models import build_model
from genapp.runs import RunRegistry
from genapp.trainer import train

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_kill_during_checkpoint_writes_never_corrupts_the_latest_good_one(tmp_path):
    """A child saves checkpoints in a tight loop; we SIGKILL it at moments spread over the writes."""
    folder = tmp_path / "run"
    script = textwrap.dedent(f"""
        import sys, torch
        sys.path.insert(0, {ROOT!r})
        from genapp import checkpoints as ckpt
        from genapp.models import build_model
        m = build_model("dcgan", "mnist", ngf=16, ndf=16)
        m.setup_training()
        step = 0
        while True:
            step += 1
            with torch.no_grad():
                for p in m.parameters():
                    p.add_(0.001)
            ckpt.save_checkpoint({str(folder)!r}, m, step)
            print(step, flush=True)
    """)
    seen = 0
    for delay in (0.3, 0.45, 0.6, 0.75, 0.9):
        child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline().strip()  # a first checkpoint exists; now kill mid-loop
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        model = build_model("dcgan", "mnist", ngf=16, ndf=16)
        step = ckpt.load_checkpoint(folder, model)  # must never raise
        assert step >= 1
        seen += 1
        leftovers = [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
        for name in leftovers:  # a killed write leaves only a temp file, never a half file
            (folder / name).unlink()
    assert seen == 5


def test_disk_full_fails_the_run_and_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    model = build_model("dcgan", "mnist", ngf=8, ndf=8)
    real_save = ckpt.save_file
    calls = {"n": 0}

    def flaky_save(tensors, path, metadata=None):
        calls["n"] += 1
        if calls["n"] > 2:  # the first checkpoint (weights + state) succeeds
            raise OSError(28, "No space left on device")
        return real_save(tensors, path, metadata=metadata)
    monkeypatch.setattr(ckpt, "save_file", flaky_save)
    cfg = TrainConfig(steps=10, batch_size=4, sample_every=100, checkpoint_every=3, log_every=1, device="cpu")
    end = train(model, cfg, tmp_path)
    assert end["status"] == "failed"
    assert "No space left on device" in end["reason"] and "step 3" in end["reason"]
    monkeypatch.setattr(ckpt, "save_file", real_save)
    fresh = build_model("dcgan", "mnist", ngf=8, ndf=8)
    assert ckpt.load_checkpoint(tmp_path, fresh) == 3
    genapp.load(str(tmp_path)).generate(2, seed=0)


class _Boom:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_a_malicious_pickle_never_executes(tmp_path):
    marker = tmp_path / "pwned"
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"family": "dcgan", "dataset": "mnist"}))
    payload = pickle.dumps(_Boom(str(marker)))
    (folder / "pytorch_model.bin").write_bytes(payload)
    with pytest.raises(ValueError, match="never load"):
        genapp.load(str(folder))
    (folder / "model.safetensors").write_bytes(payload)  # a pickle dressed as safetensors
    with pytest.raises(Exception):
        genapp.load(str(folder))
    assert not marker.exists()


@pytest.mark.parametrize("bad", ["../x", "../../etc/passwd", "/etc", "a/../../b", "..", "runs/../../x", "x\0y"])
def test_run_ids_cannot_escape_the_runs_folder(tmp_path, bad):
    reg = RunRegistry(tmp_path / "runs")
    with pytest.raises(KeyError):
        reg.get(bad)
    with pytest.raises((ValueError, FileNotFoundError)):
        reg.resume(bad)
    with pytest.raises(ValueError):
        ckpt.safe_child(tmp_path / "runs", bad)


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def test_fifty_start_stop_cycles_leave_no_threads_and_no_memory_growth(tmp_path):
    reg = RunRegistry(tmp_path)
    base_threads = threading.active_count()

    def cycle():
        run = reg.start("ring", steps=100_000, batch_size=8, device="cpu", checkpoint_every=100_000,
                        overrides={"hidden": 8})
        reg.stop(run.id, timeout=30)
        assert run.status == "stopped"
    for _ in range(5):  # warm-up: allocator pools, caches
        cycle()
    gc.collect()
    before = _rss_mb()
    for _ in range(45):
        cycle()
    gc.collect()
    time.sleep(0.2)
    assert threading.active_count() <= base_threads
    growth = _rss_mb() - before
    assert growth < 40, f"memory grew by {growth:.1f} MB over 45 start/stop cycles"
    assert sum(r.status == "stopped" for r in reg.list()) == 50
