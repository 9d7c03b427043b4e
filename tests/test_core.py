"""The shared model core: every family trains, saves, loads and generates the same way."""
from __future__ import annotations

import json
import re
from pathlib import Path
import math

import pytest
import torch

import genapp
from genapp import checkpoints as ckpt
from genapp.config import TrainConfig
from genapp.data import BatchStream, load_dataset, synthetic_batch
from genapp.models import FAMILIES, build_model
from genapp.models.base import seeded_noise, stats_to_floats
from genapp.trainer import train

# Tiny versions of every family (the diffusers habit: same tests, small sizes).
TINY = {
    "ae": ("mnist", {"latent_dim": 4}),
    "dae": ("mnist", {"latent_dim": 4}),
    "vae": ("mnist", {"hidden": [32, 16]}),
    "gan": ("mnist", {"g_hidden": [16, 32], "d_hidden": [32, 16]}),
    "toy1010": ("toy1010", {}),
    "ring": ("ring", {"hidden": 16}),
    "dcgan": ("mnist", {"ngf": 8, "ndf": 8}),
    "wgan": ("mnist", {"ngf": 8, "ndf": 8}),
    "cgan": ("mnist", {"ngf": 8, "ndf": 8}),
    "pix2pix": ("edges2shoes", {"image_size": 32, "ngf": 8, "ndf": 8}),
    "cyclegan": ("horse2zebra", {"image_size": 32, "ngf": 8, "ndf": 8, "n_blocks": 1}),
}


def tiny(family: str, **extra):
    dataset, over = TINY[family]
    torch.manual_seed(0)
    return build_model(family, dataset, **{**over, **extra})


def tiny_batch(model, n: int = 4):
    ds = load_dataset(model.config.dataset, image_size=model.config.image_size
                      if model.config.dataset in ("edges2shoes", "horse2zebra") else None)
    return next(BatchStream(ds, n, seed=0))


def test_registry_lists_every_course_family():
    assert set(FAMILIES) == {"ae", "dae", "vae", "gan", "toy1010", "ring", "dcgan", "wgan", "cgan", "pix2pix", "cyclegan"}


@pytest.mark.parametrize("family", list(TINY))
def test_train_step_gives_finite_losses_and_changes_parameters(family):
    model = tiny(family)
    model.setup_training()
    before = {k: v.clone() for k, v in model.state_dict().items() if v.dtype.is_floating_point}
    losses = {}
    for _ in range(3):
        losses = model.train_step(tiny_batch(model))
    assert losses and all(math.isfinite(v) for v in losses.values()), losses
    changed = [k for k, v in model.state_dict().items() if k in before and not torch.equal(v, before[k])]
    assert changed, "no parameter moved"
    if family in ("gan", "dcgan", "cgan", "ring", "toy1010", "pix2pix"):
        assert {"loss_d", "loss_g", "d_x", "d_g_z"} <= set(losses)


@pytest.mark.parametrize("family", list(TINY))
def test_deferred_statistics_are_the_same_numbers_read_later(family):
    """On a GPU the trainer sets defer_stats: a step hands back its statistics as tensors on the
    device (no wait for it), read at the logged steps; they must be the numbers a plain step gives."""
    import random

    plain, deferred = tiny(family), tiny(family)
    deferred.defer_stats = True
    batch = tiny_batch(plain)
    for model in (plain, deferred):
        model.setup_training()
    for _ in range(2):
        torch.manual_seed(1)
        random.seed(1)
        floats = plain.train_step(batch)
        torch.manual_seed(1)
        random.seed(1)
        tensors = deferred.train_step(batch)
        assert all(type(v) is float for v in floats.values()), floats
        assert set(tensors) == set(floats)
        assert all(isinstance(v, torch.Tensor) and v.dim() == 0 and not v.requires_grad
                   for v in tensors.values()), tensors
        read = stats_to_floats(tensors)
        assert list(read) == list(tensors)
        assert read == pytest.approx(floats, rel=1e-5, abs=1e-6)


@pytest.mark.parametrize("family", list(TINY))
def test_save_load_round_trip_gives_identical_outputs(family, tmp_path):
    model = tiny(family)
    model.setup_training()
    model.train_step(tiny_batch(model))
    model.save_pretrained(tmp_path / "m")
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["README.md", "config.json", "model.safetensors"]
    assert json.loads((tmp_path / "m" / "config.json").read_text())["family"] == family
    loaded = genapp.load(str(tmp_path / "m"))
    assert type(loaded) is type(model)
    model.eval()
    if model.kind == "translation":
        x = torch.rand(2, 3, 40, 48)  # any size in; the model's resolution out
        kw = {"direction": "zebra2horse"} if family == "cyclegan" else {}
        a, b = model.translate(x, **kw), loaded.translate(x, **kw)
        assert a.shape == (2, 3, 32, 32)
    else:
        a, b = model.generate(6, seed=3), loaded.generate(6, seed=3)
    assert torch.equal(a, b)


