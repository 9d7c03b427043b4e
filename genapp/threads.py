"""CPU thread budget: how many PyTorch intra-op threads a served request gets, and the priority
of a training run's thread.

PyTorch's default gives every thread that computes all the cores. On a 2-core lecture laptop or
Space that oversubscribes the CPU as soon as two visitors generate at once: two requests with 2
threads each on 2 cores, whose OpenMP threads spin while they wait for each other. So each
request gets its share of the cores (``cores // concurrency``: 1 on 2 cores).

A training run starts on all the cores (the lecture case: one person training, nobody else
asking, at full speed) but lowers its own thread's scheduling priority (Linux ``nice`` +10): when
visitors' requests need the CPU the kernel runs them first, and the run slows down for that
moment instead of every request waiting behind it (``bench/load.py``; a run given ``cores - 1``
threads instead measured the same under load and is slower alone). When something takes a core
for longer (the browser drawing the live view on the same laptop), the run measures its own steps
and moves to fewer threads while that lasts (:class:`ThreadGovernor`). The command line
(``python -m train``, normal priority) uses the same governor unless ``--threads N`` or
``OMP_NUM_THREADS`` pins its count.

PyTorch keeps the count per calling thread (a thread started later starts from the last value
set), so each training thread and each request sets its own before it computes.
``GENAPP_TRAIN_THREADS`` (a fixed count: the run does not adapt it), ``GENAPP_SERVE_THREADS`` and
``GENAPP_TRAIN_NICE`` (0: off) override the defaults.
"""
from __future__ import annotations

import logging
import os
import sys
import threading

import torch

from . import settings

log = logging.getLogger(__name__)

DEFAULT_CONCURRENCY = 2   # model calls served at once (app.py's queue), env GENAPP_CONCURRENCY


def cpu_cores() -> int:
    """Cores this process may run on (a container's CPU set, not the host's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def concurrency() -> int:
    return settings.integer("GENAPP_CONCURRENCY", DEFAULT_CONCURRENCY)


def train_threads() -> int:
    """Threads for an app training run: all the cores (its lower priority keeps serving first)."""
    return settings.integer("GENAPP_TRAIN_THREADS", cpu_cores())


def train_governor(pin_var: str = "GENAPP_TRAIN_THREADS") -> "ThreadGovernor | None":
    """The thread governor of a training run over all the cores; None where the environment
    variable ``pin_var`` pins the count (the app's ``GENAPP_TRAIN_THREADS``; the command line's
    ``OMP_NUM_THREADS``) or there is one core to use."""
    raw = os.environ.get(pin_var, "").strip()
    try:
        pinned = bool(raw) and int(raw) > 0
    except ValueError:  # not a number: the count falls back to all the cores, so adapt them
        pinned = False
    if pinned or cpu_cores() < 2:
        return None
    return ThreadGovernor(cpu_cores())


def serve_threads() -> int:
    """Threads for one served request: the cores split between the requests served at once."""
    return settings.integer("GENAPP_SERVE_THREADS", max(1, cpu_cores() // concurrency()))


def use_threads(n: int) -> None:
    """Set this thread's intra-op thread count (cheap when it is already ``n``)."""
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)


def lower_priority(increment: int | None = None) -> int | None:
    """Raise the calling thread's nice value by ``increment`` (default ``GENAPP_TRAIN_NICE``, 10).

    Linux only, where the nice value belongs to each thread (any thread may lower its own
    priority; it can never be raised back, so call it from a thread that ends with its job).
    Returns the new nice value, or None where nothing was changed.
    """
    if increment is None:
        increment = settings.integer("GENAPP_TRAIN_NICE", 10, minimum=0)
    if increment <= 0 or not sys.platform.startswith("linux"):
        return None
    tid = threading.get_native_id()
    try:
        new = min(19, os.getpriority(os.PRIO_PROCESS, tid) + increment)
        os.setpriority(os.PRIO_PROCESS, tid, new)
        return new
    except OSError as exc:  # a sandbox may forbid it: train at normal priority
        log.info("could not lower the training thread's priority: %s", exc)
        return None


