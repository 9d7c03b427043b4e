"""The one training loop, for every family (the CLI and the app both call :func:`train`).

It talks to the outside only through two callables, as in StyleGAN3's ``training_loop``:
``on_event(event)`` receives what happened, and ``should_stop()`` is checked before every step,
so a Stop button takes effect within one step. Events are plain dicts with a ``type``:

* ``step``: ``step``, ``losses`` (dict of floats), ``images_per_s``
* ``sample``: ``step``, ``path`` (PNG of the fixed-input grid), ``metrics`` (``evaluate()`` and the
  judge's live numbers), ``class_shares`` (the judge's share of each class among 1,000 samples, or None)
* ``checkpoint``: ``step``, ``path``
* ``end``: ``status`` (finished | stopped | failed), ``step``, ``reason``

Under ``torchrun`` (``genapp.distributed``) every rank runs this loop on its shard of the data;
rank 0 alone writes files, and the ranks agree on when to stop. ``images_per_s`` is the run's,
all ranks together; the losses are rank 0's.
"""
from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any, Callable

import torch

from . import checkpoints as ckpt
from . import distributed as dist
from .config import TrainConfig
from .data import BatchStream, Dataset, load_dataset
from .images import grid_image, png_bytes
from .models import GenerativeModel
from .models.base import stats_to_floats
from .threads import ThreadGovernor, use_threads

Event = dict[str, Any]


def live_report(model: GenerativeModel) -> dict[str, Any]:
    """``{"metrics": ..., "class_shares": ...}``: the model's own cheap numbers plus the judge's
    (judge-FID on 1k samples, cGAN accuracy, the share of each class among the samples).

    A metric that cannot be computed (no judge shipped, say) is left out; it never fails a run.
    """
    out = {"metrics": dict(model.evaluate()), "class_shares": None}
    try:
        from .metrics import live_report as judged
        seen = judged(model)
        out["metrics"].update(seen["metrics"])
        out["class_shares"] = seen["class_shares"]
    except Exception:  # noqa: BLE001 - metrics are a view on training, not part of it
        pass
    return out


class TrainingDiverged(FloatingPointError):
    """A loss became NaN or infinite."""


class CheckpointFailed(OSError):
    """Writing a checkpoint failed (disk full, folder removed, ...)."""


def _checkpoint(out: Path, model: GenerativeModel, step: int, last_good: int) -> None:
    """Rank 0 writes; under several processes the ranks first check that they hold one model,
    and all of them fail together when the write did."""
    dist.sync_buffers(model)
    dist.check_in_sync(model)
    failure = None
    if dist.is_main():
        try:
            ckpt.save_checkpoint(out, model, step)
        except OSError as exc:
            failure = exc
    if dist.any_rank(failure is not None):
        why = (failure.strerror or failure) if failure is not None else "on rank 0"
        raise CheckpointFailed(f"Saving the checkpoint at step {step} failed ({why}); "
                               f"the previous checkpoint (step {last_good}) is kept") from failure


def lr_factor(progress: float, decay: float) -> float:
    """The pix2pix / CycleGAN schedule: lr stays at its value for the first ``1 - decay`` of the
    run, then falls linearly so that it reaches 0 at its end. ``progress`` is the fraction of the
    run done (steps, or time when the run has a time budget). ``decay`` 0: always 1."""
    if decay <= 0:
        return 1.0
    return min(1.0, max(0.0, (1.0 - progress) / decay))


def run_progress(step: int, total: int, elapsed_s: float = 0.0, budget_s: float = 0.0) -> float:
    """How far a run is, 0-1: its steps out of ``total``, or its time out of ``budget_s`` when it
    has one (``--minutes``) and that is further along."""
    done = step / total if total > 0 else 0.0
    return max(done, elapsed_s / budget_s) if budget_s > 0 else done