@pytest.mark.parametrize("family", ["dcgan", "gan", "vae", "cgan", "ae", "wgan"])
def test_generate_contract_same_seed_same_images(family):
    model = tiny(family).eval()
    x = model.generate(16, seed=0)
    c = model.config
    assert x.shape == (16, c.channels, c.image_size, c.image_size)
    assert x.dtype == torch.float32 and x.device.type == "cpu"
    assert 0.0 <= float(x.min()) and float(x.max()) <= 1.0
    assert torch.equal(x, model.generate(16, seed=0))
    assert not torch.equal(x, model.generate(16, seed=1))
    if hasattr(model, "decode") and family != "cgan":
        # one sample does not depend on the others in its batch (eval-mode BatchNorm)
        z = torch.randn(4, c.latent_dim)
        assert torch.allclose(model.decode(z)[:1], model.decode(z[:1]), atol=1e-5)


def test_cgan_labels_by_index_and_name():
    model = build_model("cgan", "fashion", ngf=8, ndf=8).eval()
    a = model.generate(4, seed=0, label=7)
    b = model.generate(4, seed=0, label="sneaker")
    assert torch.equal(a, b)
    with pytest.raises(ValueError, match="Unknown class"):
        model.generate(1, seed=0, label="dragon")
    with pytest.raises(ValueError, match="out of range"):
        model.generate(1, seed=0, label=10)
    grid = model.every_class(seed=0, per_class=3)
    assert grid.shape == (30, 1, 28, 28)


def test_pix2pix_and_cyclegan_translate_contract():
    p2p = tiny("pix2pix").eval()
    y = p2p.translate(torch.rand(3, 1, 100, 70))  # grayscale sketch, odd size
    assert y.shape == (3, 3, 32, 32) and 0 <= float(y.min()) and float(y.max()) <= 1
    cyc = tiny("cyclegan").eval()
    with pytest.raises(ValueError, match="direction"):
        cyc.translate(torch.rand(1, 3, 32, 32), direction="cat2dog")
    z, rec = cyc.cycle(torch.rand(1, 3, 32, 32), "horse2zebra")
    assert z.shape == rec.shape == (1, 3, 32, 32)


def test_data_shapes_and_ranges():
    mn = load_dataset("mnist")
    assert mn.tensors["x"].dtype == torch.uint8 and mn.tensors["x"].shape == (60000, 1, 28, 28)
    b = next(BatchStream(mn, 8, seed=0))
    assert b["x"].shape == (8, 1, 28, 28) and 0 <= float(b["x"].min()) and float(b["x"].max()) <= 1
    e2s = load_dataset("edges2shoes", image_size=32)
    assert e2s.tensors["a"].shape[1:] == (3, 32, 32) and len(e2s) == 900  # 10 % held out
    assert len(load_dataset("edges2shoes", "val", image_size=32)) == 100
    t = synthetic_batch("toy1010", 1000)["x"]
    assert t.shape == (1000, 4) and float((t - torch.tensor([1., 0, 1, 0])).abs().max()) <= 0.2
    r = synthetic_batch("ring", 1000)["x"]
    assert torch.allclose(r.norm(dim=1), torch.full((1000,), 2.0), atol=0.1)


def test_batches_and_augmentation_on_a_device_copy_nothing_from_the_host():
    """On a GPU each copy of a step's indices to the device makes the host wait for the GPU, so
    the shuffled order moves to the data's device once an epoch. The 'meta' device stands in for
    the GPU here: every op that turns a CPU tensor into a device tensor is recorded."""
    from torch.utils._python_dispatch import TorchDispatchMode

    class HostCopies(TorchDispatchMode):
        def __init__(self):
            super().__init__()
            self.copies = []

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            out = func(*args, **(kwargs or {}))
            ins = [a for a in args if isinstance(a, torch.Tensor)]
            if isinstance(out, torch.Tensor) and out.device.type == "meta" and any(a.device.type == "cpu" for a in ins):
                self.copies.append(str(func))
            return out

    # one key (MNIST), pairs sharing one order (edges2shoes), two sides each with its own (horse2zebra)
    for ds in (load_dataset("mnist"), load_dataset("edges2shoes", image_size=32), load_dataset("horse2zebra", image_size=32)):
        stream = BatchStream(ds, 16, seed=0, device="meta")
        next(stream)  # an epoch starts: its order moves to the device
        with HostCopies() as seen:
            for _ in range(20):
                batch = next(stream)
        assert seen.copies == [] and all(v.device.type == "meta" for v in batch.values())
    # pix2pix / CycleGAN augmentation draws its random numbers on the device too
    from genapp.models.augment import random_jitter, sketch_mix
    a, b = torch.empty(4, 3, 32, 32, device="meta"), torch.empty(4, 3, 32, 32, device="meta")
    with HostCopies() as seen:
        ja, jb = random_jitter(a, b)
        mixed = sketch_mix(a, b, 0.5)
    assert seen.copies == [] and ja.shape == jb.shape == mixed.shape == a.shape and mixed.device.type == "meta"
    # the order is still the seeded generator's permutation, drawn on the CPU, whatever the device
    mnist = load_dataset("mnist")
    order = torch.randperm(len(mnist), generator=torch.Generator().manual_seed(5))
    stream = BatchStream(mnist, 8, seed=5)
    for k in range(3):
        assert torch.equal(next(stream)["x"], mnist.tensors["x"][order[8 * k:8 * (k + 1)]].float() / 255.0)


