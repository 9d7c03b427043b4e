"""Every open page picks up the runs started after it loaded: the Train tab's run, the "Watch a
run" list, the runs table and the race on stage.

Students open the link before the lecturer starts anything; a page that only looked at the
registry when it loaded said "No run yet" through the whole demo. So each page has one more
``gr.Timer`` (``FOLLOW_S``). Its tick is cheap for many visitors: it reads one integer,
``registry().changes`` (it moves when a run is added or changes status), and the ids of the race
on stage, and answers ``gr.skip()`` for everything unless one of them moved since this page's
last tick. Only then does it list the runs (no metrics are read) and, where the page should
follow a new run, hand it to the live views that already poll runs (the Train tab's and the Race
tab's timers), which take it from there.

Which run a page's Train tab follows:

* lecture mode (``GENAPP_ADMIN_TOKEN``): every page follows the lecturer's newest run -- a run
  that starts moves everyone watching an older one onto it;
* otherwise visitors are strangers, each maybe watching a run of their own: a page follows a new
  run only while it watches none (the "No run yet" page), as the page load does. The lists and
  the race on stage update either way.
"""
from __future__ import annotations

import gradio as gr

from genapp.runs import ACTIVE, Run, registry

from . import lecture, presets
from .i18n import t
from .tabs import race as race_tab
from .tabs.train_live import run_ids, runs_table

FOLLOW_S = 2.0   # seconds between a page's looks at the registry: "within a few seconds", cheaply


def newest_run(stage_ids: list[str]) -> Run | None:
    """The run a following page shows: the newest active run; for a race, its first (left) run."""
    active = registry().active()
    if not active:
        return None
    newest = active[-1]  # ids grow with each run
    if newest.id in stage_ids:
        try:
            return registry().get(stage_ids[0])
        except KeyError:
            pass
    return newest


def follows(watched: str, target: Run, stage: list[str] = ()) -> bool:
    """Whether a page watching ``watched`` should switch to ``target`` (see the module's docstring).

    A race registers its runs before it goes on stage, so a page may look in between and follow
    the race's newest (right) run; once the race is on stage, a lecture page moves to its left one."""
    watched = (watched or "").strip()
    if watched == target.id:
        return False
    if not watched:
        return True
    if not lecture.enabled():
        return False
    if watched in stage and target.id in stage:
        return True
    try:
        current = registry().get(watched)
    except KeyError:
        return True
    return current.status not in ACTIVE or target.id > current.id


def tick(run_id: str, race_ids: str, seen: dict | None):
    """One look: (watch list, runs table, run id, train timer, train seen, preset, race ids,
    race settings, race lesson, race timer, race seen, seen) -- all ``gr.skip()`` when nothing
    changed since this page's last look."""
    seen = dict(seen or {})
    key, stage = race_tab.current()
    mark = [registry().changes, stage]
    if seen.get("mark") == mark:
        return (gr.skip(),) * 11 + (seen,)
    first_look = "mark" not in seen
    seen["mark"] = mark
    out = [gr.Dropdown(choices=run_ids()), runs_table()]
    target = newest_run(stage)
    if target is not None and follows(run_id, target, stage):
        out += [target.id, gr.Timer(active=True), {}]
    else:
        out += [gr.skip()] * 3
    shown = [s.strip() for s in (race_ids or "").split(",") if s.strip()]
    if stage and stage != shown and (first_look or stage != seen.get("stage")):
        known = key in presets.PRESETS
        out += [key if known else gr.skip(), ", ".join(stage),
                race_tab.settings_table(key) if known else gr.skip(), t(f"learn_{key}") if known else gr.skip(),
                gr.Timer(active=True), {}]
    else:
        out += [gr.skip()] * 6
    seen["stage"] = stage
    return (*out, seen)


def seen_now() -> dict:
    """The follow timer's memory as of now: a page whose link names a run or a race starts from it,
    so the timer's first tick finds nothing new and leaves the link's choice on screen (without it,
    the first tick put the race on stage, or in lecture mode the newest run, over the link's).
    What starts later is followed as on any page."""
    _, stage = race_tab.current()
    return {"mark": [registry().changes, stage], "stage": stage}


def wire(train: dict, race: dict) -> gr.State:
    """The page's follow timer (inside the Blocks); returns its memory (see :func:`seen_now`)."""
    timer = gr.Timer(FOLLOW_S)
    seen = gr.State({})
    timer.tick(tick, [train["run_id"], race["ids"], seen],
               [train["watch_pick"], train["runs"], train["run_id"], train["timer"], train["seen"],
                race["preset"], race["ids"], race["settings"], race["lesson"], race["timer"], race["seen"], seen],
               api_visibility="private", concurrency_limit=None, show_progress="hidden")
    return seen
