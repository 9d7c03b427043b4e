"""Ctrl-C on ``python -m train``: a real SIGINT sent to a real training process.

The README promises that Ctrl-C stops after the current step with a checkpoint, as SIGTERM does
(tests/test_train_cli.py); the run must then continue from that checkpoint with ``--resume``.
"""
from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from genapp import checkpoints as ckpt

REPO = Path(__file__).resolve().parent.parent
TINY = ["--batch-size", "4", "--set", "ngf=8", "--set", "ndf=8", "--device", "cpu", "--threads", "1"]


def _as_from_a_shell() -> None:
    """The child starts as a terminal starts a command: SIGINT at its default and not blocked. A
    child inherits an ignored SIGINT, and a test run started in the background by a script
    (``.ci/run &``: no job control) has SIGINT ignored; the CLI then rightly leaves SIGINT alone,
    as for any background job, and no Ctrl-C would reach it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _start(out: Path) -> subprocess.Popen:
    # No checkpoint and no sample on the run's own cadence: the only checkpoint is the one Ctrl-C makes.
    return subprocess.Popen([sys.executable, "-m", "train", "dcgan", "--dataset", "mnist", "--steps", "1000000",
                             *TINY, "--out", str(out), "--sample-every", "1000000", "--checkpoint-every", "1000000"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_as_from_a_shell)


def _wait_training(out: Path, proc: subprocess.Popen, steps: int = 20) -> None:
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        rows = ckpt.read_jsonl(out / "metrics.jsonl")
        if rows and rows[-1]["step"] >= steps:
            return
        time.sleep(0.1)
    raise AssertionError(f"the run did not start training: {proc.poll()=}")


def test_ctrl_c_stops_after_the_step_with_a_checkpoint_that_resume_continues(tmp_path):
    out = tmp_path / "run"
    proc = _start(out)
    _wait_training(out, proc)
    proc.send_signal(signal.SIGINT)  # what Ctrl-C in a terminal sends
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr[-800:]
    assert "KeyboardInterrupt" not in stderr
    said = re.search(r"stopped at step (\d+)", stdout)
    assert said, stdout[-500:]
    step = int(said.group(1))
    assert step >= 20  # the steps trained, not the step the run started from
    assert (out / "model.safetensors").is_file()
    assert json.loads((out / "training_state.json").read_text())["step"] == step  # the checkpoint is that step
    status = json.loads((out / "status.json").read_text())
    assert status["status"] == "stopped" and status["step"] == step

    # --resume continues from the checkpoint Ctrl-C wrote.
    done = subprocess.run([sys.executable, "-m", "train", "dcgan", "--resume", str(out), "--steps", str(step + 3),
                           "--device", "cpu", "--threads", "1"],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-800:]
    assert f"finished at step {step + 3}" in done.stdout
    train_cfg = json.loads((out / "config.json").read_text())["train"]
    assert train_cfg["extra"]["resumed_at"] == [step]
    assert json.loads((out / "training_state.json").read_text())["step"] == step + 3


def test_a_second_ctrl_c_quits_at_once_and_names_the_last_checkpoint(tmp_path):
    out = tmp_path / "run"
    # Full-size networks at batch 128: a step takes a good part of a second, so the second Ctrl-C lands inside it.
    proc = subprocess.Popen([sys.executable, "-m", "train", "dcgan", "--dataset", "mnist", "--steps", "1000000",
                             "--batch-size", "128", "--device", "cpu", "--threads", "1", "--out", str(out),
                             "--sample-every", "1000000", "--checkpoint-every", "1000000"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_as_from_a_shell)
    err: list[str] = []
    reader = threading.Thread(target=lambda: err.extend(iter(lambda: proc.stderr.read(1), "")), daemon=True)
    reader.start()
    deadline = time.time() + 120
    while "0/1000000" not in "".join(err) and time.time() < deadline and proc.poll() is None:  # the loop began
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    while "Ctrl-C again" not in "".join(err) and time.time() < deadline and proc.poll() is None:
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    stdout = proc.communicate(timeout=60)[0]
    reader.join(timeout=10)
    stderr = "".join(err)
    assert "Traceback" not in stderr, stderr[-800:]
    status = json.loads((out / "status.json").read_text())
    if proc.returncode == 0:  # rarely, the step ended first: the second Ctrl-C waited for the checkpoint
        assert json.loads((out / "training_state.json").read_text())["step"] == status["step"] > 0
    else:
        assert proc.returncode == 130, (proc.returncode, stderr[-800:])
        assert "aborted: quit by a second Ctrl-C at step" in stdout and "no checkpoint was saved" in stdout
        assert not (out / "model.safetensors").exists()  # nothing half-written, no checkpoint claimed
        assert status["status"] == "stopped" and status["step"] == 0