def test_missing_data_offline_names_folder_and_files(tmp_path, monkeypatch):
    from genapp import data

    monkeypatch.setenv("GENAPP_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    data._CACHE.clear()
    with pytest.raises(data.DataMissingError, match="mnist.npz") as err:
        data.load_dataset("mnist")
    assert str(tmp_path.resolve()) in str(err.value)
    with pytest.raises(data.DataMissingError, match="edges2shoes/train"):
        data.load_dataset("edges2shoes", image_size=32)
    with pytest.raises(ValueError, match="Unknown dataset"):
        data.load_dataset("cifar")


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


def test_registry_failed_run_leaves_others_serving(tmp_path, monkeypatch):
    from genapp.runs import RegistryBusy, RunRegistry

    reg = RunRegistry(tmp_path, max_concurrent=1, max_queue=1)
    bad = reg.start("toy1010", steps=50, batch_size=4, device="cpu")

    def boom(batch):
        raise RuntimeError("the GPU caught fire")
    bad.model.train_step = boom
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


@pytest.mark.parametrize("family,key,value,message", [
    ("dcgan", "ngF", 128, "dcgan has no setting 'ngF'. Did you mean 'ngf'?"),  # a typo used to be ignored
    ("wgan", "codes", 10, "wgan has no setting 'codes'"),                      # another family's knob
    ("dcgan", "ngf", "abc", "ngf must be a whole number, such as 64"),          # used to fail inside PyTorch
    ("dcgan", "ngf", 0, "ngf is a size and must be at least 1"),               # used to fail at the first step
    ("dcgan", "ngf", 64.5, "ngf must be a whole number"),
    ("dcgan", "ema", True, "ema must be a number"),
    ("dcgan", "r1", -0.1, "r1 must be 0 or more"),
    ("dcgan", "lr", float("nan"), "lr must be 0 or more"),
    ("wgan", "penalty", 1, "penalty must be a word, such as \"clip\""),
    # sizes the networks cannot take: they used to fail at the first step, after loading the data
    ("pix2pix", "image_size", 100, "pix2pix works at 32, 64, 128 or 256 px"),
    ("cyclegan", "image_size", 1000, "cyclegan works at a multiple of 4 from 32 to 256 px"),
    ("dcgan", "image_size", 30, "dcgan works at 14, 28 or 56 px"),
    ("wgan", "image_size", 100, "wgan works at 14, 28 or 56 px"),
    ("cgan", "image_size", 128, "cgan works at 14, 28 or 56 px"),
    ("vae", "image_size", 4096, "vae works at 8 to 256 px"),
])
def test_a_setting_that_cannot_be_used_is_refused_with_what_to_give(family, key, value, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        genapp.build_model(family, **{key: value})


def test_settings_of_the_right_kind_are_taken():
    m = genapp.build_model("dcgan", "fashion", ngf=32, ema=0.999, r1=0, lr_decay=1, codes=10)  # ints for floats: fine
    assert (m.config.ngf, m.config.ema, m.config.r1, m.config.lr_decay, m.codes) == (32, 0.999, 0, 1, 10)
    assert genapp.build_model("wgan", penalty="gp").config.penalty == "gp"
    for family, dataset, size in (("dcgan", "mnist", 32), ("cgan", "fashion", 56), ("pix2pix", "edges2shoes", 128),
                                  ("cyclegan", "horse2zebra", 96)):
        m = genapp.build_model(family, dataset, image_size=size, ngf=4, ndf=4).eval()
        x = torch.rand(2, m.config.channels, size, size)
        out = m.translate(x) if m.kind == "translation" else m.generate(2, seed=0)
        assert out.shape == (2, m.config.channels, size, size)


def test_a_path_that_is_not_there_is_named_as_a_missing_folder_not_a_hub_repo(tmp_path, capsys):
    with pytest.raises(FileNotFoundError, match="No folder"):
        genapp.load(str(tmp_path / "nothere"))  # one "/" too many to be owner/name, or exactly one: same answer
    with pytest.raises(FileNotFoundError, match="No folder '/nothere'"):
        genapp.load("/nothere")  # was: "'/nothere' is not a Hub repo id"
    from genapp.metrics import main
    assert main(["evaluate", "/nothere"]) == 1  # a message, not a traceback
    assert "No folder" in capsys.readouterr().err


def test_load_refuses_pickle_only_folder(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"family": "dcgan", "dataset": "mnist"}))
    (tmp_path / "pytorch_model.bin").write_bytes(b"not even a pickle")
    with pytest.raises(ValueError, match="never load"):
        genapp.load(str(tmp_path))
    (tmp_path / "config.json").write_text(json.dumps({"family": "stylegan9"}))
    (tmp_path / "model.safetensors").write_bytes(b"")
    with pytest.raises(ValueError, match="unknown family"):
        genapp.load(str(tmp_path))


