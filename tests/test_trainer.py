"""The one training loop (genapp/trainer.py): run folder, resume, learning-rate decay, precision,
compile, time budget, stop, and divergence."""
from __future__ import annotations

import json
import math

import pytest
import torch

import genapp
from genapp import checkpoints as ckpt
from genapp.config import TrainConfig
from genapp.trainer import train

from .tiny import TINY, tiny


def _cfg(**kw):
    return TrainConfig(**{"steps": 6, "batch_size": 4, "sample_every": 3, "checkpoint_every": 3,
                          "log_every": 1, "device": "cpu", **kw})


def test_trainer_writes_run_folder_and_resumes_step_count(tmp_path):
    model = tiny("dcgan")
    events = []
    end = train(model, _cfg(), tmp_path, on_event=events.append)
    assert end["status"] == "finished" and end["step"] == 6
    for name in ("model.safetensors", "training_state.safetensors", "training_state.json", "metrics.jsonl"):
        assert (tmp_path / name).exists(), name
    assert sorted(p.name for p in (tmp_path / "samples").iterdir()) == \
        ["step_0000000.png", "step_0000003.png", "step_0000006.png"]
    records = ckpt.read_jsonl(tmp_path / "metrics.jsonl")
    assert [r["step"] for r in records if "loss_d" in r] == [1, 2, 3, 4, 5, 6]
    assert all(math.isfinite(r["judge_fid_1k"]) for r in records if "judge_fid_1k" in r)
    assert {e["type"] for e in events} >= {"step", "sample", "checkpoint", "end"}

    resumed = tiny("dcgan")
    start = ckpt.load_checkpoint(tmp_path, resumed)
    assert start == 6
    # the optimizer state came back too (Adam's moments are not zero)
    assert any(s for s in resumed.optimizers["generator"].state.values())
    assert all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), resumed.state_dict().values()))
    end = train(resumed, _cfg(steps=9), tmp_path, start_step=start)
    assert end["status"] == "finished" and end["step"] == 9
    assert ckpt.read_jsonl(tmp_path / "metrics.jsonl")[-1]["step"] == 9


def test_lr_decay_follows_the_pix2pix_schedule_and_survives_resume(tmp_path):
    from genapp.trainer import lr_factor, run_progress

    # constant for the first half of a 10-step run, then linearly to 0 at the last step
    assert [lr_factor(run_progress(s, 10), 0.5) for s in (0, 4, 5, 6, 9, 10)] == \
        pytest.approx([1.0, 1.0, 1.0, 0.8, 0.2, 0.0])
    assert lr_factor(0.7, 0.0) == 1.0
    assert run_progress(2, 10, elapsed_s=30, budget_s=60) == 0.5  # time further along than steps
    model = tiny("pix2pix", lr_decay=0.5)
    seen = []

    def on_event(e):
        if e["type"] == "step":
            seen.append(model.optimizers["generator"].param_groups[0]["lr"])
    train(model, _cfg(steps=6), tmp_path, on_event=on_event)
    lr = model.config.lr
    # the lr each step trained with: a 6-step run decays over its last 3 steps
    assert seen == pytest.approx([lr, lr, lr, lr, lr * 2 / 3, lr / 3])
    plain = tiny("pix2pix")  # lr_decay 0: the optimizers are left alone
    train(plain, _cfg(steps=2), tmp_path / "plain")
    assert [g["lr"] for g in plain.optimizers["generator"].param_groups] == [lr]
    assert "initial_lr" not in plain.optimizers["generator"].param_groups[0]
    # resumed to 10 steps: the schedule goes on from the initial lr saved with the optimizer
    resumed = tiny("pix2pix", lr_decay=0.5)
    start = ckpt.load_checkpoint(tmp_path, resumed)
    lrs = []
    train(resumed, _cfg(steps=10), tmp_path, start_step=start,
          on_event=lambda e: e["type"] == "step" and lrs.append(resumed.optimizers["discriminator"].param_groups[0]["lr"]))
    assert lrs == pytest.approx([lr * f for f in (0.8, 0.6, 0.4, 0.2)])
    assert json.loads((tmp_path / "config.json").read_text())["lr_decay"] == 0.5
    with pytest.raises(ValueError, match="lr_decay"):
        tiny("dcgan", lr_decay=2)


