"""Background training runs and the process-wide registry that owns them.

A run is one thread calling :func:`genapp.trainer.train`. The registry starts runs, queues them
beyond a per-device limit (default one at a time), stops them, and answers status questions from
any thread (the app's timers poll it; several visitors can watch the same run). Run folders are
``<root>/<NNNNN>-<family>-<dataset>/`` (StyleGAN3 style); the folder name is the run id.

``RunRegistry.changes`` is a counter that moves whenever a run is added or changes status, so an
open page can poll one integer and re-read the runs only when something happened.

The runs of a race (``start_race``) take turns, one step each, each drawing its random numbers
from a stream of its own (``_Lockstep``): the same race goes the same way every time, and an
optional pace spreads its steps over a lecture's minutes without changing where it ends.
"""
from __future__ import annotations

import json
import os
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from . import checkpoints as ckpt
from .config import TrainConfig, env_int
from .data import CLASS_NAMES
from .models import build_model, model_from_config
from .threads import lower_priority, train_governor, train_threads, use_threads
from .trainer import resolve_device, resolve_precision, train

STATUS_NAME = "status.json"
ACTIVE = ("queued", "running")


class RegistryBusy(RuntimeError):
    """Too many runs are waiting; try again later."""


# Limits for public deployments (a Space); generous defaults for a lecturer's laptop.
def limits() -> dict[str, int]:
    return {"max_steps": env_int("GENAPP_MAX_STEPS", 100_000), "max_batch": env_int("GENAPP_MAX_BATCH", 512)}


def check_settings(steps, batch_size, lr, seed) -> tuple[int, int, float | None, int]:
    """Validate the numbers a visitor typed, with messages that say the allowed range."""
    lim = limits()

    def as_int(v, name, lo, hi):
        try:
            f = float(v)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be a whole number, not {v!r}.") from None
        if not f.is_integer():
            raise ValueError(f"{name} must be a whole number, not {v!r}.")
        if not lo <= f <= hi:
            raise ValueError(f"{name} must be between {lo} and {hi:,}, not {int(f):,}.")
        return int(f)
    steps = as_int(steps, "Steps", 1, lim["max_steps"])
    batch_size = as_int(batch_size, "Batch size", 1, lim["max_batch"])
    seed = as_int(seed, "Seed", 0, 2**31 - 1)
    if lr is not None and lr != "":
        try:
            lr = float(lr)
        except (TypeError, ValueError):
            raise ValueError(f"The learning rate must be a number like 0.0002, not {lr!r}.") from None
        if not (lr > 0 and lr <= 1.0) or lr != lr:
            raise ValueError(f"The learning rate must be above 0 and at most 1 (e.g. 0.0002), not {lr}.")
    else:
        lr = None
    return steps, batch_size, lr, seed


def runs_root() -> Path:
    return Path(os.environ.get("GENAPP_RUNS_DIR", "runs")).expanduser()