def test_load_missing_pretrained_names_the_training_command(tmp_path, monkeypatch):
    monkeypatch.setenv("GENAPP_PRETRAINED_DIR", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="python -m train dcgan --dataset fashion"):
        genapp.load("fashion-dcgan")


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
    from genapp.runs import HISTORY_POINTS, _thin_append

    hist: list = []
    for step in range(1, 50_001):
        _thin_append(hist, (step, {"loss": 1.0}))
    assert len(hist) <= HISTORY_POINTS
    assert hist[0][0] == 1 and hist[-1][0] > 49_000  # covers the whole run, start to end
    steps = [s for s, _ in hist]
    assert steps == sorted(steps)


def test_dcgan_ema_averages_g_and_samples_with_the_average(tmp_path):
    plain = tiny("dcgan")
    assert plain.sampler is plain.generator and plain.generator_ema is None
    assert not any(k.startswith("generator_ema.") for k in plain.state_dict())  # nothing extra saved
    model = tiny("dcgan", ema=0.5)
    model.setup_training()
    before = [p.clone() for p in model.generator_ema.parameters()]
    model.train_step(tiny_batch(model))
    # after one G step with decay 0.5 the average sits halfway between the old and the new weights
    for old, avg, cur in zip(before, model.generator_ema.parameters(), model.generator.parameters()):
        assert torch.allclose(avg, 0.5 * old + 0.5 * cur, atol=1e-6)
        assert not avg.requires_grad
    assert not torch.equal(model.generate(4, seed=0), from_generator(model, 4, seed=0))  # samples come from the average
    # the step-by-step G step of the Lab updates it too
    snapshot = [p.clone() for p in model.generator_ema.parameters()]
    model.g_step(tiny_batch(model))
    assert any(not torch.equal(a, b) for a, b in zip(snapshot, model.generator_ema.parameters()))
    # saved and loaded with the model: the same samples after a round trip
    model.save_pretrained(tmp_path)
    again = genapp.load(str(tmp_path))
    assert torch.equal(again.generate(4, seed=1), model.eval().generate(4, seed=1))
    with pytest.raises(ValueError, match="decay"):
        tiny("dcgan", ema=1.5)
    with pytest.raises(ValueError, match="ema must be a number.*'abc'"):
        tiny("dcgan", ema="abc")


def test_dcgan_r1_penalises_d_gradient_at_real_images():
    """r1 = gamma adds gamma/2 * E ||grad_x D(x)||^2 on real images to D's loss (Mescheder et al.
    2018); 0 (the default, the paper's recipe) adds nothing."""
    plain = tiny("dcgan")
    plain.setup_training()
    assert "gp" not in plain.train_step(tiny_batch(plain))
    model = tiny("dcgan", r1=2.0)
    model.setup_training()
    x, _ = model.real(tiny_batch(model))
    penalty = model.discriminator_penalty(x, None, None, None)
    xr = x.clone().requires_grad_(True)
    grad, = torch.autograd.grad(model.discriminator(xr).sum(), xr)
    expected = 0.5 * 2.0 * grad.flatten(1).pow(2).sum(1).mean()
    assert penalty.item() > 0 and torch.allclose(penalty, expected, rtol=1e-4)
    # it reaches D's weights (a second-order gradient) and shows in the step's stats
    d_grads = torch.autograd.grad(penalty, list(model.discriminator.parameters()), allow_unused=True)
    assert any(g is not None and g.abs().sum() > 0 for g in d_grads)
    stats = model.train_step(tiny_batch(model))
    assert stats["gp"] > 0 and all(math.isfinite(v) for v in stats.values())
    assert tiny("wgan").discriminator_penalty(x, x, None, None) is None  # wgan keeps its own (clip: none)
    for bad in (-1.0, "abc", float("nan")):
        with pytest.raises(ValueError, match="r1 must be"):
            tiny("dcgan", r1=bad)


