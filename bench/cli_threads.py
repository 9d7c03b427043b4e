"""The command line's thread count on a shared CPU: ``python -m train`` alone and beside a busy
process, with its count pinned or adapted.

    GENAPP_DATA_DIR=../shared/data python bench/cli_threads.py [--steps 400] [--rounds 2]
        [--threads 2,1,auto] [--twins]

Each round runs, for every ``--threads`` setting, the same dcgan/mnist run (batch 32, lr 1e-3,
``--steps`` steps, no grids or checkpoints on the way) twice: alone, and beside one busy process
(``while True: pass``, at the same priority: a build, a video call, another training). A number
is passed as ``--threads N``; ``auto`` is the default (``genapp.threads.ThreadGovernor``: all the
cores, fewer while one is taken). The figure is the run's own training time from its
``metrics.jsonl`` (first to last record), with the share of its logged steps on each count.
``--twins`` adds, for every setting, two such runs started together (two trainings sharing the
cores, as the long trainings of ``pretrained/`` did): the time of each.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from live_view_cost import REPO, run_seconds  # noqa: E402


def cli_runs(steps: int, threads: str, busy: bool = False, copies: int = 1) -> list[tuple[float, str]]:
    """``copies`` identical runs started together (each in its own folder): their times and counts."""
    env = dict(os.environ)
    env.pop("OMP_NUM_THREADS", None)  # it would pin the count of "auto"
    with tempfile.TemporaryDirectory() as tmp:
        dirs = [Path(tmp) / str(i) for i in range(copies)]
        hog = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if busy else None
        try:
            procs = [subprocess.Popen(
                [sys.executable, "-m", "train", "dcgan", "--dataset", "mnist", "--steps", str(steps),
                 "--batch-size", "32", "--lr", "0.001", "--threads", threads, "--out", str(d / "run"),
                 "--sample-every", str(10 * steps), "--checkpoint-every", str(10 * steps)],
                cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for d in dirs]
            if any(p.wait() != 0 for p in procs):
                raise SystemExit("a training run failed")
        finally:
            if hog is not None:
                hog.kill()
        return [run_seconds(d) for d in dirs]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--steps", type=int, default=400)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--threads", default="2,1,auto", help="settings to compare: numbers and/or auto")
    ap.add_argument("--twins", action="store_true", help="also two runs at once, for every setting")
    args = ap.parse_args()
    settings = [x.strip() for x in args.threads.split(",") if x.strip()]
    if args.steps < 2 or args.rounds < 1 or not settings or any(x != "auto" and not x.isdigit() for x in settings):
        raise SystemExit("--steps >= 2, --rounds >= 1, --threads: numbers and/or auto")
    times: dict[tuple[str, str], list[float]] = {}
    for r in range(args.rounds):
        for x in settings:
            for busy in (False, True):
                ((s, shares),) = cli_runs(args.steps, x, busy)
                times.setdefault((x, "busy" if busy else "alone"), []).append(s)
                where = "one busy process beside it" if busy else "alone                     "
                print(f"round {r + 1}, --threads {x:4s} {where} {s:6.1f} s ({shares})", flush=True)
            if args.twins:
                pair = cli_runs(args.steps, x, copies=2)
                times.setdefault((x, "twins"), []).append(max(s for s, _ in pair))
                print(f"round {r + 1}, --threads {x:4s} two runs at once           "
                      + "; ".join(f"{s:6.1f} s ({shares})" for s, shares in pair), flush=True)
    for x in settings:
        alone, busy = (statistics.median(times[(x, w)]) for w in ("alone", "busy"))
        twins = f", two at once {statistics.median(times[(x, 'twins')]):6.1f} s (the later)" if args.twins else ""
        print(f"median, --threads {x:4s} alone {alone:6.1f} s, beside a busy process {busy:6.1f} s "
              f"({busy / alone:.2f}x){twins}")


if __name__ == "__main__":
    main()
