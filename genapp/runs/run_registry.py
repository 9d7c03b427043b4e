"""Background training runs and the process-wide registry that owns them.

A run is one thread calling :func:`genapp.trainer.train`. The registry starts runs, queues them
beyond a per-device limit (default one at a time), stops them, and answers status questions from
any thread (the app's timers poll it; several visitors can watch the same run). Run folders are
``<root>/<NNNNN>-<family>-<dataset>/`` (StyleGAN3 style); the folder name is the run id.

``RunRegistry.changes`` is a counter that moves whenever a run is added or changes status, so an
open page can poll one integer and re-read the runs only when something happened.

The runs of a race (``start_race``) take turns, one step each, each drawing its random numbers
from a stream of its own (``Lockstep``): the same race goes the same way every time, and an
optional pace spreads its steps over a lecture's minutes without changing where it ends.
"""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import torch

from .. import checkpoints as ckpt
from .. import settings
from ..config import TrainConfig
from ..models import model_from_config
from ..threads import lower_priority, train_governor, train_threads, use_threads
from ..trainer import resolve_device, resolve_precision, train
from .lockstep import Lockstep, SharedSlot
from .run import ACTIVE, STATUS_NAME, Run, _thin_append
from .spec import RunSpec, next_run_id, runs_root


class RegistryBusy(RuntimeError):
    """Too many runs are waiting; try again later."""


class RunRegistry:
    """Thread-safe owner of every run in this process."""

    def __init__(self, root: str | Path | None = None, max_concurrent: int | None = None, max_queue: int | None = None):
        self.root = Path(root) if root is not None else runs_root()
        self.max_concurrent = max_concurrent or settings.integer("GENAPP_MAX_RUNS", 1)
        self.max_queue = max_queue if max_queue is not None else settings.integer("GENAPP_MAX_QUEUE", 8, minimum=0)
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
    def start(self, family: str | RunSpec, dataset: str | None = None, **values: Any) -> Run:
        """Build the model now (so bad settings fail here, with a message) and queue its thread.

        Takes a :class:`RunSpec`, or its family, dataset and settings as keywords (a run started
        in the app: :meth:`RunSpec.in_app`)."""
        spec = family if isinstance(family, RunSpec) else RunSpec.in_app(family, dataset, **values)
        run = self._prepare(spec)
        self._launch(run)
        return run

    def _prepare(self, spec: RunSpec) -> Run:
        """Validate, build the model from the spec's seed and create the run folder (no thread yet)."""
        spec = spec.within_limits()
        with self._lock:
            waiting = sum(1 for r in self._runs.values() if r.status == "queued")
            if waiting >= self.max_queue:
                raise RegistryBusy(f"The training queue is full ({waiting} runs waiting); try again when one finishes.")
        with _seed_lock:
            model = spec.build()  # the same seed gives the same initial weights
            rng_state = torch.get_rng_state()  # ... and, in a race, the same random numbers (Lockstep)
        try:
            here = resolve_device(spec.device)
        except ValueError:
            here = None  # a device that is not here: the run fails with the message when it starts
        # "auto" is settled now, so the config and the live view say what the run trains with
        precision = resolve_precision(spec.precision, here, model) if here is not None else spec.precision
        cfg = spec.train_config(model, precision=precision)
        with self._lock:
            run_id = next_run_id(self.root, spec.family, model.config.dataset)
            folder = self.root / run_id
            folder.mkdir(parents=True)
            run = Run(run_id, folder, spec.family, model.config.dataset, cfg, model=model, rng_state=rng_state)
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

    def _launch(self, run: Run, slot=None, cpu_threads: int | None = None, lockstep: Lockstep | None = None) -> None:
        try:
            slot = slot or self._slot(run.train_cfg.device)
        except ValueError as exc:
            self._finish(run, {"status": "failed", "step": run.step, "reason": str(exc)})
            return
        run.thread = threading.Thread(target=self._work, args=(run, slot, cpu_threads, lockstep),
                                      name=f"run-{run.id}", daemon=True)
        run.thread.start()

    def _work(self, run: Run, slot, cpu_threads: int | None = None, lockstep: Lockstep | None = None) -> None:
        try:
            self._work_in_slot(run, slot, cpu_threads, lockstep)
        finally:
            if lockstep is not None:
                lockstep.leave(run)  # however it ended, the others of its race go on without it

    def _work_in_slot(self, run: Run, slot, cpu_threads: int | None, lockstep: Lockstep | None) -> None:
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
    def start_race(self, specs: list[RunSpec | dict[str, Any]], *, min_seconds: float = 0.0) -> list[Run]:
        """Start runs that must train *at the same time*, e.g. a plain GAN against WGAN-GP.

        ``specs``: one :class:`RunSpec` (or :meth:`start`'s keywords) per run. Every model is built
        before any thread starts, so a bad setting starts nothing. The runs of a race share one
        slot of their device: they count as one against the per-device limit (``GENAPP_MAX_RUNS``),
        queue together and start together, so neither waits for the other to finish. On the CPU
        each trains with one intra-op thread.

        They take turns, one step each, each with its own random stream (``Lockstep``): the same
        specs give the same race, step for step, and both sides are always at the same step.
        ``min_seconds`` (the lecture pace): the steps are spread over at least that long -- the
        same steps and the same end state, only slower, so a lecturer can talk over it.
        """
        if not specs:
            raise ValueError("A race needs at least one run.")
        specs = [spec if isinstance(spec, RunSpec) else RunSpec.in_app(**spec) for spec in specs]
        if len({spec.device for spec in specs}) != 1:
            raise ValueError("The runs of a race must train on the same device.")
        runs: list[Run] = []
        try:
            for spec in specs:
                runs.append(self._prepare(spec))
        except Exception:
            for run in runs:  # never leave half a race queued forever
                self._finish(run, {"status": "failed", "step": 0,
                                   "reason": "another run of its race could not start"})
            raise
        try:
            device = self._slot(runs[0].train_cfg.device)
            slot, threads = SharedSlot(device, len(runs)), None
            if resolve_device(runs[0].train_cfg.device).type == "cpu":
                threads = 1
        except ValueError:
            slot, threads = None, None  # _launch fails each run with the message
        lockstep = Lockstep(runs, min_seconds=min_seconds)
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