def test_bf16_precision_trains_under_autocast_and_keeps_fp32_weights(tmp_path):
    model = tiny("dcgan")
    dtypes = []
    hook = model.generator.register_forward_hook(lambda mod, inp, out: dtypes.append(out.dtype))
    end = train(model, _cfg(steps=3, precision="bf16"), tmp_path)
    hook.remove()
    assert end["status"] == "finished", end
    assert torch.bfloat16 in dtypes  # the training forward passes ran in bf16 ...
    assert all(p.dtype == torch.float32 for p in model.parameters())  # ... the weights stayed fp32
    assert json.loads((tmp_path / "config.json").read_text())["train"]["precision"] == "bf16"
    resumed = tiny("dcgan")
    assert ckpt.load_checkpoint(tmp_path, resumed) == 3
    end = train(model, _cfg(steps=1, precision="fp16"), tmp_path / "bad")
    assert end["status"] == "failed" and "precision must be one of fp32, bf16, auto" in end["reason"]


@pytest.mark.parametrize("family", sorted(TINY))
def test_every_family_trains_in_bf16(tmp_path, family):
    end = train(tiny(family), _cfg(steps=2, precision="bf16", sample_every=2, checkpoint_every=2), tmp_path)
    assert end["status"] == "finished", end["reason"]
    losses = [r for r in ckpt.read_jsonl(tmp_path / "metrics.jsonl") if r["step"] == 2][0]
    assert all(math.isfinite(v) for v in losses.values())


def test_auto_precision_is_bf16_only_where_it_is_native(tmp_path):
    from genapp.trainer import native_bf16, resolve_precision

    cpu = torch.device("cpu")
    assert resolve_precision("auto", cpu) == ("bf16" if native_bf16(cpu) else "fp32")
    assert resolve_precision("fp32", cpu) == "fp32" and resolve_precision("bf16", cpu) == "bf16"
    assert resolve_precision("auto", cpu, tiny("ring")) == "fp32"  # too small to gain
    assert resolve_precision("auto", cpu, tiny("ae")) == "fp32"
    train(tiny("dcgan"), _cfg(steps=1, precision="auto"), tmp_path)
    recorded = json.loads((tmp_path / "config.json").read_text())["train"]["precision"]
    assert recorded == resolve_precision("auto", cpu)  # the run records what it ran with


def test_compile_keeps_parameters_and_checkpoint_keys(tmp_path):
    pytest.importorskip("torch._dynamo")
    model = tiny("gan")
    keys = set(model.state_dict())
    end = train(model, _cfg(steps=2, compile=True), tmp_path)
    assert end["status"] == "finished", end
    assert model.generator._compiled_call_impl is not None  # compiled in place ...
    assert set(model.state_dict()) == keys  # ... so the checkpoint has the usual names
    reloaded = tiny("gan")
    assert ckpt.load_checkpoint(tmp_path, reloaded) == 2


def test_compile_leaves_a_gradient_penalised_discriminator_uncompiled(tmp_path):
    """R1 / WGAN-GP differentiate D twice, which a compiled module cannot: --compile compiles G
    only, and the run trains."""
    pytest.importorskip("torch._dynamo")
    model = tiny("dcgan", r1=0.1)
    assert model.penalised_networks() == [model.discriminator]
    assert tiny("dcgan").penalised_networks() == [] and tiny("wgan").penalised_networks() == []
    gp = tiny("wgan", penalty="gp")
    assert gp.penalised_networks() == [gp.discriminator] and tiny("vae").penalised_networks() == []
    end = train(model, _cfg(steps=2, compile=True), tmp_path)
    assert end["status"] == "finished", end
    assert model.generator._compiled_call_impl is not None
    assert model.discriminator._compiled_call_impl is None


