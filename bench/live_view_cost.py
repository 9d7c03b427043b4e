"""What watching costs: the same Train-tab run with and without a browser watching it.

    GENAPP_DATA_DIR=../shared/data python bench/live_view_cost.py [--steps 400] [--rounds 2]

On a 2-core laptop the browser that shows the live view runs on the same cores as the training.
Each round, alternating:

1. **no browser**: a fresh ``python app.py`` process; the run is started through
   ``/train_start`` (gradio_client) and polled through ``/train_status`` every 2 s.
2. **browser**: a fresh ``python app.py`` process and a headless Chromium (Debian's, the one the
   tests use) on the Train tab; Start is pressed there, and the page shows the run live until
   FINISHED (the tab's 1-s timer: status, grid, curves, quality curve, class chart, raw JSON).

Both runs are the tab's own dcgan/mnist settings (batch 32, lr 1e-3) with ``--steps`` steps, and
the figure is the run's own elapsed time from its folder's ``metrics.jsonl`` (first to last record):
the ratio is what the watching costs the training. Needs ``chromium`` at /usr/bin/chromium.
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
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(runs_dir: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = dict(os.environ, GRADIO_SERVER_PORT=str(port), GENAPP_RUNS_DIR=str(runs_dir))
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


def run_seconds(runs_dir: Path) -> float:
    """The run's training time: first to last timestamp of its metrics.jsonl."""
    (folder,) = [p for p in runs_dir.iterdir() if p.is_dir()]
    times = [json.loads(line)["time"] for line in (folder / "metrics.jsonl").read_text().splitlines() if line]
    return times[-1] - times[0]


def without_browser(steps: int) -> float:
    from gradio_client import Client

    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_app(Path(tmp))
        try:
            client = Client(url, verbose=False, ssl_verify=False)
            run_id = client.predict("dcgan", "mnist", steps, 32, 1e-3, 0, api_name="/train_start")
            while client.predict(run_id, api_name="/train_status")[0]["status"] in ("queued", "running"):
                time.sleep(2)
            return run_seconds(Path(tmp))
        finally:
            proc.terminate()
            proc.wait(30)


def with_browser(steps: int) -> float:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_app(Path(tmp))
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
    args = ap.parse_args()
    if args.steps < 2 or args.rounds < 1:
        raise SystemExit("--steps must be at least 2 and --rounds at least 1")
    alone, watched = [], []
    for r in range(args.rounds):
        alone.append(without_browser(args.steps))
        watched.append(with_browser(args.steps))
        print(f"round {r + 1}: {args.steps} dcgan/mnist steps, no browser {alone[-1]:6.1f} s, "
              f"with the Train tab open in Chromium {watched[-1]:6.1f} s ({watched[-1] / alone[-1]:.2f}x)", flush=True)
    print(f"median: no browser {statistics.median(alone):.1f} s, browser {statistics.median(watched):.1f} s "
          f"({statistics.median(watched) / statistics.median(alone):.2f}x)")


if __name__ == "__main__":
    main()