@dataclass
class Run:
    id: str
    folder: Path
    family: str
    dataset: str
    train_cfg: TrainConfig
    status: str = "queued"
    step: int = 0
    start_step: int = 0
    reason: str = ""
    created: float = field(default_factory=time.time)
    started: float | None = None
    ended: float | None = None
    images_per_s: float = 0.0
    threads: int | None = None      # CPU threads the run trains on now (None: not on the CPU)
    max_threads: int | None = None  # ... of how many, where it adapts them (ThreadGovernor)
    losses: deque = field(default_factory=lambda: deque(maxlen=2000))   # (step, {name: value}), recent
    loss_history: list = field(default_factory=list)                    # thinned whole-run history
    samples: list = field(default_factory=list)                         # (step, path)
    metrics: dict = field(default_factory=dict)
    metrics_history: list = field(default_factory=list)                 # (step, {name: value})
    class_shares: list | None = None                                    # judge's class shares, latest grid
    stop_event: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    model: Any = None
    rng_state: torch.Tensor | None = None       # a race run's own random stream (CPU), see _Lockstep
    cuda_rng_state: torch.Tensor | None = None  # ... and on a GPU

    @property
    def total_steps(self) -> int:
        return self.train_cfg.steps

    def eta_s(self) -> float | None:
        if self.status != "running" or self.images_per_s <= 0:
            return None
        return (self.total_steps - self.step) * self.train_cfg.batch_size / self.images_per_s

    def latest_sample(self) -> str | None:
        with self.lock:
            return self.samples[-1][1] if self.samples else None

    def named_class_shares(self) -> dict[str, float] | None:
        """``{class name: share}`` of the latest sample grid's 1,000 judged samples (None: no judge)."""
        names = CLASS_NAMES.get(self.dataset, [])
        if not self.class_shares or len(self.class_shares) != len(names):
            return None
        return dict(zip(names, self.class_shares))

    def snapshot(self, n_losses: int = 200) -> dict[str, Any]:
        """A JSON-safe view of the run (what ``/train_status`` returns)."""
        with self.lock:
            recent = list(self.losses)[-n_losses:] if n_losses > 0 else list(self.losses)
            return {
                "run_id": self.id, "family": self.family, "dataset": self.dataset, "status": self.status,
                "step": self.step, "total_steps": self.total_steps, "reason": self.reason,
                "images_per_s": round(self.images_per_s, 1), "threads": self.threads,
                "max_threads": self.max_threads,
                "eta_s": None if self.eta_s() is None else round(self.eta_s(), 1),
                "elapsed_s": round((self.ended or time.time()) - self.started, 1) if self.started else 0.0,
                "batch_size": self.train_cfg.batch_size, "seed": self.train_cfg.seed,
                "precision": self.train_cfg.precision,
                "lr": self.train_cfg.extra.get("lr"),
                "losses": [{"step": s, **v} for s, v in recent],
                "metrics": dict(self.metrics),
                "class_shares": self.named_class_shares(),
                "samples": len(self.samples),
            }

    def write_status(self) -> None:
        ckpt.atomic_write_text(self.folder / STATUS_NAME, json.dumps(
            {"status": self.status, "step": self.step, "reason": self.reason,
             "family": self.family, "dataset": self.dataset, "total_steps": self.total_steps}))


