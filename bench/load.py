"""Load: 16 concurrent gradio_client users on /generate while a training run is active; cold start.

    GENAPP_DATA_DIR=../shared/data python bench/load.py [--users 16] [--calls 10] [--count 64]

1. Cold start: launches ``python app.py`` as a fresh process and times process start -> the first
   ``/generate`` answered through gradio_client.
2. Starts a dcgan/mnist training run through ``/train_start`` in that app, then runs ``--users``
   threads, each with its own Client, each calling ``/generate`` ``--calls`` times, and prints
   p50 / p95 latency and the error count, next to the same calls made by one user with no run
   active (measured in the same session: the ratio is the cost of load + training).
3. The same 16 gradio_client users given one SSL context built once (the README's advice for
   scripts: ``ssl_verify=ssl.create_default_context(cafile=certifi.where())``, which still checks
   certificates over ``https://``), and then with ``ssl_verify=False``. The users run on the same 2 cores
   as the server, so their own CPU is part of every figure here, and gradio_client's default is
   costly: it opens a new httpx client for each request of a call, and each loads certifi's CA
   bundle into a new SSL context (about 90 ms of CPU per call, 45 % of it in
   ``ssl.create_default_context``; py-spy). On loopback there is no TLS, so nothing is verified
   either way; without it a call costs the client about 12 ms. The server is the same.
4. The same 16 users again, with the run still active, as thin HTTP clients (httpx on Gradio's
   REST ``/gradio_api/call/generate`` + SSE, then the PNG download, as a browser does): a new
   session for every call.

Each line also gives the CPU time per call of the server process and of the users (this process).
"""
from __future__ import annotations

import argparse
import os
import resource
import socket
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def percentile(xs, q):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=16)
    ap.add_argument("--calls", type=int, default=10)
    ap.add_argument("--count", type=int, default=64)
    ap.add_argument("--model", default="mnist-dcgan")
    args = ap.parse_args()
    import certifi
    from gradio_client import Client

    tls = ssl.create_default_context(cafile=certifi.where())  # one CA store for all users' requests

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "GRADIO_SERVER_PORT": str(port), "GRADIO_SERVER_NAME": "127.0.0.1",
           "GRADIO_ANALYTICS_ENABLED": "False", "GENAPP_RUNS_DIR": os.environ.get("GENAPP_RUNS_DIR", "/tmp/gan-studio-load-runs")}
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(REPO / "app.py")], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        client = None
        while client is None:
            if proc.poll() is not None:
                raise SystemExit("the app exited during start-up")
            try:
                client = Client(url, verbose=False)
            except Exception:
                time.sleep(0.1)
        client.predict(args.model, 0, args.count, api_name="/generate")
        cold = time.perf_counter() - t0
        print(f"cold start (process start -> first /generate of {args.count} answered): {cold:.2f} s")

        def one_user(lat, errs, calls, **client_kwargs):
            c = Client(url, verbose=False, **client_kwargs)
            for i in range(calls):
                t = time.perf_counter()
                try:
                    c.predict(args.model, i, args.count, api_name="/generate")
                    lat.append(time.perf_counter() - t)
                except Exception as exc:  # noqa: BLE001 - counted and reported
                    errs.append(repr(exc)[:120])

        def http_user(lat, errs, calls):
            import json as _json

            import httpx

            with httpx.Client(timeout=60) as c:
                for i in range(calls):
                    t = time.perf_counter()
                    try:
                        r = c.post(url + "gradio_api/call/generate", json={"data": [args.model, i, args.count]})
                        r.raise_for_status()
                        event, data = None, None
                        with c.stream("GET", url + f"gradio_api/call/generate/{r.json()['event_id']}") as sse:
                            for line in sse.iter_lines():
                                if line.startswith("event:"):
                                    event = line.split(":", 1)[1].strip()
                                elif line.startswith("data:") and event in ("complete", "error"):
                                    data = _json.loads(line[5:])
                                    break
                        if event != "complete" or not data:
                            raise RuntimeError(f"no result ({event}: {data})")
                        png = c.get(data[0]["url"])
                        png.raise_for_status()
                        if not png.content.startswith(b"\x89PNG"):
                            raise RuntimeError("the download is not a PNG")
                        lat.append(time.perf_counter() - t)
                    except Exception as exc:  # noqa: BLE001 - counted and reported
                        errs.append(repr(exc)[:120])

        def cpu_s(pid=None):
            if pid is None:
                r = resource.getrusage(resource.RUSAGE_SELF)
                return r.ru_utime + r.ru_stime
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

        def users(target, calls, **kw):
            lat, errs = [], []
            threads = [threading.Thread(target=target, args=(lat, errs, calls), kwargs=kw) for _ in range(args.users)]
            t, server0, self0 = time.perf_counter(), cpu_s(proc.pid), cpu_s()
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            n = max(1, len(lat) + len(errs))
            cpu = f"cpu/call: server {(cpu_s(proc.pid) - server0) / n * 1e3:.0f} ms, users {(cpu_s() - self0) / n * 1e3:.0f} ms"
            return lat, errs, time.perf_counter() - t, cpu

        base, base_err = [], []
        one_user(base, base_err, args.calls * 2)
        run_id = client.predict("dcgan", "mnist", 100_000, 64, 0.0002, 0, api_name="/train_start")
        time.sleep(3)
        print(f"one user, no run:        p50 {percentile(base, .5) * 1e3:7.1f} ms  p95 {percentile(base, .95) * 1e3:7.1f} ms  errors {len(base_err)}")
        every_error = []
        for label, target, kw in ((f"{args.users} users + training run", one_user, {}),
                                  (f"{args.users} users (one SSL context) + run", one_user, {"ssl_verify": tls}),
                                  (f"{args.users} users (ssl_verify=False) + run", one_user, {"ssl_verify": False}),
                                  (f"{args.users} users (thin HTTP) + run", http_user, {})):
            lat, errs, wall, cpu = users(target, args.calls, **kw)
            status = client.predict(run_id, api_name="/train_status")[0]
            step = status.get("step") if isinstance(status, dict) else "?"
            print(f"{label + ':':38s} p50 {percentile(lat, .5) * 1e3:7.1f} ms  p95 {percentile(lat, .95) * 1e3:7.1f} ms  "
                  f"errors {len(errs)}  ({len(lat)} calls in {wall:.1f} s; {cpu}; run at step {step})", flush=True)
            every_error += errs
        client.predict(run_id, api_name="/train_stop")
        for e in every_error[:3]:
            print("  error:", e)
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