def test_cgan_ema_averages_g_and_its_label_embedding_and_r1_uses_the_labels(tmp_path):
    plain = tiny("cgan")
    assert plain.generator_ema is None and not any(k.startswith("generator_ema.") for k in plain.state_dict())
    model = tiny("cgan", ema=0.5, r1=1.0)
    model.setup_training()
    live = list(model.generator.parameters()) + list(model.label_to_z.parameters())
    before = [p.clone() for p in model.generator_ema.parameters()]
    assert len(before) == len(live)
    stats = model.train_step(tiny_batch(model))
    assert stats["gp"] > 0
    for old, avg, cur in zip(before, model.generator_ema.parameters(), live):  # the embedding too
        assert torch.allclose(avg, 0.5 * old + 0.5 * cur, atol=1e-6)
    # samples come from the average: G and embedding of the average, not the live ones
    z = torch.randn(4, model.config.latent_dim)
    y = torch.tensor([0, 1, 2, 3])
    with torch.no_grad():
        model.eval()
        from_average = (model.generator_ema["generator"](z * model.generator_ema["label_to_z"](y)) + 1) / 2
        from_live = (model.g(z, y) + 1) / 2
    assert torch.allclose(model.decode(z, y), from_average, atol=1e-6)
    assert not torch.allclose(model.decode(z, y), from_live, atol=1e-4)
    # R1 differentiates D with each real image's own label channel
    x, labels = model.real(tiny_batch(model))
    xr = x.clone().requires_grad_(True)
    grad, = torch.autograd.grad(model.discriminate(xr, labels).sum(), xr)
    assert torch.allclose(model.discriminator_penalty(x, None, labels, None),
                          0.5 * grad.flatten(1).pow(2).sum(1).mean(), rtol=1e-4)
    # saved and loaded with the model: the same samples after a round trip
    model.save_pretrained(tmp_path / "m")
    assert torch.equal(genapp.load(str(tmp_path / "m")).generate(6, seed=2, label=3), model.generate(6, seed=2, label=3))
    # a model without the average can start one (--init-from): it begins at the live weights
    plain.setup_training()
    plain.train_step(tiny_batch(plain))  # weights that differ from a fresh build's
    plain.save_pretrained(tmp_path / "plain")
    from genapp.api import init_from
    fresh = tiny("cgan", ema=0.999)
    init_from(fresh, str(tmp_path / "plain"))
    assert torch.equal(fresh.generate(5, seed=1), plain.generate(5, seed=1))
    with pytest.raises(ValueError, match="decay"):
        tiny("cgan", ema=2)
    with pytest.raises(ValueError, match="r1 must be"):
        tiny("cgan", r1=-1)


def test_dcgan_codes_give_g_a_category_that_d_reads_back():
    """codes = k (InfoGAN): the argmax of z's first k entries picks a category that reaches G as
    a one-hot vector; D's Q head must tell it back from the image, and D and G both minimise that
    cross-entropy, so the categories come to look different. codes = 0 changes nothing."""
    import torch.nn.functional as F

    plain = tiny("dcgan")
    z = torch.randn(6, 100)
    assert plain.category(z) is None and torch.equal(plain.with_code(z)[0], z)
    assert plain.discriminator(torch.zeros(2, 1, 28, 28)).shape == (2,)
    model = tiny("dcgan", codes=4)
    g_in, cat = model.with_code(z)
    assert torch.equal(cat, z[:, :4].argmax(1))
    assert torch.equal(g_in[:, :4], 5.0 * F.one_hot(cat, 4).float()) and torch.equal(g_in[:, 4:], z[:, 4:])
    assert torch.equal(tiny("dcgan", codes=4, code_scale=2.0).with_code(z)[0][:, :4], 2.0 * F.one_hot(cat, 4).float())
    # only the argmax of the first k entries matters, not their values
    z2 = z.clone()
    z2[:, :4] = z2[:, :4] * 3.0 + 1.0  # same argmax
    assert torch.equal(model.decode(z), model.decode(z2))
    z3 = z.clone()
    z3[:, :4] = F.one_hot((cat + 1) % 4, 4).float()  # every sample in another category
    assert not torch.allclose(model.decode(z), model.decode(z3))
    # D: the logit and k code logits from one network; discriminate gives the logit only
    x, _ = model.real(tiny_batch(model))
    assert model.discriminator(x).shape == (4, 5) and model.discriminate(x, None).shape == (4,)
    fake, labels = model.fake(4)
    out, info = model.discriminate_fake(fake, labels)
    full = model.discriminator(fake)
    assert torch.allclose(out, full[:, 0]) and torch.allclose(info, F.cross_entropy(full[:, 1:], labels))
    g_grads = torch.autograd.grad(info, list(model.generator.parameters()), allow_unused=True)
    assert any(g is not None and g.abs().sum() > 0 for g in g_grads)  # it reaches G
    # training: the information term shows in the stats and falls well below chance (log k)
    model = tiny("dcgan", codes=4, lr=2e-3)  # a higher rate: the tiny nets learn it in a few dozen steps
    model.setup_training()
    stream = BatchStream(load_dataset("mnist"), 16, seed=0)
    infos = [model.train_step(next(stream))["info"] for _ in range(80)]
    assert all(math.isfinite(v) for v in infos)
    assert sum(infos[-10:]) / 10 < 0.5 * math.log(4) < infos[0]
    assert "info" in model.d_step_fake(next(stream))  # the Lab's step-by-step D step has it too
    for bad in (1, -1, 100, "abc", 2.5, True):
        with pytest.raises(ValueError, match="codes must be"):
            tiny("dcgan", codes=bad)
    for bad in (0, -1.0, "abc"):
        with pytest.raises(ValueError, match="info must be"):
            tiny("dcgan", codes=4, info=bad)
    for bad in (0, -2.0, "abc"):
        with pytest.raises(ValueError, match="code_scale must be"):
            tiny("dcgan", codes=4, code_scale=bad)
    assert not hasattr(tiny("wgan").config, "codes") and tiny("wgan").codes == 0
    # the live view and the sample sheet show one row per category, the same rest of z per column
    grid, per_row = model.preview(None)
    assert grid.shape == (4 * 8, 1, 28, 28) and per_row == 8
    rows = model.every_category(seed=3, per_category=2)
    z = seeded_noise((2, 100), 3, model.device)
    z[:, :4] = 0.0
    z[:, 2] = 1.0  # category 2: its row
    assert torch.allclose(rows[4:6], model.decode(z), atol=1e-5)