def test_a_time_budget_ends_the_run_with_a_checkpoint_and_the_lr_at_zero(tmp_path):
    model = tiny("pix2pix", lr_decay=0.5)
    lrs = []
    end = train(model, _cfg(steps=10**6, minutes=0.1, sample_every=10**6, checkpoint_every=10**6), tmp_path,
                on_event=lambda e: e["type"] == "step" and lrs.append(model.optimizers["generator"].param_groups[0]["lr"]))
    assert end["status"] == "finished" and "time budget (0.1 min)" in end["reason"]
    assert 2 < end["step"] < 10**6
    assert json.loads((tmp_path / "training_state.json").read_text())["step"] == end["step"]  # checkpointed
    assert len(list((tmp_path / "samples").glob("*.png"))) == 2  # step 0 and the last step
    lr = model.config.lr
    assert lrs[0] == lr and lrs[-1] < 0.25 * lr and all(a >= b for a, b in zip(lrs, lrs[1:]))


def test_trainer_stops_within_one_step_and_checkpoints(tmp_path):
    model = tiny("gan")
    steps = []

    def on_event(e):
        if e["type"] == "step":
            steps.append(e["step"])
    end = train(model, _cfg(steps=1000), tmp_path, on_event=on_event, should_stop=lambda: len(steps) >= 4)
    assert end["status"] == "stopped" and end["step"] == 4 and steps[-1] == 4
    assert json.loads((tmp_path / "training_state.json").read_text())["step"] == 4


def test_nan_loss_fails_run_without_overwriting_last_good_checkpoint(tmp_path):
    model = tiny("dcgan")
    calls = {"n": 0}
    real_step = model.train_step

    def step(batch):
        calls["n"] += 1
        out = real_step(batch)
        if calls["n"] >= 5:
            out["loss_g"] = float("nan")
        return out
    model.train_step = step
    end = train(model, _cfg(steps=20), tmp_path)
    assert end["status"] == "failed" and "diverged" in end["reason"] and "loss_g" in end["reason"]
    assert json.loads((tmp_path / "training_state.json").read_text())["step"] == 3
    genapp.load(str(tmp_path))  # the last good checkpoint still loads


def test_a_deferring_run_reads_statistics_at_logged_steps_and_still_catches_a_nan(tmp_path, monkeypatch):
    """As on a GPU (forced here): events and metrics only at the logged steps, and weights that turn
    NaN between two of them still fail the run before the next checkpoint overwrites the last good one."""
    import genapp.trainer as trainer

    monkeypatch.setattr(trainer, "defers_stats", lambda device: True)
    model = tiny("dcgan")
    steps, seen = [], []
    end = train(model, _cfg(steps=25, log_every=10, sample_every=100, checkpoint_every=100), tmp_path / "ok",
                on_event=lambda e: e["type"] == "step" and (steps.append(e["step"]), seen.append(e["losses"])))
    assert end["status"] == "finished" and model.defer_stats
    assert steps == [10, 20, 25]
    assert all(type(v) is float and math.isfinite(v) for losses in seen for v in losses.values()), seen
    rows = [json.loads(line) for line in (tmp_path / "ok" / ckpt.METRICS_NAME).read_text().splitlines()]
    assert [r["step"] for r in rows if "loss_g" in r] == [10, 20, 25]

    model = tiny("dcgan")
    calls = {"n": 0}
    real_step = model.train_step

    def step(batch):
        calls["n"] += 1
        if calls["n"] == 13:  # diverges between two logged steps: seen in the losses read at step 20
            with torch.no_grad():
                next(model.generator.parameters()).fill_(float("nan"))
        return real_step(batch)
    model.train_step = step
    end = train(model, _cfg(steps=40, log_every=10, sample_every=100, checkpoint_every=10), tmp_path / "nan")
    assert end["status"] == "failed" and "diverged" in end["reason"] and end["step"] == 20, end
    assert json.loads((tmp_path / "nan" / "training_state.json").read_text())["step"] == 10

