"""The training command line (python -m train): end to end, resume, --init-from, signals, and the
settings it refuses."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

import genapp
from genapp import checkpoints as ckpt
from genapp.models import FAMILIES

from .tiny import tiny


def test_cli_warns_when_bf16_would_be_emulated(tmp_path, monkeypatch, capsys):
    import genapp.trainer as trainer
    from train.__main__ import main

    monkeypatch.setattr(trainer, "native_bf16", lambda device: False)  # a CPU without AVX512-BF16 / AMX
    assert "emulated" in trainer.precision_warning("bf16", "cpu") and "--precision auto" in trainer.precision_warning("bf16", "cpu")
    assert trainer.precision_warning("auto", "cpu") is None and trainer.precision_warning("fp32", "cpu") is None
    args = ["toy1010", "--steps", "1", "--device", "cpu", "--out", str(tmp_path / "r")]
    assert main([*args, "--precision", "bf16"]) == 0
    assert "bf16 is emulated" in capsys.readouterr().err  # said before the slow run starts
    assert main([*args[:-1], str(tmp_path / "s"), "--precision", "auto"]) == 0
    assert "emulated" not in capsys.readouterr().err
    monkeypatch.setattr(trainer, "native_bf16", lambda device: True)
    assert trainer.precision_warning("bf16", "cpu") is None


def test_cli_end_to_end(tmp_path):
    from train.__main__ import main

    out = tmp_path / "run"
    assert main(["dcgan", "--dataset", "mnist", "--steps", "8", "--batch-size", "4", "--set", "ngf=8",
                 "--set", "ndf=8", "--out", str(out), "--sample-every", "4", "--device", "cpu"]) == 0
    cfg = json.loads((out / "config.json").read_text())
    assert cfg["family"] == "dcgan" and cfg["ngf"] == 8 and cfg["train"]["steps"] == 8
    assert "python -m train dcgan" in cfg["train"]["command"]
    assert (out / "model.safetensors").exists() and len(list((out / "samples").glob("*.png"))) == 3
    assert json.loads((out / "status.json").read_text())["status"] == "finished"
    # resume continues the step count
    assert main(["dcgan", "--resume", str(out), "--steps", "12", "--device", "cpu"]) == 0
    assert ckpt.read_jsonl(out / "metrics.jsonl")[-1]["step"] == 12
    x = genapp.load(str(out)).generate(2, seed=0)
    assert x.shape == (2, 1, 28, 28)
    # the config still says how the run began, and lists how it was continued
    train_cfg = json.loads((out / "config.json").read_text())["train"]
    assert train_cfg["command"] == cfg["train"]["command"] and train_cfg["steps"] == 12
    assert train_cfg["extra"]["resumed_at"] == [8] and "--resume" in train_cfg["extra"]["resumed_with"][0]
    # --minutes alone: the time budget decides, the run ends finished with a checkpoint
    timed = tmp_path / "timed"
    assert main(["toy1010", "--minutes", "0.01", "--out", str(timed), "--device", "cpu"]) == 0
    status = json.loads((timed / "status.json").read_text())
    assert status["status"] == "finished" and 0 < status["step"] < 10**9
    assert json.loads((timed / "config.json").read_text())["train"]["minutes"] == 0.01


def test_cli_sigterm_stops_after_a_step_with_a_checkpoint(tmp_path):
    """`kill <pid>` on a background `python -m train` (which ignores SIGINT) stops it cleanly."""
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "run"
    repo = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen([sys.executable, "-m", "train", "dcgan", "--dataset", "mnist", "--steps", "100000",
                             "--batch-size", "4", "--set", "ngf=8", "--set", "ndf=8", "--out", str(out),
                             "--sample-every", "1000000", "--checkpoint-every", "1000000", "--device", "cpu"],
                            cwd=repo, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while not ckpt.read_jsonl(out / "metrics.jsonl") and time.time() < deadline:  # it is training
        time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 0, proc.stderr.read().decode()[-500:]
    status = json.loads((out / "status.json").read_text())
    assert status["status"] == "stopped" and 0 < status["step"] < 100000
    assert json.loads((out / "training_state.json").read_text())["step"] == status["step"]  # checkpointed there


def test_cli_help_lists_families_and_datasets(capsys):
    from train.__main__ import main

    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    for name in list(FAMILIES) + ["mnist", "fashion", "toy1010", "ring", "edges2shoes", "horse2zebra"]:
        assert name in text


def test_cli_rejects_bad_settings(tmp_path):
    from train.__main__ import main

    with pytest.raises(SystemExit, match="at least 1"):
        main(["dcgan", "--steps", "0", "--out", str(tmp_path)])
    with pytest.raises(SystemExit, match="trains on"):
        main(["pix2pix", "--dataset", "mnist", "--out", str(tmp_path)])
    with pytest.raises(SystemExit):  # argparse: invalid choice
        main(["dcgan", "--precision", "fp8", "--out", str(tmp_path)])
    with pytest.raises(SystemExit, match="more than 0"):
        main(["dcgan", "--minutes", "0", "--out", str(tmp_path)])
    with pytest.raises(SystemExit, match="--epochs must be more than 0"):  # was: 1,000 steps without a word
        main(["dcgan", "--epochs", "0", "--out", str(tmp_path)])
    with pytest.raises(SystemExit, match="give the learning rate once"):
        main(["dcgan", "--lr", "0.1", "--set", "lr=0.001", "--out", str(tmp_path)])
    with pytest.raises(SystemExit, match="The dataset is chosen by its name"):
        main(["dcgan", "--set", "dataset=fashion", "--out", str(tmp_path)])
    with pytest.raises(SystemExit, match="not a run folder"):
        main(["dcgan", "--resume", str(tmp_path)])
    assert not any(tmp_path.iterdir())  # nothing was started


def test_cli_init_from_starts_from_a_models_weights(tmp_path, monkeypatch):
    from train.__main__ import main

    src = tmp_path / "src"
    tiny("dcgan").save_pretrained(src)
    out = tmp_path / "run"
    assert main(["dcgan", "--dataset", "mnist", "--steps", "2", "--batch-size", "4", "--set", "ngf=8", "--set", "ndf=8",
                 "--set", "ema=0.999", "--init-from", str(src), "--out", str(out), "--device", "cpu"]) == 0
    cfg = json.loads((out / "config.json").read_text())
    assert cfg["train"]["extra"]["init_from"] == str(src) and "--init-from" in cfg["train"]["command"]
    # the first sample grid (step 0) is the source model's own samples, from G and from the new average
    source = genapp.load(str(src))
    from genapp.models import model_from_config
    start = model_from_config(cfg)
    from genapp.api import init_from
    init_from(start, str(src))
    assert torch.equal(start.eval().generate(3, seed=0), source.generate(3, seed=0))
    # a model of another dataset or architecture is refused with the reason, before training
    with pytest.raises(SystemExit, match="dcgan/mnist model; this run trains dcgan/fashion"):
        main(["dcgan", "--dataset", "fashion", "--steps", "1", "--set", "ngf=8", "--set", "ndf=8",
              "--init-from", str(src), "--out", str(tmp_path / "x")])
    with pytest.raises(SystemExit, match="do not fit|shape"):
        main(["dcgan", "--dataset", "mnist", "--steps", "1", "--init-from", str(src), "--out", str(tmp_path / "y")])
    with pytest.raises(SystemExit, match="Use one"):
        main(["dcgan", "--resume", str(out), "--init-from", str(src)])
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(SystemExit, match="--init-from nobody/nothing: .*[Oo]ffline"):  # a Hub id, offline
        main(["dcgan", "--steps", "1", "--init-from", "nobody/nothing", "--out", str(tmp_path / "z")])


def test_cli_default_batch_is_the_familys_recipe(tmp_path):
    from train.__main__ import main

    out = tmp_path / "cyc"
    assert main(["cyclegan", "--steps", "1", "--set", "image_size=32", "--set", "ngf=8", "--set", "ndf=8",
                 "--set", "n_blocks=1", "--out", str(out), "--device", "cpu"]) == 0
    assert json.loads((out / "config.json").read_text())["train"]["batch_size"] == 1   # CycleGAN's batch, not 64
    assert FAMILIES["pix2pix"].default_batch_size == 8 and FAMILIES["dcgan"].default_batch_size == 64