def test_dcgan_generator_first_layer_as_a_matrix_product_matches_the_layer():
    """G computes its first ConvTranspose2d (1x1 code -> base x base map) as a matrix product and
    its image layer as a convolution + pixel shuffle: the same output and the same gradients as
    the layer stack itself, at 28 and 32 px, to 1 and 3 channels."""
    from genapp.models.layers import DCGANGenerator

    for size, channels in ((28, 1), (32, 3)):
        torch.manual_seed(0)
        g = DCGANGenerator(16, channels, size, ngf=8).double()  # float64: rounding differences stay tiny
        z = torch.randn(5, 16, dtype=torch.float64)
        ours = g(z)
        plain = g.net(z.view(5, 16, 1, 1))  # the layer stack as nn.Sequential runs it
        assert ours.shape == (5, channels, size, size)
        assert torch.allclose(ours, plain, atol=1e-10)
        for param in (g.net[0].weight, g.net[-2].weight, g.net[-2].bias):
            grad_ours = torch.autograd.grad(ours.square().sum(), param, retain_graph=True)[0]
            grad_plain = torch.autograd.grad(plain.square().sum(), param, retain_graph=True)[0]
            assert torch.allclose(grad_ours, grad_plain, rtol=1e-8, atol=1e-8)
    assert set(g.state_dict()) == set(g.net.state_dict(prefix="net."))  # checkpoints keep their names


def test_conv_transpose_as_pixel_shuffle_is_the_transposed_convolution():
    """Any ConvTranspose2d(4, 2, 1), with or without bias, on non-square inputs: same output and
    same input gradient as the layer itself."""
    from genapp.models.layers import conv_transpose_as_pixel_shuffle

    torch.manual_seed(1)
    for c_in, c_out, bias, h, w in ((6, 1, True, 5, 7), (4, 5, False, 3, 3), (3, 2, True, 1, 4)):
        layer = torch.nn.ConvTranspose2d(c_in, c_out, 4, 2, 1, bias=bias).double()
        x = torch.randn(2, c_in, h, w, dtype=torch.float64, requires_grad=True)
        ours, plain = conv_transpose_as_pixel_shuffle(layer, x), layer(x)
        assert ours.shape == plain.shape == (2, c_out, 2 * h, 2 * w)
        assert torch.allclose(ours, plain, atol=1e-12)
        g_ours = torch.autograd.grad(ours.sin().sum(), x)[0]
        g_plain = torch.autograd.grad(plain.sin().sum(), x)[0]
        assert torch.allclose(g_ours, g_plain, atol=1e-12)
    for other in (torch.nn.ConvTranspose2d(2, 1, 4, 2, 0), torch.nn.ConvTranspose2d(2, 1, 3, 2, 1),
                  torch.nn.ConvTranspose2d(2, 2, 4, 2, 1, groups=2)):  # anything else: refused, not wrong
        with pytest.raises(ValueError, match="kernel 4, stride 2"):
            conv_transpose_as_pixel_shuffle(other, torch.randn(1, 2, 3, 3))


def from_generator(model, n, seed):
    from genapp.models.base import from_tanh_space, seeded_noise

    model.eval()
    with torch.no_grad():
        return from_tanh_space(model.generator(seeded_noise((n, model.config.latent_dim), seed, model.device)))


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


