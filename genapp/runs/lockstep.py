"""The runs of a race train side by side: they share one device slot (:class:`SharedSlot`) and
take turns, one step each, each with a random stream of its own (:class:`Lockstep`), so the same
race goes the same way every time and both sides are always at the same step."""
from __future__ import annotations

import threading
import time

import torch

from .run import Run


class SharedSlot:
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


class Lockstep:
    """The runs of a race take turns, one training step each, and each draws its random numbers
    (z, dropout masks, the gradient penalty's mixing weights) from a stream of its own.

    Why: torch has one global random generator; two runs training in two threads would draw from
    it in whatever order the threads happened to run, and the same race would end differently each
    time. Here a run's step runs only on its turn, with the global CPU generator set to the run's
    own state (saved after its model was built, ``Run.rng_state``) and put back after, so what a run
    draws depends on nothing else in the process. Taking turns also keeps both sides at the same
    step, so the race view compares like with like.

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
