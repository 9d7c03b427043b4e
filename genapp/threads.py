"""CPU thread budget: how many PyTorch intra-op threads a served request gets, and the priority
of a training run's thread.

PyTorch's default gives every thread that computes all the cores. On a 2-core lecture laptop or
Space that oversubscribes the CPU as soon as two visitors generate at once: two requests with 2
threads each on 2 cores, whose OpenMP threads spin while they wait for each other. So each
request gets its share of the cores (``cores // concurrency``: 1 on 2 cores).

A training run keeps all the cores (the lecture case: one person training, nobody else asking,
at full speed) but lowers its own thread's scheduling priority (Linux ``nice`` +10): when
visitors' requests need the CPU the kernel runs them first, and the run slows down for that
moment instead of every request waiting behind it (``bench/load.py``; a run given ``cores - 1``
threads instead measured the same under load and is slower alone).

PyTorch keeps the count per calling thread (a thread started later starts from the last value
set), so each training thread and each request sets its own before it computes.
``GENAPP_TRAIN_THREADS``, ``GENAPP_SERVE_THREADS`` and ``GENAPP_TRAIN_NICE`` (0: off) override
the defaults.
"""
from __future__ import annotations

import logging
import os
import sys
import threading

import torch

from .config import env_int

log = logging.getLogger(__name__)

DEFAULT_CONCURRENCY = 2   # model calls served at once (app.py's queue), env GENAPP_CONCURRENCY


def cpu_cores() -> int:
    """Cores this process may run on (a container's CPU set, not the host's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def concurrency() -> int:
    return env_int("GENAPP_CONCURRENCY", DEFAULT_CONCURRENCY)


def train_threads() -> int:
    """Threads for an app training run: all the cores (its lower priority keeps serving first)."""
    return env_int("GENAPP_TRAIN_THREADS", cpu_cores())


def serve_threads() -> int:
    """Threads for one served request: the cores split between the requests served at once."""
    return env_int("GENAPP_SERVE_THREADS", max(1, cpu_cores() // concurrency()))


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
        raw = os.environ.get("GENAPP_TRAIN_NICE", "").strip()
        try:
            increment = int(raw) if raw else 10
        except ValueError:
            log.warning("GENAPP_TRAIN_NICE=%r is not a whole number; using 10", raw)
            increment = 10
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