def test_random_jitter_crops_and_mirrors_pairs_alike():
    from genapp.models.augment import random_jitter

    gen = torch.Generator().manual_seed(0)
    a = torch.rand(16, 3, 32, 32, generator=gen)
    b = a[:, :1].clone()  # a different number of channels, the same pictures
    ja, jb = random_jitter(a, b, generator=torch.Generator().manual_seed(1))
    assert ja.shape == a.shape and jb.shape == b.shape
    assert torch.equal(ja[:, :1], jb)  # each pair got the same crop and the same mirror
    assert not torch.allclose(ja, a)  # ... and something did change
    # a left-to-right ramp tells a mirrored crop (falling) from a plain one (rising): both happen
    ramp = torch.linspace(0, 1, 32).expand(16, 1, 32, 32)
    (jr,) = random_jitter(ramp, generator=torch.Generator().manual_seed(2))
    slopes = (jr[:, 0, :, -1] - jr[:, 0, :, 0]).mean(1)
    assert (slopes > 0.5).sum() > 0 and (slopes < -0.5).sum() > 0 and (slopes.abs() > 0.5).all()
    with pytest.raises(ValueError, match="same batch size"):
        random_jitter(a, b[:3])


def test_pix2pix_jitters_its_training_pairs_only_when_asked(monkeypatch):
    from genapp.models import pix2pix as p2p

    calls = []
    real = p2p.random_jitter
    monkeypatch.setattr(p2p, "random_jitter", lambda *x: calls.append(len(x)) or real(*x))
    for augment, expected in ((True, [2]), (False, [])):
        calls.clear()
        model = tiny("pix2pix", augment=augment)
        model.setup_training()
        model.train_step(tiny_batch(model))
        assert calls == expected
    with pytest.raises(ValueError, match="augment must be true or false"):
        tiny("pix2pix", augment="maybe")


def test_outlines_are_closed_one_pixel_boundaries_of_the_shoe():
    from genapp.outlines import outlines, silhouettes

    # a dark "shoe" (an ellipse with a white hole, like a shoe's opening) on a white page, and a
    # second one cut by the frame's bottom edge; the edge maps hold only part of the contour
    yy, xx = torch.meshgrid(torch.arange(256.0), torch.arange(256.0), indexing="ij")
    inside = ((xx - 128) / 100) ** 2 + ((yy - 140) / 60) ** 2 <= 1
    hole = ((xx - 150) / 30) ** 2 + ((yy - 120) / 15) ** 2 <= 1
    cut = ((xx - 128) / 90) ** 2 + ((yy - 250) / 50) ** 2 <= 1
    photos = torch.full((2, 3, 256, 256), 255, dtype=torch.uint8)
    photos[0][:, inside & ~hole] = 60
    photos[1][:, cut] = 90
    edges = torch.full_like(photos, 255)
    photos_np, edges_np = photos.numpy(), edges.numpy()
    masks = torch.from_numpy(silhouettes(edges_np, photos_np))
    iou = (masks[0] & inside).sum() / (masks[0] | inside).sum()
    assert iou > 0.95                          # the hole is filled: the shape is the whole shoe
    line = torch.from_numpy(outlines(edges_np, photos_np))[:, 0] < 128
    assert line.shape == (2, 256, 256) and torch.from_numpy(outlines(edges_np, photos_np)).shape == (2, 3, 256, 256)
    # the outline runs along the ellipse: every line pixel within 3 px of it, and all the way round
    ring = (((xx - 128) / 100) ** 2 + ((yy - 140) / 60) ** 2 - 1).abs() < 0.1
    assert line[0][~ring].sum() == 0 and line[0].sum() > 2 * 3.14 * 80
    assert not line[0][120, 150] and not line[0][:, :20].any()   # nothing at the hole or off the shoe
    # the shape cut by the frame is closed along the frame (a drawing is a closed line)
    assert line[1][255, 60:196].all() and line[1][:190].sum() == 0


def test_sketch_mix_swaps_a_share_of_edge_maps_for_outlines():
    from genapp.models.augment import sketch_mix

    n = 400
    edges = torch.ones(n, 3, 32, 32)
    edges[:, :, ::4, :] = 0.0                     # "interior lines" everywhere
    outline = torch.ones(n, 3, 32, 32)
    outline[:, :, :, 0] = 0.0                     # one outline line
    assert torch.equal(sketch_mix(edges, outline, 0.0), edges)
    out = sketch_mix(edges, outline, 0.5, generator=torch.Generator().manual_seed(0))
    as_edges = (out == edges).flatten(1).all(1)
    as_outline = (out == outline).flatten(1).all(1)
    partial = ~as_edges & ~as_outline
    assert 0.4 < as_edges.float().mean() < 0.6      # about half kept
    assert 0.18 < as_outline.float().mean() < 0.32 and 0.18 < partial.float().mean() < 0.32
    # a partial sketch: the whole outline plus the edge map's lines in some cells, never new lines
    p = out[partial]
    assert (p[:, :, :, 0] == 0).all() and (p >= torch.minimum(edges[:1], outline[:1])).all()
    kept = (p[:, 0, ::4, 1:] == 0).float().mean()
    assert 0.3 < kept < 0.7
    with pytest.raises(ValueError, match="between 0 and 1"):
        sketch_mix(edges, outline, 1.5)


