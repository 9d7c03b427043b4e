"""The command line's progress bar: steps, the latest losses, thread-count changes, and the
step of the last checkpoint written (what a second Ctrl-C leaves in the folder)."""
from __future__ import annotations

from tqdm import tqdm

UNLIMITED = 10**9  # the step "limit" of a run that only --minutes ends


class Progress:
    def __init__(self, steps: int, start_step: int, label: str, governor=None, resumed: bool = False):
        self.bar = tqdm(total=None if steps == UNLIMITED else steps, initial=start_step, desc=label, unit="step")
        self.governor = governor
        self.shown_threads = governor.threads if governor else None  # the count the bar last spoke of
        self.metrics: dict = {}                                      # the last sample grid's
        self.saved_step = start_step if resumed else None            # the step of the last checkpoint

    def on_event(self, e: dict) -> None:
        if e["type"] == "step":
            self.bar.update(1)
            gov = self.governor
            if gov is not None and e.get("threads") not in (None, self.shown_threads):  # None: off the CPU
                self.shown_threads = e["threads"]
                why = ("another program keeps a core busy, and fewer threads train faster then"
                       if e["threads"] < gov.max_threads else "the cores are free again")
                self.bar.write(f"step {e['step']}: training on {e['threads']} of {gov.max_threads} threads ({why})")
            if e["step"] % 10 == 0:
                self.bar.set_postfix({k: f"{v:.3g}" for k, v in list(e["losses"].items())[:4]})
        elif e["type"] == "sample" and e.get("metrics"):
            self.metrics.update(e["metrics"])
        elif e["type"] == "checkpoint":
            self.saved_step = e["step"]

    def close(self) -> None:
        self.bar.close()