class RunRegistry:
    """Thread-safe owner of every run in this process."""

    def __init__(self, root: str | Path | None = None, max_concurrent: int | None = None, max_queue: int | None = None):
        self.root = Path(root) if root is not None else runs_root()
        self.max_concurrent = max_concurrent or env_int("GENAPP_MAX_RUNS", 1)
        self.max_queue = max_queue if max_queue is not None else int(os.environ.get("GENAPP_MAX_QUEUE", "8"))
        self._runs: dict[str, Run] = {}
        self._lock = threading.RLock()
        self._slots: dict[str, threading.Semaphore] = {}
        self._changes = 0
        self._load_existing()

    @property
    def changes(self) -> int:
        """Grows by one whenever a run is added or changes status (queued, running, over). Reading
        it is all an idle page's poll costs (``genapp.ui.follow``)."""
        return self._changes

    def _changed(self) -> None:
        with self._lock:
            self._changes += 1

    # ---------------------------------------------------------------- starting
    def _next_id(self, family: str, dataset: str) -> str:
        self.root.mkdir(parents=True, exist_ok=True)
        nums = [int(m.group(1)) for p in self.root.iterdir() if (m := re.match(r"^(\d{5})-", p.name))]
        n = max(nums, default=-1) + 1
        return f"{n:05d}-{family}-{dataset}"

    def start(self, family: str, dataset: str | None = None, *, steps: int = 1000, batch_size: int = 64,
              lr: float | None = None, seed: int = 0, device: str = "auto", sample_every: int | None = None,
              checkpoint_every: int | None = None, log_every: int = 10, command: str = "",
              overrides: dict[str, Any] | None = None, precision: str = "auto") -> Run:
        """Build the model now (so bad settings fail here, with a message) and queue its thread.

        ``precision`` "auto": live runs train in bf16 where the machine computes it natively
        (``genapp.trainer.resolve_precision``), which is what makes the live view fast."""
        run = self._prepare(family, dataset, steps=steps, batch_size=batch_size, lr=lr, seed=seed, device=device,
                            sample_every=sample_every, checkpoint_every=checkpoint_every, log_every=log_every,
                            command=command, overrides=overrides, precision=precision)
        self._launch(run)
        return run

    def _prepare(self, family: str, dataset: str | None, *, steps: int, batch_size: int, lr: float | None,
                 seed: int, device: str, sample_every: int | None, checkpoint_every: int | None, log_every: int,
                 command: str, overrides: dict[str, Any] | None, precision: str = "auto") -> Run:
        """Validate, build the model from ``seed`` and create the run folder (no thread yet)."""
        steps, batch_size, lr, seed = check_settings(steps, batch_size, lr, seed)
        with self._lock:
            waiting = sum(1 for r in self._runs.values() if r.status == "queued")
            if waiting >= self.max_queue:
                raise RegistryBusy(f"The training queue is full ({waiting} runs waiting); try again when one finishes.")
        with _seed_lock:
            torch.manual_seed(seed)  # the same seed gives the same initial weights
            model = build_model(family, dataset, lr=lr, **(overrides or {}))
            rng_state = torch.get_rng_state()  # ... and, in a race, the same random numbers (_Lockstep)
        dataset = model.config.dataset
        try:
            here = resolve_device(device)
        except ValueError:
            here = None  # a device that is not here: the run fails with the message when it starts
        if here is not None:  # "auto" is settled now, so the config and the live view say what the run trains with
            precision = resolve_precision(precision, here, model)
        cfg = TrainConfig(steps=int(steps), batch_size=int(batch_size), seed=int(seed), device=device, precision=precision,
                          sample_every=sample_every or max(1, min(100, steps // 20 or 1)),
                          checkpoint_every=checkpoint_every or max(1, min(500, steps)),
                          log_every=log_every, command=command, extra={"lr": model.config.lr})
        with self._lock:
            run_id = self._next_id(family, dataset)
            folder = self.root / run_id
            folder.mkdir(parents=True)
            run = Run(run_id, folder, family, dataset, cfg, model=model, rng_state=rng_state)
            self._write_config(run)
            run.write_status()
            self._runs[run_id] = run
        self._changed()
        return run

    def resume(self, run_id: str, steps: int | None = None, device: str = "auto") -> Run:
        """Continue a stopped / failed / interrupted run in its own folder from its last checkpoint."""
        folder = ckpt.safe_child(self.root, run_id)
        with self._lock:
            old = self._runs.get(run_id)
            if old and old.status in ACTIVE:
                raise ValueError(f"Run {run_id} is still {old.status}.")
        config = json.loads((folder / ckpt.CONFIG_NAME).read_text())
        model = model_from_config(config)
        start_step = ckpt.load_checkpoint(folder, model)
        cfg = TrainConfig.from_dict(config.get("train", {}))
        cfg = cfg.replace(steps=int(steps) if steps else max(cfg.steps, start_step), device=device)
        run = Run(run_id, folder, model.family, model.config.dataset, cfg, step=start_step,
                  start_step=start_step, model=model)
        run.samples = sorted((int(p.stem.split("_")[1]), str(p)) for p in (folder / ckpt.SAMPLES_DIR).glob("step_*.png"))
        with self._lock:
            self._runs[run_id] = run
        self._changed()
        run.write_status()
        self._launch(run)
        return run

    def _write_config(self, run: Run) -> None:
        ckpt.write_run_config(run.folder, run.model, run.train_cfg)

    def _slot(self, device: str) -> threading.Semaphore:
        key = str(resolve_device(device)) if device in ("auto", "cpu", "cuda") else device
        with self._lock:
            if key not in self._slots:
                self._slots[key] = threading.Semaphore(self.max_concurrent)
            return self._slots[key]

    def _launch(self, run: Run, slot=None, cpu_threads: int | None = None, lockstep: _Lockstep | None = None) -> None:
        try:
            slot = slot or self._slot(run.train_cfg.device)
        except ValueError as exc:
            self._finish(run, {"status": "failed", "step": run.step, "reason": str(exc)})
            return
        run.thread = threading.Thread(target=self._work, args=(run, slot, cpu_threads, lockstep),
                                      name=f"run-{run.id}", daemon=True)
        run.thread.start()

    def _work(self, run: Run, slot, cpu_threads: int | None = None, lockstep: _Lockstep | None = None) -> None:
        try:
            self._work_in_slot(run, slot, cpu_threads, lockstep)
        finally:
            if lockstep is not None:
                lockstep.leave(run)  # however it ended, the others of its race go on without it

    def _work_in_slot(self, run: Run, slot, cpu_threads: int | None, lockstep: _Lockstep | None) -> None:
        # The thread count is per calling thread: this run only (see genapp/threads.py).
        # A race pins its runs' counts; a lone run starts on all the cores and adapts when something
        # else (a browser showing it) takes one (threads.ThreadGovernor), unless the count is pinned.
        governor = None if cpu_threads else train_governor()
        use_threads(cpu_threads or train_threads())
        lower_priority()  # serving comes first when both want the CPU (genapp/threads.py)
        with slot:  # wait for a free slot on this device (the queue)
            if run.stop_event.is_set():
                self._finish(run, {"status": "stopped", "step": run.step, "reason": "stopped before it started"})
                return
            with run.lock:
                run.status, run.started = "running", time.time()
            self._changed()
            run.write_status()
            if lockstep is not None:
                lockstep.join(run)
            try:
                end = train(run.model, run.train_cfg, run.folder, start_step=run.start_step,
                            on_event=lambda e: self._on_event(run, e), should_stop=run.stop_event.is_set,
                            threads=governor)
            finally:
                if lockstep is not None:
                    lockstep.release(run)
            self._finish(run, end)

    def _on_event(self, run: Run, e: dict[str, Any]) -> None:
        with run.lock:
            t = e["type"]
            if t == "step":
                run.step = e["step"]
                run.images_per_s = e["images_per_s"]
                run.threads, run.max_threads = e.get("threads"), e.get("max_threads")
                run.losses.append((e["step"], e["losses"]))
                _thin_append(run.loss_history, (e["step"], e["losses"]))
            elif t == "sample":
                run.samples.append((e["step"], e["path"]))
                if e.get("metrics"):
                    run.metrics = dict(e["metrics"])
                    run.metrics_history.append((e["step"], dict(e["metrics"])))
                if e.get("class_shares"):
                    run.class_shares = list(e["class_shares"])

    def _finish(self, run: Run, end: dict[str, Any]) -> None:
        with run.lock:
            run.status, run.reason = end["status"], end.get("reason", "")
            run.step = end.get("step", run.step)
            run.ended = time.time()
        self._changed()
        try:
            run.write_status()
        except OSError:
            pass
        run.model = run.model.cpu() if run.model is not None else None

    # ---------------------------------------------------------------- races (the app's side-by-side presets)
    def start_race(self, specs: list[dict[str, Any]], *, min_seconds: float = 0.0) -> list[Run]:
        """Start runs that must train *at the same time*, e.g. a plain GAN against WGAN-GP.

        ``specs`` are keyword arguments of :meth:`start`, one dict per run. Every model is built
        before any thread starts, so a bad setting starts nothing. The runs of a race share one
        slot of their device: they count as one against the per-device limit (``GENAPP_MAX_RUNS``),
        queue together and start together, so neither waits for the other to finish. On the CPU
        each trains with one intra-op thread.

        They take turns, one step each, each with its own random stream (``_Lockstep``): the same
        specs give the same race, step for step, and both sides are always at the same step.
        ``min_seconds`` (the lecture pace): the steps are spread over at least that long -- the
        same steps and the same end state, only slower, so a lecturer can talk over it.
        """
        if not specs:
            raise ValueError("A race needs at least one run.")
        devices = {spec.get("device", "auto") for spec in specs}
        if len(devices) != 1:
            raise ValueError("The runs of a race must train on the same device.")
        defaults = {"steps": 1000, "batch_size": 64, "lr": None, "seed": 0, "device": "auto", "sample_every": None,
                    "checkpoint_every": None, "log_every": 10, "command": "", "overrides": None}
        runs: list[Run] = []
        try:
            for spec in specs:
                spec = {**defaults, **spec}
                runs.append(self._prepare(spec.pop("family"), spec.pop("dataset", None), **spec))
        except Exception:
            for run in runs:  # never leave half a race queued forever
                self._finish(run, {"status": "failed", "step": 0,
                                   "reason": "another run of its race could not start"})
            raise
        try:
            device = self._slot(runs[0].train_cfg.device)
            slot, threads = _SharedSlot(device, len(runs)), None
            if resolve_device(runs[0].train_cfg.device).type == "cpu":
                threads = 1
        except ValueError:
            slot, threads = None, None  # _launch fails each run with the message
        lockstep = _Lockstep(runs, min_seconds=min_seconds)
        for run in runs:
            self._launch(run, slot=slot, cpu_threads=threads, lockstep=lockstep)
        return runs

    # ---------------------------------------------------------------- queries and control
    def get(self, run_id: str) -> Run:
        with self._lock:
            run = self._runs.get(run_id)
        if run is None:
            raise KeyError(f"No run called {run_id!r}. Start one, or pick one from the runs list.")
        return run

    def stop(self, run_id: str, timeout: float | None = None) -> Run:
        run = self.get(run_id)
        run.stop_event.set()
        if timeout and run.thread is not None:
            run.thread.join(timeout)
        return run

    def list(self) -> list[Run]:
        with self._lock:
            return sorted(self._runs.values(), key=lambda r: r.id)

    def active(self) -> list[Run]:
        return [r for r in self.list() if r.status in ACTIVE]

    def stop_all(self, timeout: float = 30.0) -> None:
        for r in self.active():
            r.stop_event.set()
        for r in self.list():
            if r.thread is not None:
                r.thread.join(timeout)

    def _load_existing(self) -> None:
        """Runs left on disk by earlier processes: listed, loadable, resumable ("interrupted")."""
        if not self.root.exists():
            return
        for folder in sorted(self.root.iterdir()):
            try:
                st = json.loads((folder / STATUS_NAME).read_text())
                cfg = TrainConfig.from_dict(json.loads((folder / ckpt.CONFIG_NAME).read_text()).get("train", {}))
            except (OSError, ValueError):
                continue
            status = st.get("status", "failed")
            if status in ACTIVE:
                status, reason = "interrupted", "the process that ran it ended; resume to continue"
            else:
                reason = st.get("reason", "")
            run = Run(folder.name, folder, st.get("family", "?"), st.get("dataset", "?"), cfg,
                      status=status, step=int(st.get("step", 0)), reason=reason)
            run.samples = sorted((int(p.stem.split("_")[1]), str(p)) for p in (folder / ckpt.SAMPLES_DIR).glob("step_*.png"))
            for rec in ckpt.read_jsonl(folder / ckpt.METRICS_NAME):
                s = rec.pop("step", 0)
                rec.pop("time", None)
                if any(k.startswith("loss") for k in rec):
                    run.losses.append((s, rec))
                    _thin_append(run.loss_history, (s, rec))
                elif rec:  # a sample grid's metrics: the quality curve and class chart of a past run
                    shares = rec.pop("class_shares", None)
                    numbers = {k: v for k, v in rec.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
                    if numbers:
                        run.metrics = numbers
                        run.metrics_history.append((s, numbers))
                    if isinstance(shares, list):
                        run.class_shares = shares
            self._runs[folder.name] = run


class _SharedSlot:
    """One device slot held jointly by the runs of a race: the first to enter takes it (waiting
    while the device is busy) and the others go in with it; the last one out gives it back."""

    def __init__(self, slot: threading.Semaphore, n: int):
        self._slot, self._n = slot, n
        self._lock = threading.Lock()
        self._entered = self._left = 0

    def __enter__(self):
        with self._lock:  # the others wait here while the first waits for the device
            if self._entered == 0:
                self._slot.acquire()
            self._entered += 1
        return self

    def __exit__(self, *exc) -> None:
        with self._lock:
            self._left += 1
            if self._left == self._n:
                self._slot.release()


class _Lockstep:
    """The runs of a race take turns, one training step each, and each draws its random numbers
    (z, dropout masks, the gradient penalty's mixing weights) from a stream of its own.

    Why: torch has one global random generator. Two runs training in two threads drew from it in
    whatever order the threads happened to run, so the same preset, seed and settings gave 0 vs 8
    modes once and 1 vs 6 the next time. Here a run's step runs only on its turn, with the global
    CPU generator set to the run's own state (saved after its model was built, ``Run.rng_state``)
    and put back after, so what a run draws no longer depends on the other run, or on anything else
    in the process drawing between its steps. The two runs no longer compute at the very same
    instant; on this project's busy 2-core CPU (each run pinned to one thread either way) the
    mode-collapse race took no longer for it (106 s against 133 s before, same load). Taking turns
    also keeps both sides at the same step, so the race view compares like with like.

    ``min_seconds``: step k of a run of n steps starts no earlier than k/n of it after the first
    step, which spreads the same steps over a lecture's pace. A stopped run's wait ends at once.
    Same machine and PyTorch, same result; another CPU can round floating point differently.
    """

    def __init__(self, runs: list[Run], min_seconds: float = 0.0):
        self._order = [r.id for r in runs]  # whose turn it is: self._order[self._turn]
        self._turn = 0
        self._cond = threading.Condition()
        self._min_seconds = max(0.0, float(min_seconds or 0.0))
        self._t0: float | None = None
        self._steps: dict[str, int] = {}

    def join(self, run: Run) -> None:
        """Route ``run.model.train_step`` through the turns (an instance attribute, removed by
        :meth:`release`)."""
        inner = run.model.train_step
        self._steps[run.id] = 0

        def train_step(batch):
            return self._take_turn(run, inner, batch)

        run.model.train_step = train_step

    def release(self, run: Run) -> None:
        model = run.model
        if model is not None and "train_step" in vars(model):
            del model.train_step
        self.leave(run)

    def leave(self, run: Run) -> None:
        """``run`` is over (or never started): the others stop waiting for it."""
        with self._cond:
            if run.id in self._order:
                i = self._order.index(run.id)
                self._order.pop(i)
                if i < self._turn:
                    self._turn -= 1
                if self._turn >= len(self._order):
                    self._turn = 0
                self._cond.notify_all()

    def _pace(self, run: Run) -> None:
        if self._min_seconds <= 0:
            return
        now = time.monotonic()
        if self._t0 is None:
            self._t0 = now
        todo = max(1, run.total_steps - run.start_step)
        due = self._t0 + self._min_seconds * self._steps[run.id] / todo
        if due > now:
            run.stop_event.wait(due - now)

    def _take_turn(self, run: Run, step_fn, batch):
        with self._cond:
            self._cond.wait_for(lambda: run.id not in self._order or self._order[self._turn] == run.id)
            self._pace(run)
            cuda = run.model.device if run.model.device.type == "cuda" else None
            saved = torch.get_rng_state()
            saved_cuda = torch.cuda.get_rng_state(cuda) if cuda is not None else None
            try:
                if run.rng_state is not None:
                    torch.set_rng_state(run.rng_state)
                if cuda is not None:
                    if run.cuda_rng_state is None:
                        with torch.cuda.device(cuda):
                            torch.cuda.manual_seed(run.train_cfg.seed)
                    else:
                        torch.cuda.set_rng_state(run.cuda_rng_state, cuda)
                return step_fn(batch)
            finally:
                run.rng_state = torch.get_rng_state()
                torch.set_rng_state(saved)
                if cuda is not None:
                    run.cuda_rng_state = torch.cuda.get_rng_state(cuda)
                    torch.cuda.set_rng_state(saved_cuda, cuda)
                self._steps[run.id] += 1
                if run.id in self._order:
                    self._turn = (self._order.index(run.id) + 1) % len(self._order)
                self._cond.notify_all()


HISTORY_POINTS = 1000


def _thin_append(history: list, item) -> None:
    """Keep at most HISTORY_POINTS points over the whole run: when full, drop every other one
    and keep only steps on the (doubled) stride from then on. The curve stays whole, coarser."""
    stride = history[1][0] - history[0][0] if len(history) > 1 else 1
    if history and item[0] - history[-1][0] < stride:
        return
    history.append(item)
    if len(history) > HISTORY_POINTS:
        del history[1::2]


_seed_lock = threading.Lock()
_REGISTRY: RunRegistry | None = None
_REGISTRY_LOCK = threading.Lock()


def reset_registry(root: str | Path | None = None, **kwargs) -> RunRegistry:
    """Replace the process-wide registry (tests, or an app pointed at another runs folder)."""
    global _REGISTRY
    with _REGISTRY_LOCK:
        if _REGISTRY is not None:
            _REGISTRY.stop_all(timeout=30)
        _REGISTRY = RunRegistry(root, **kwargs)
        return _REGISTRY


def registry() -> RunRegistry:
    """The process-wide registry (created on first use)."""
    global _REGISTRY
    with _REGISTRY_LOCK:
        if _REGISTRY is None:
            _REGISTRY = RunRegistry()
        return _REGISTRY