def test_pix2pix_trains_on_outlines_only_when_asked(monkeypatch):
    from genapp.models import pix2pix as p2p

    seen = []
    real = p2p.sketch_mix
    monkeypatch.setattr(p2p, "sketch_mix", lambda a, o, p: seen.append(p) or real(a, o, p))
    for share, expected in ((0.5, [0.5]), (0.0, [])):
        seen.clear()
        model = tiny("pix2pix", sketches=share)
        model.setup_training()
        batch = tiny_batch(model)
        assert batch["outline"].shape == batch["a"].shape
        model.train_step(batch)
        assert seen == expected
    for bad in (1.5, -0.1, "half", True):
        with pytest.raises(ValueError, match="sketches must be (a number|0 or more)"):
            tiny("pix2pix", sketches=bad)


def test_cyclegan_jitters_each_side_on_its_own_only_when_asked(monkeypatch):
    from genapp.models import cyclegan as cg

    calls = []
    real = cg.random_jitter
    monkeypatch.setattr(cg, "random_jitter", lambda *x: calls.append(len(x)) or real(*x))
    for augment, expected in ((True, [1, 1]), (False, [])):   # unpaired: horses and zebras apart
        calls.clear()
        model = tiny("cyclegan", augment=augment)
        model.setup_training()
        model.train_step(tiny_batch(model, 1))
        assert calls == expected
    with pytest.raises(ValueError, match="augment must be true or false"):
        tiny("cyclegan", augment="maybe")
    # a config written before these options (the shipped one) keeps the paper's layers, unjittered
    old = cg.CycleGANConfig.from_dict({"family": "cyclegan", "ngf": 32, "n_blocks": 6})
    assert (old.upsample, old.augment) == ("deconv", False)


def test_resize_upsampling_has_no_checkerboard_and_deconv_does():
    from genapp.models.layers import ResnetGenerator, _upsampling

    torch.manual_seed(0)
    flat = torch.ones(1, 4, 8, 8)   # a flat picture: any pattern in the output is the layer's own
    for how, checkered in (("deconv", True), ("resize", False)):
        layer = _upsampling(4, 2, how)
        with torch.no_grad():
            for m in layer.modules():
                if isinstance(m, (torch.nn.Conv2d, torch.nn.ConvTranspose2d)):
                    m.weight.uniform_(0.5, 1.0)
                    m.bias.zero_()
            out = layer(flat)[0, :, 2:-2, 2:-2]   # away from the borders
        assert out.shape[-1] == 12
        even, odd = out[:, 0::2, 0::2], out[:, 1::2, 1::2]
        assert (not torch.allclose(even, odd, rtol=1e-3)) == checkered, how
    gen = ResnetGenerator(3, 3, ngf=8, n_blocks=1, upsample="resize")
    assert not any(isinstance(m, torch.nn.ConvTranspose2d) for m in gen.modules())
    assert gen(torch.rand(1, 3, 32, 32)).shape == (1, 3, 32, 32)
    with pytest.raises(ValueError, match="upsample must be one of"):
        ResnetGenerator(3, 3, ngf=8, n_blocks=1, upsample="bicubic")


@pytest.mark.parametrize("n", [0, -1, 2.5, "3", None])
def test_generate_refuses_a_count_that_is_not_a_whole_number_of_samples(n):
    for family in ("dcgan", "cgan", "vae", "gan"):
        with pytest.raises(ValueError, match="number of samples must be a whole number of at least 1"):
            tiny(family).generate(n)
    assert tiny("dcgan").generate(3.0, seed=2.0).shape[0] == 3  # a form field's 3.0 is 3
    with pytest.raises(ValueError, match="seed must be a whole number"):
        tiny("dcgan").generate(2, seed="x")


@pytest.mark.parametrize("x,message", [
    (torch.rand(3, 32, 32), "For one image, use x\\[None\\]"),
    (torch.rand(1, 4, 32, 32), "C = 1 or 3"),
    (torch.rand(1, 3, 32, 32) * 255, "for 8-bit values use x / 255"),
    ((torch.rand(1, 3, 32, 32) * 255).to(torch.uint8), "floats in \\[0, 1\\]"),
    (torch.full((1, 3, 32, 32), float("nan")), "NaN"),
    ([[0.5]], "torch tensor"),
])
def test_translate_says_what_is_wrong_with_the_images_it_is_given(x, message):
    for family in ("pix2pix", "cyclegan"):
        with pytest.raises(ValueError, match=message):
            tiny(family).translate(x)
    for family in ("pix2pix", "cyclegan"):  # what it takes: grey or colour, any size, in [0, 1]
        m = tiny(family)
        for ok in (torch.rand(2, 1, 20, 30), torch.rand(1, 3, 64, 64)):
            assert m.translate(ok).shape == (len(ok), 3, m.config.image_size, m.config.image_size)
