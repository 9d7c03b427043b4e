"""The follow timer's decision (``genapp.ui.follow.tick``) in the order a race really happens: the
race registers both runs, a page may look, and only then does the race go on stage. A lecture page
that looked in between (and took the race's right-hand run) must move to the left one once the
race is on stage -- the order that left the student's page on the wrong run in CI."""
from __future__ import annotations

import pytest

from genapp.runs import registry, reset_registry
from genapp.ui import follow
from genapp.ui.tabs import race as race_tab


@pytest.fixture
def fresh_registry(tmp_path, monkeypatch):
    monkeypatch.setenv("GENAPP_ADMIN_TOKEN", "follow-unit-token")
    monkeypatch.setenv("GENAPP_RUNS_DIR", str(tmp_path / "runs"))
    old = race_tab.current()
    reset_registry(tmp_path / "runs")
    race_tab._set_current("", [])
    yield registry()
    registry().stop_all(timeout=60)
    race_tab._set_current(*old)


def race_specs() -> list[dict]:
    ring = {"steps": 100_000, "batch_size": 8, "seed": 0, "device": "cpu", "overrides": {"hidden": 8}}
    return [{"family": "ring", "dataset": "ring", **ring}, {"family": "wgan", "dataset": "ring", **ring}]


def tick(run_id: str, seen: dict) -> tuple[str | None, dict]:
    """One look of a page watching ``run_id``: the run id it is handed (None: unchanged), its state."""
    out = follow.tick(run_id, "", seen)
    handed = out[2]
    return (handed if isinstance(handed, str) else None), out[-1]


def test_a_lecture_page_that_looked_before_the_race_went_on_stage_moves_to_its_left_run(fresh_registry):
    left, right = fresh_registry.start_race(race_specs())
    handed, seen = tick("", {})              # the page looks before the race is on stage ...
    assert handed == right.id                # ... and follows the newest run, the race's right one
    race_tab._set_current("mode_collapse", [left.id, right.id])
    handed, seen = tick(right.id, seen)      # the next look, with the race on stage
    assert handed == left.id
    handed, seen = tick(left.id, seen)       # and it stays there
    assert handed is None


def test_outside_lecture_mode_a_page_watching_a_run_is_left_alone(fresh_registry, monkeypatch):
    monkeypatch.delenv("GENAPP_ADMIN_TOKEN")
    left, right = fresh_registry.start_race(race_specs())
    handed, seen = tick("", {})
    assert handed == right.id
    race_tab._set_current("mode_collapse", [left.id, right.id])
    handed, seen = tick(right.id, seen)
    assert handed is None