def apply_lr_schedule(model: GenerativeModel, progress: float) -> None:
    """Set every optimizer's lr for the next step: its initial lr times ``lr_factor``.
    The initial lr is kept in the param group (``initial_lr``, as torch's schedulers do), so it is
    saved with the optimizer state and a resumed run goes on from the same schedule."""
    decay = model.config.lr_decay  # validated when the model was built
    if decay <= 0:
        return
    factor = lr_factor(progress, decay)
    for opt in model.optimizers.values():
        for group in opt.param_groups:
            group["lr"] = group.setdefault("initial_lr", group["lr"]) * factor


PRECISIONS = ("fp32", "bf16", "auto")


def native_bf16(device: torch.device) -> bool:
    """Whether ``device`` computes in bf16 natively: a CUDA GPU that supports it, or a CPU with
    AVX512-BF16 or AMX (recent Xeons, AMD Zen 4 and later). Elsewhere bf16 is emulated and slower
    than fp32."""
    if device.type == "cuda":
        return torch.cuda.is_bf16_supported()
    if device.type == "cpu":
        probes = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
        return any(getattr(torch.cpu, name, lambda: False)() for name in probes)
    return False


def resolve_precision(precision: str, device: torch.device, model: GenerativeModel | None = None) -> str:
    """``auto``: bf16 where ``device`` runs it natively and the model is big enough to gain from it
    (``bf16_pays``), else fp32. The app's live runs use it: where bf16 is native a dcgan step is
    about twice as fast (``python bench/train_throughput.py --precision bf16``)."""
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)} (got {precision!r}).")
    if precision == "auto":
        pays = model is None or type(model).bf16_pays
        return "bf16" if pays and native_bf16(device) else "fp32"
    return precision


def precision_warning(precision: str, device_name: str) -> str | None:
    """A warning when bf16 is asked for where it would be emulated: on such a CPU a bf16 step is
    many times slower than fp32 (a dcgan step at batch 64 on one thread of an AVX2-only CPU: 5.5 s
    instead of 0.3 s). None when the choice is fine. ``auto`` never warns: it picks fp32 there."""
    if precision != "bf16":
        return None
    try:
        device = resolve_device(device_name)
    except ValueError:
        return None  # the run itself reports a bad device
    if native_bf16(device):
        return None
    where = "this CPU has no native bf16 (AVX512-BF16 or AMX)" if device.type == "cpu" else "this GPU has no bf16 support"
    return (f"warning: --precision bf16, but {where}: bf16 is emulated and each step will be many times "
            f"slower than in fp32. Use --precision auto (or fp32).")


def prepare_for_device(model: GenerativeModel, cfg: TrainConfig, device: torch.device) -> None:
    """What makes a step fast on ``device``, from the run's settings.

    * CUDA: cuDNN picks its fastest convolution algorithms for the (fixed) batch shapes, and
      float32 matrix products may use TF32 tensor cores.
    * ``cfg.compile``: each network is compiled in place (``nn.Module.compile``: the same
      parameters and state-dict keys, so checkpoints are unchanged) before the first step.
    The data is already on ``device`` (``BatchStream``), so no step waits for a copy.
    """
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    if cfg.compile:
        # A gradient penalty (WGAN-GP, R1) differentiates D twice, which compiled modules cannot.
        penalised = model.penalised_networks()
        for net in model.children():
            if any(p.requires_grad for p in net.parameters()) and not any(net is q for q in penalised):
                net.compile()


def defers_stats(device: torch.device) -> bool:
    """Whether a run on ``device`` reads its steps' statistics only at the steps it logs: on a GPU
    each read waits for the device, on the CPU there is nothing to overlap."""
    return device.type == "cuda"


def autocast(cfg: TrainConfig, device: torch.device):
    """bf16 autocast for ``precision="bf16"`` (no loss scaling needed: bf16 has fp32's range);
    the weights, optimizer state and checkpoints stay fp32."""
    return torch.autocast(device.type, dtype=torch.bfloat16, enabled=cfg.precision == "bf16")


