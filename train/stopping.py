"""Ctrl-C and SIGTERM for ``python -m train``: the first stops after the current step with a
checkpoint; a second Ctrl-C quits at once (``KeyboardInterrupt``), except while that checkpoint
is being written. A run started in the background (``... &``) ignores SIGINT: ``kill <pid>``
(SIGTERM) stops it the same clean way. Under torchrun a Ctrl-C reaches each process twice at
once (from the terminal, and forwarded by torchrun): there a repeat within a second counts as one.
"""
from __future__ import annotations

import signal
import sys
import threading
import time

SAME_PRESS_S = 1.0  # under torchrun, a SIGINT this soon after the first is the same Ctrl-C delivered twice


def _say(message: str) -> None:
    """Print from a signal handler: the interrupted code may itself be printing."""
    try:
        print(message, file=sys.stderr, flush=True)
    except RuntimeError:  # "reentrant call": the message is dropped, the stop is not
        pass


class StopOnSignal:
    """``with StopOnSignal() as stop: train(..., should_stop=stop.requested)``."""

    def __init__(self, same_press_s: float = 0.0):
        self.same_press_s = same_press_s   # SAME_PRESS_S under torchrun, else 0
        self.stop = threading.Event()     # set by the signal: the loop checkpoints and ends before its next step
        self.saving = threading.Event()   # set once the loop has seen it and writes its last checkpoint
        self._previous = None
        self._first_at = 0.0

    def requested(self) -> bool:
        if self.stop.is_set():
            self.saving.set()
            return True
        return False

    def _on_sigint(self, signum, frame) -> None:
        if not self.stop.is_set():
            self._first_at = time.monotonic()
            self.stop.set()
            _say("\nCtrl-C: stopping after this step, with a checkpoint (Ctrl-C again to quit at once)")
        elif not self.saving.is_set() and time.monotonic() - self._first_at > self.same_press_s:
            raise KeyboardInterrupt

    def __enter__(self) -> StopOnSignal:
        if threading.current_thread() is threading.main_thread():  # handlers live in the main thread only
            signal.signal(signal.SIGTERM, lambda *_: self.stop.set())
            if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not where SIGINT is ignored
                self._previous = signal.signal(signal.SIGINT, self._on_sigint)
        return self

    def __exit__(self, *exc) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
