"""One run in two processes (torchrun, gloo on 127.0.0.1): the ranks hold one model, two ranks of
batch B train as one process of batch 2B, a run resumes under torchrun and with another number of
processes, a SIGTERM on one rank stops both with one checkpoint, and a killed rank ends the run
with a clear error instead of a hang."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from genapp import checkpoints as ckpt
from genapp.runs import RunSpec

from .conftest import free_port

ROOT = Path(__file__).resolve().parents[1]
AE = ["ae", "--dataset", "mnist", "--device", "cpu", "--threads", "1", "--sample-every", "1000"]


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("RANK", "LOCAL_RANK", "WORLD_SIZE")}
    return {**env, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", **extra}


def _torchrun(n: int, args: list[str], **env) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "torch.distributed.run", f"--nproc_per_node={n}", "--master_addr=127.0.0.1",
           f"--master_port={free_port()}", "-m", "train", *args]
    done = subprocess.run(cmd, cwd=ROOT, env=_env(**env), capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    return done


_STARTED: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def _end_leftover_ranks():
    """A failed test must not leave its ranks training in the background."""
    yield
    while _STARTED:
        p = _STARTED.pop()
        if p.poll() is None:
            p.kill()
            p.wait()


def _ranks(args: list[str], logs: Path, **env) -> list[subprocess.Popen]:
    """Two ranks started by hand, as torchrun starts them (so the test holds each one's pid); their
    output goes to files (a pipe nobody reads would fill up and block rank 0's progress bar)."""
    port = str(free_port())
    logs.mkdir(parents=True, exist_ok=True)
    _STARTED[:0] = procs = [subprocess.Popen([sys.executable, "-m", "train", *args], cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=open(logs / f"rank{r}.err", "w"),
                             env=_env(RANK=str(r), LOCAL_RANK=str(r), WORLD_SIZE="2", MASTER_ADDR="127.0.0.1",
                                      MASTER_PORT=port, **env))
                            for r in range(2)]
    return procs


def _said(logs: Path) -> str:
    return "".join((logs / f"rank{r}.err").read_text()[-2000:] for r in range(2))


def _wait_for_steps(folder: Path, procs, logs: Path, at_least: int = 2) -> None:
    deadline = time.time() + 120
    while time.time() < deadline:
        if any(p.poll() is not None for p in procs):
            pytest.fail("a rank ended early: " + _said(logs))
        rows = ckpt.read_jsonl(folder / ckpt.METRICS_NAME)
        if rows and rows[-1]["step"] >= at_least:
            return
        time.sleep(0.2)
    pytest.fail("the run did not start training")


def test_two_ranks_hold_one_model_that_matches_one_process_of_twice_the_batch(tmp_path):
    from train.__main__ import main

    run, dump = tmp_path / "two", tmp_path / "dump"
    done = _torchrun(2, [*AE, "--steps", "10", "--batch-size", "8", "--out", str(run)], GENAPP_DIST_DUMP=str(dump))
    assert "16 per step in all" in done.stderr
    weights = load_file(str(run / ckpt.WEIGHTS_NAME))
    rank1 = load_file(str(dump / "rank1.safetensors"))
    assert all(torch.equal(weights[k], rank1[k]) for k in weights)  # bit-identical on both ranks
    cfg = json.loads((run / "config.json").read_text())
    assert cfg["train"]["extra"]["world_size"] == 2 and cfg["train"]["batch_size"] == 8
    status = json.loads((run / "status.json").read_text())
    assert status["status"] == "finished" and status["world_size"] == 2 and status["step"] == 10

    # The same run in one process at batch 16: the same batches, the gradients' average = the mean.
    one = tmp_path / "one"
    assert main([*AE, "--steps", "10", "--batch-size", "16", "--out", str(one)]) == 0
    single = load_file(str(one / ckpt.WEIGHTS_NAME))
    params = [k for k in single if not k.startswith("latent_")]  # the code statistics are running averages
    worst = max((weights[k] - single[k]).abs().max().item() for k in params)
    assert worst < 1e-4, worst
    start = RunSpec("ae", "mnist", seed=0).build().state_dict()  # training moved them far more than that
    assert max((start[k] - single[k]).abs().max().item() for k in params) > 1e-3
    assert json.loads((one / "status.json").read_text())["world_size"] == 1

    # Resume under torchrun (2 processes), then in one process (another N): the step count goes on.
    _torchrun(2, [*AE, "--resume", str(run), "--steps", "14"], GENAPP_DIST_DUMP=str(dump))
    weights = load_file(str(run / ckpt.WEIGHTS_NAME))
    rank1 = load_file(str(dump / "rank1.safetensors"))
    assert all(torch.equal(weights[k], rank1[k]) for k in weights)
    assert ckpt.read_jsonl(run / ckpt.METRICS_NAME)[-1]["step"] == 14
    assert main(["ae", "--resume", str(run), "--steps", "16", "--device", "cpu", "--threads", "1"]) == 0
    train_cfg = json.loads((run / "config.json").read_text())["train"]
    assert train_cfg["extra"]["resumed_at"] == [10, 14] and train_cfg["extra"]["world_size"] == 1
    assert json.loads((run / "status.json").read_text())["step"] == 16


def test_sigterm_on_one_rank_stops_both_and_a_killed_rank_fails_the_run(tmp_path):
    run, logs = tmp_path / "run", tmp_path / "logs"
    procs = _ranks([*AE, "--steps", "100000", "--batch-size", "4", "--checkpoint-every", "100000", "--out", str(run)],
                   logs)
    _wait_for_steps(run, procs, logs)
    procs[1].send_signal(signal.SIGTERM)  # rank 1 only: both stop after the same step
    codes = [p.wait(timeout=120) for p in procs]
    assert codes == [0, 0], _said(logs)
    status = json.loads((run / "status.json").read_text())
    assert status["status"] == "stopped" and status["world_size"] == 2
    stopped_at = json.loads((run / ckpt.STATE_JSON).read_text())["step"]
    assert stopped_at == status["step"] > 0  # one checkpoint, at the step they stopped after

    # Resume by hand in 2 processes and kill rank 1: rank 0 ends with a clear error, no hang.
    procs = _ranks([*AE, "--resume", str(run), "--steps", "100000"], logs, GENAPP_DIST_TIMEOUT="30")
    _wait_for_steps(run, procs, logs, stopped_at + 2)
    procs[1].kill()
    t0 = time.time()
    code = procs[0].wait(timeout=90)
    err = (logs / "rank0.err").read_text()
    assert code == 1 and time.time() - t0 < 60, err[-2000:]
    assert "another process of this 2-process run failed or stopped answering" in err
    status = json.loads((run / "status.json").read_text())
    assert status["status"] == "failed" and "another process" in status["reason"]
    assert json.loads((run / ckpt.STATE_JSON).read_text())["step"] == stopped_at  # the checkpoint is kept