def resolve_device(name: str = "auto") -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise ValueError("--device cuda was asked for, but no CUDA GPU is available here; use --device cpu or auto.")
    if name not in ("cpu", "cuda"):
        raise ValueError(f"Unknown device {name!r}; use auto, cpu or cuda.")
    return torch.device(name)


def dataset_for(model: GenerativeModel, split: str = "train") -> Dataset:
    c = model.config
    size = c.image_size if c.dataset in ("edges2shoes", "horse2zebra") else None
    return load_dataset(c.dataset, split, image_size=size)


def save_sample(model: GenerativeModel, fixed: dict[str, torch.Tensor], folder: Path, step: int) -> Path:
    images, nrow = model.preview(fixed)
    scale = 1 if images.shape[-1] >= 64 else 2
    path = Path(folder) / ckpt.SAMPLES_DIR / f"step_{step:07d}.png"
    ckpt.atomic_write_bytes(path, png_bytes(grid_image(images, nrow, scale=scale)))
    return path


def _cpu_threads(device: torch.device, governor: ThreadGovernor | None) -> dict[str, int]:
    """What a step record says of the CPU threads: the count the run settled on (not a passing
    try) and, where it adapts them, of how many; nothing off the CPU."""
    if device.type != "cpu":
        return {}
    if governor is None:
        return {"threads": torch.get_num_threads()}
    return {"threads": governor.threads, "max_threads": governor.max_threads}