class ThreadGovernor:
    """Picks a CPU training run's thread count from its own step times, while it trains.

    All the cores are fastest while the run has them to itself. When something else keeps a core
    busy, every step waits for the thread that lost its core, and more so as the run's thread
    has the lower priority: on 2 cores with one busy process beside it, 400 steps of the Train
    tab's dcgan took 529 s on 2 threads and 46 s on 1 (``bench/live_view_cost.py``). No count is
    right for both, so the run measures.

    The run times each training step (data, forward, backward, update; never a sample grid or a
    checkpoint) and calls :meth:`observe`, which returns the count for the next step. Steps are
    judged in windows (``min_steps`` steps and ``window_s`` seconds, or 3 steps of
    ``3 * window_s``) by their median. Now and then the run tries a neighbouring count (one
    thread fewer or more) for one window and moves there if its steps were faster by ``margin``.
    A try is abandoned as soon as two of its steps each took over 1.5x the settled count's median.
    The tries are spaced so that the ones that lose cost at most ``budget`` of the run's time (at
    least 4, 8, ... 32 s apart). Two windows in a row ``change`` slower or faster than the last
    one of the same count mean the machine changed (a browser opened or closed), and the run
    tries again soon: at once where tries are cheap, and never so often that tries cost more than
    a quarter of the budget more (noise in the step times cannot keep it trying).
    """

    def __init__(self, max_threads: int, *, window_s: float = 1.0, min_steps: int = 6, margin: float = 0.1,
                 change: float = 0.25, budget: float = 0.03, first_wait_s: float = 4.0, max_wait_s: float = 32.0):
        self.max_threads = max(1, int(max_threads))
        self.threads = self.max_threads
        self.window_s, self.min_steps = window_s, min_steps
        self.margin, self.change, self.budget = margin, change, budget
        self.first_wait_s, self.max_wait_s = first_wait_s, max_wait_s
        self.wait_s = first_wait_s           # the least time between tries, doubling while tries lose
        self.clock = 0.0                     # seconds of training steps observed
        self.next_try = 0.0                  # the first try comes after the first window
        self.reference: float | None = None  # median step of the settled count's last window
        self.trying: int | None = None       # the count under trial, if any
        self.direction = -1                  # which neighbour the next try takes
        self.switches: list[tuple[int, int]] = []  # (step number, new count): what happened
        self._times: list[float] = []
        self._skip = 0
        self._steps = 0
        self._try_cost, self._try_steps0 = 0.0, 0  # seconds spent on the current try, its first step
        self._last_extra = 0.0                     # what the last losing try cost over staying put
        self._change = 0                           # +1 / -1: the last window was that much slower / faster

    @property
    def adapting(self) -> bool:
        return self.max_threads > 1

    def observe(self, seconds: float) -> int:
        """One training step took ``seconds``: the thread count for the next step."""
        self._steps += 1
        self.clock += seconds
        if not self.adapting:
            return self.threads
        if self._skip:  # the first step on a new count builds its thread team: not a fair sample
            self._skip -= 1
            self._try_cost += seconds
            return self._count()
        self._times.append(seconds)
        if self.trying is not None:
            self._try_cost += seconds
            if len(self._times) >= 2 and min(self._times) > 1.5 * self.reference:
                self._end_try(lost=True)  # plainly slower: no need for a whole window
                return self._count()
        n, total = len(self._times), sum(self._times)
        if not ((n >= self.min_steps and total >= self.window_s) or (n >= 3 and total >= 3 * self.window_s)):
            return self._count()
        median = sorted(self._times)[n // 2]
        if self.trying is not None:
            self._end_try(lost=not median < self.reference * (1 - self.margin), median=median)
        else:
            self._settled_window(median)
        return self._count()

    def _count(self) -> int:
        return self.trying if self.trying is not None else self.threads

    def _settled_window(self, median: float) -> None:
        self._times = []
        if self.reference is not None and abs(median / self.reference - 1) > self.change:
            way = 1 if median > self.reference else -1
            if self._change != way:  # one odd window is not yet a change: keep the reference
                self._change = way
                return
            # Two windows the same way: the machine changed. Look again soon, as soon as the
            # last losing try's cost allows (a quarter of the budget: noise cannot keep it trying).
            self.wait_s = self.first_wait_s
            self.next_try = min(self.next_try, self.clock + self._last_extra / (4 * self.budget))
        self._change = 0
        self.reference = median
        if self.clock >= self.next_try:
            neighbours = [n for n in (self.threads + self.direction, self.threads - self.direction)
                          if 1 <= n <= self.max_threads]
            self.trying = neighbours[0]
            self.direction = -self.direction  # alternate where there are two
            self._skip, self._try_cost, self._try_steps0 = 1, 0.0, self._steps

    def _end_try(self, lost: bool, median: float | None = None) -> None:
        tried, self.trying = self.trying, None
        steps = self._steps - self._try_steps0
        self._times = []
        self._skip = 1
        if not lost:
            # Trying the count left behind again costs about 3 of its steps (one to start, two to
            # see it lose), each as much slower as its last window was: spaced by the budget too.
            self._last_extra = 3 * max(0.0, self.reference - median)
            self.threads, self.reference = tried, median
            self.wait_s = self.first_wait_s
            self.switches.append((self._steps, tried))
            self.next_try = self.clock + max(self.wait_s, self._last_extra / self.budget)
            return
        # What the try cost over staying put, and a wait that keeps such costs within the budget.
        self._last_extra = max(0.0, self._try_cost - steps * self.reference)
        self.wait_s = min(self.wait_s * 2, self.max_wait_s)
        self.next_try = self.clock + max(self.wait_s, self._last_extra / self.budget)
