"""Runs: one run's settings (``spec``), the registry of background runs the app trains and
watches (``run_registry``), and how the runs of a race take turns (``lockstep``)."""
from __future__ import annotations

from .run import ACTIVE, HISTORY_POINTS, STATUS_NAME, Run
from .run_registry import RegistryBusy, RunRegistry, registry, reset_registry
from .spec import MAX_SEED, RunSpec, check_settings, limits, next_run_id, runs_root

__all__ = ["ACTIVE", "HISTORY_POINTS", "STATUS_NAME", "RegistryBusy", "Run", "RunRegistry", "RunSpec", "MAX_SEED", "registry",
           "reset_registry", "check_settings", "limits", "next_run_id", "runs_root"]