def train(
    model: GenerativeModel,
    cfg: TrainConfig,
    out_dir: str | Path,
    *,
    start_step: int = 0,                               # resume: the step the checkpoint reached
    dataset: Dataset | None = None,                    # default: the model's own dataset
    on_event: Callable[[Event], None] | None = None,   # progress (CLI bar, app live view)
    should_stop: Callable[[], bool] | None = None,     # the Stop button / Ctrl-C
    threads: ThreadGovernor | None = None,             # CPU: adapt the thread count to a shared CPU
) -> Event:
    """Train ``model`` until ``cfg.steps`` (total, counting from 0), stop, or failure.

    Returns the ``end`` event. A failed step never overwrites the last good checkpoint.
    """
    emit = on_event or (lambda e: None)
    stop = should_stop or (lambda: False)
    out = Path(out_dir)
    step = start_step
    last_good_step = start_step
    try:
        device = resolve_device(cfg.device)
        cfg = cfg.replace(precision=resolve_precision(cfg.precision, device, model))  # the config records what ran
        model.to(device)
        model.setup_training()
        dist.join_model(model, cfg.seed + start_step)  # one model on every rank; gradients averaged
        prepare_for_device(model, cfg, device)
        for opt in model.optimizers.values():  # state restored on the CPU follows the weights
            for st in opt.state.values():
                for k, v in st.items():
                    if torch.is_tensor(v) and v.device != device and k != "step":
                        st[k] = v.to(device)
        main = dist.is_main()  # the process that writes the run's files
        if main:
            ckpt.write_run_config(out, model, cfg)
        ds = dataset or dataset_for(model)
        # A resumed run draws a fresh order (seed + step) rather than replaying the first epoch.
        stream = BatchStream(ds, cfg.batch_size, seed=cfg.seed * 1_000_003 + start_step, device=device,
                             rank=dist.rank(), world=dist.world_size())
        fixed = {k: v.to(device) for k, v in ds.fixed_batch(64).items()}
        window_t, window_n = time.perf_counter(), 0
        ips = 0.0
        governor = threads if threads is not None and device.type == "cpu" and threads.adapting else None
        if governor is not None:
            use_threads(governor.threads)
        if start_step == 0 and main:
            emit({"type": "sample", "step": 0, "path": str(save_sample(model, fixed, out, 0)), "metrics": {}})
        budget_s = 60.0 * max(0.0, float(cfg.minutes or 0.0))  # this invocation's wall time, if any
        # On a GPU a step's statistics are read (a wait for the device) only at the steps that log,
        # sample or checkpoint; every other step is queued while the device still runs the last.
        deferred = model.defer_stats = defers_stats(device)
        t0 = time.perf_counter()
        final = False
        while step < cfg.steps and not final:
            if dist.any_rank(stop()):
                _checkpoint(out, model, step, last_good_step)
                end = {"type": "end", "status": "stopped", "step": step, "reason": "stopped on request"}
                emit(end)
                return end
            step_t = time.perf_counter()
            batch = next(stream)
            apply_lr_schedule(model, run_progress(step, cfg.steps, time.perf_counter() - t0, budget_s))
            with autocast(cfg, device):
                losses = model.train_step(batch)
            if governor is not None:  # the count for the next step (this thread's own setting)
                use_threads(governor.observe(time.perf_counter() - step_t))
            step += 1
            window_n += next(iter(batch.values())).size(0) * dist.world_size()
            now = time.perf_counter()
            final = step == cfg.steps or dist.any_rank(budget_s > 0 and now - t0 >= budget_s)
            if deferred and not (final or step % cfg.log_every == 0 or step % cfg.sample_every == 0
                                 or step % cfg.checkpoint_every == 0):
                continue  # on a GPU: queue the next step without waiting for this one's statistics
            losses = stats_to_floats(losses)
            bad = [k for k, v in losses.items() if not math.isfinite(v)]
            if dist.any_rank(bool(bad)) and not bad:
                raise TrainingDiverged(f"a loss became NaN or infinite on another process at step {step} "
                                       f"(try a lower learning rate)")
            if bad:
                raise TrainingDiverged(f"the loss {', '.join(bad)} became {losses[bad[0]]} at step {step} "
                                       f"(try a lower learning rate)")
            if now - window_t >= 1.0 or final:
                ips = window_n / max(now - window_t, 1e-9)
                window_t, window_n = now, 0
            cpu = _cpu_threads(device, governor)
            emit({"type": "step", "step": step, "losses": losses, "images_per_s": ips, **cpu})
            if (step % cfg.log_every == 0 or final) and main:
                ckpt.append_jsonl(out / ckpt.METRICS_NAME, {"step": step, "time": time.time(),
                                                            "images_per_s": round(ips, 1), **cpu, **losses})
            if (step % cfg.sample_every == 0 or final) and dist.active():
                dist.sync_buffers(model)  # the grid samples one model: the ranks' running statistics averaged
            if (step % cfg.sample_every == 0 or final) and main:
                report = live_report(model)
                metrics, shares = report["metrics"], report["class_shares"]
                path = save_sample(model, fixed, out, step)
                if metrics:
                    ckpt.append_jsonl(out / ckpt.METRICS_NAME, {"step": step, "time": time.time(), **metrics,
                                                                **({"class_shares": shares} if shares else {})})
                emit({"type": "sample", "step": step, "path": str(path), "metrics": metrics,
                      "class_shares": shares})
            if step % cfg.checkpoint_every == 0 or final:
                _checkpoint(out, model, step, last_good_step)
                last_good_step = step
                emit({"type": "checkpoint", "step": step, "path": str(out)})
        dist.dump_weights(model)
        end = {"type": "end", "status": "finished", "step": step,
               "reason": "" if step >= cfg.steps else f"the time budget ({cfg.minutes:g} min) was spent"}
    except Exception as exc:  # a failed run must not take the process (or other runs) down
        if isinstance(exc, TrainingDiverged):
            reason = f"Training diverged: {exc}"
        elif isinstance(exc, (CheckpointFailed, dist.PeerLost)):
            reason = str(exc)
        else:
            reason = f"{type(exc).__name__}: {exc}"
        end = {"type": "end", "status": "failed", "step": step, "reason": reason,
               "last_checkpoint_step": last_good_step}
    emit(end)
    return end
