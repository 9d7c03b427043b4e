"""What watching costs: the same Train-tab run with and without a browser watching it.

    GENAPP_DATA_DIR=../shared/data python bench/live_view_cost.py [--steps 400] [--rounds 2]
        [--threads auto[,2,...]] [--busy 1,auto]

On a 2-core laptop the browser that shows the live view runs on the same cores as the training.
Each round, alternating:

1. **no browser**: a fresh ``python app.py`` process; the run is started through
   ``/train_start`` (gradio_client) and polled through ``/train_status`` every 2 s.
2. **browser**: a fresh ``python app.py`` process and a headless Chromium (Debian's, the one the
   tests use) on the Train tab; Start is pressed there, and the page shows the run live until
   FINISHED (the tab's 1-s timer: status and curves; the grid, class chart, raw JSON and runs
   list with each new grid).
3. with ``--busy``: no browser, but one busy process beside the run (``while True: pass``, as a
   video call or a build would be), for the thread counts listed.

``--threads`` compares thread counts: ``auto`` (the default: the run adapts its count,
``genapp.threads.ThreadGovernor``) or a number, pinned through ``GENAPP_TRAIN_THREADS``.

All runs are the tab's own dcgan/mnist settings (batch 32, lr 1e-3) with ``--steps`` steps, and
the figure is the run's own elapsed time from its folder's ``metrics.jsonl`` (first to last record):
the ratio is what the watching costs the training. Each run also says on how many CPU threads its
steps trained (the share of the logged steps on each count). Needs ``chromium`` at /usr/bin/chromium.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(runs_dir: Path, threads: str = "auto") -> tuple[subprocess.Popen, str]:
    """A fresh ``python app.py``; ``threads``: the runs' CPU thread count, or "auto" (adapted)."""
    port = free_port()
    env = dict(os.environ, GRADIO_SERVER_PORT=str(port), GENAPP_RUNS_DIR=str(runs_dir))
    env.pop("GENAPP_TRAIN_THREADS", None)
    if threads != "auto":
        env["GENAPP_TRAIN_THREADS"] = threads
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("the app did not start within 120 s")


def run_seconds(runs_dir: Path) -> tuple[float, str]:
    """The run's training time (first to last timestamp of its metrics.jsonl) and the CPU thread
    counts it trained on (share of the logged steps on each; the run adapts them, ThreadGovernor)."""
    (folder,) = [p for p in runs_dir.iterdir() if p.is_dir()]
    records = [json.loads(line) for line in (folder / "metrics.jsonl").read_text().splitlines() if line]
    counts = Counter(r["threads"] for r in records if "threads" in r)
    total = sum(counts.values()) or 1
    threads = ", ".join(f"{n} thread{'s' * (n > 1)} {100 * k / total:.0f} %" for n, k in sorted(counts.items()))
    return records[-1]["time"] - records[0]["time"], threads


def without_browser(steps: int, threads: str = "auto", busy: bool = False) -> tuple[float, str]:
    """``busy``: with one busy process beside the run (as a video call or a build would be)."""
    from gradio_client import Client

    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_app(Path(tmp), threads)
        hog = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if busy else None
        try:
            client = Client(url, verbose=False, ssl_verify=False)
            run_id = client.predict("dcgan", "mnist", steps, 32, 1e-3, 0, api_name="/train_start")
            while client.predict(run_id, api_name="/train_status")[0]["status"] in ("queued", "running"):
                time.sleep(2)
            return run_seconds(Path(tmp))
        finally:
            if hog is not None:
                hog.kill()
            proc.terminate()
            proc.wait(30)


def with_browser(steps: int, threads: str = "auto") -> tuple[float, str]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_app(Path(tmp), threads)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 1000})
                page.goto(url + "/")
                page.wait_for_selector("#train-start")
                page.get_by_label("Steps").fill(str(steps))
                page.locator("#train-start").click()
                page.wait_for_function(
                    "(document.querySelector('#train-status') || {}).innerText?.includes('FINISHED')",
                    timeout=1_800_000)
                browser.close()
            return run_seconds(Path(tmp))
        finally:
            proc.terminate()
            proc.wait(30)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=400)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--threads", default="auto",
                    help="comma-separated thread counts to compare with and without the browser: "
                         "'auto' (the run adapts) or a number (GENAPP_TRAIN_THREADS); '' for none")
    ap.add_argument("--busy", default="",
                    help="thread counts to run once more each round with one busy process beside the run")
    args = ap.parse_args()
    settings = [x.strip() for x in args.threads.split(",") if x.strip()]
    busy = [x.strip() for x in args.busy.split(",") if x.strip()]
    if args.steps < 2 or args.rounds < 1 or not settings + busy:
        raise SystemExit("--steps must be at least 2, --rounds at least 1, and something to run")
    bad = [x for x in settings + busy if x != "auto" and not x.isdigit()]
    if bad:
        raise SystemExit(f"thread counts are 'auto' or whole numbers, not {bad}")
    alone, watched = {x: [] for x in settings}, {x: [] for x in settings}
    print(f"{args.steps} dcgan/mnist steps in the Train tab, each in a fresh app; threads: 'auto' = adapted")
    for r in range(args.rounds):
        for x in settings:
            (a, a_threads), (w, w_threads) = without_browser(args.steps, x), with_browser(args.steps, x)
            alone[x].append(a)
            watched[x].append(w)
            print(f"round {r + 1}, threads {x}: no browser {a:6.1f} s ({a_threads}), "
                  f"with the Train tab open in Chromium {w:6.1f} s ({w_threads}): {w / a:.2f}x", flush=True)
        for x in busy:
            b, b_threads = without_browser(args.steps, x, busy=True)
            print(f"round {r + 1}, threads {x}: one busy process beside the run {b:6.1f} s ({b_threads})", flush=True)
    for x in settings:
        a, w = statistics.median(alone[x]), statistics.median(watched[x])
        print(f"median, threads {x}: no browser {a:.1f} s, browser {w:.1f} s ({w / a:.2f}x)")


if __name__ == "__main__":
    main()
