"""Latency of every playground endpoint: through gradio_client (HTTP + queue + PNG) and in process.

    GENAPP_DATA_DIR=../shared/data python bench/latency.py [--n 30] [--pretrained DIR]

Launches the app on a free localhost port, warms each model up (the first call loads it), then
times ``--n`` calls of each endpoint four ways and prints p50 / p95 and the ratio of the first
and the last: through gradio_client as a script would call it, through gradio_client given one
SSL context built once (``ssl_verify=ssl.create_default_context(cafile=certifi.where())``: still
verifies certificates, as over ``https://``), through gradio_client with ``ssl_verify=False`` (on
loopback there is no TLS; see below), and in process. The ratio is what
the web layer and the client cost on this machine, measured in the same run. Uses the
models in ``pretrained/`` (or ``--pretrained``); a missing one is replaced by a tiny untrained
model of the same family, and the table says so (timings then say little about the real one).
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import ssl
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

NEEDED = {"mnist-dcgan": ("dcgan", "mnist", {"ngf": 8, "ndf": 8}),
          "mnist-cgan": ("cgan", "mnist", {"ngf": 8, "ndf": 8}),
          "mnist-vae": ("vae", "mnist", {"hidden": (32, 16)}),
          "edges2shoes-pix2pix": ("pix2pix", "edges2shoes", {"image_size": 32, "ngf": 8, "ndf": 8}),
          "horse2zebra-cyclegan": ("cyclegan", "horse2zebra", {"image_size": 32, "ngf": 8, "ndf": 8, "n_blocks": 1})}


def percentile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    k = (len(xs) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def timed(fn, n: int) -> list[float]:
    out = []
    for i in range(n):
        t = time.perf_counter()
        fn(i)
        out.append(time.perf_counter() - t)
    return out


def prepare_models(pretrained: Path, scratch: Path) -> tuple[Path, list[str]]:
    """A pretrained dir with every model the bench needs; names replaced by tiny ones are returned."""
    import genapp

    tiny = []
    if all((pretrained / n / "model.safetensors").exists() for n in NEEDED):
        return pretrained, tiny
    scratch.mkdir(parents=True, exist_ok=True)
    for name, (family, dataset, overrides) in NEEDED.items():
        src = pretrained / name
        dst = scratch / name
        if (src / "model.safetensors").exists():
            shutil.copytree(src, dst)  # a copy: the app does not follow symlinked model folders
        else:
            genapp.build_model(family, dataset, **overrides).save_pretrained(dst)
            tiny.append(name)
    return scratch, tiny


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=30, help="timed calls per endpoint and path (default 30)")
    ap.add_argument("--count", type=int, default=16, help="images per /generate call (default 16)")
    ap.add_argument("--pretrained", type=Path, default=REPO / "pretrained")
    ap.add_argument("--only", nargs="*", help="endpoint names to time (default: all), e.g. generate sketch_to_shoe")
    args = ap.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="gan-studio-bench-"))
    pre, tiny = prepare_models(args.pretrained, scratch / "pretrained")
    os.environ["GENAPP_PRETRAINED_DIR"] = str(pre)
    os.environ.setdefault("GENAPP_RUNS_DIR", str(scratch / "runs"))

    import certifi
    import torch
    from gradio_client import Client, handle_file
    from PIL import Image

    from genapp.drawing import example_sketches
    from genapp.ui import build_app
    from genapp.ui.tabs.conditional import conditional, every_class
    from genapp.ui.tabs.horse import horse_to_zebra
    from genapp.ui.tabs.latent import arithmetic, generate, interpolate, latent_map
    from genapp.ui.tabs.sketch import sketch_to_shoe

    sketch = example_sketches()["sneaker"]
    sketch_path = scratch / "sneaker.png"
    sketch.save(sketch_path)
    photo_path = scratch / "photo.jpg"  # a 256 px photo-like picture (what a visitor uploads)
    g = torch.Generator().manual_seed(0)
    Image.fromarray((torch.rand(256, 256, 3, generator=g) * 255).byte().numpy()).save(photo_path)
    photo = Image.open(photo_path).convert("RGB")

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    demo = build_app()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    client = Client(f"http://127.0.0.1:{port}/", verbose=False)
    # The same client without certificate loading: gradio_client opens a new httpx client for each
    # request of a call, and each loads certifi's CA bundle (tens of ms of CPU) -- on plain-HTTP
    # loopback there is nothing to verify. The server is the same; this shows what is the client's.
    fast = Client(f"http://127.0.0.1:{port}/", verbose=False, ssl_verify=False)
    # What the README advises scripts: the CA bundle loaded once into one SSL context that every
    # request of every call reuses (httpx takes a context for ``verify``); certificates are checked.
    tls = ssl.create_default_context(cafile=certifi.where())
    shared = Client(f"http://127.0.0.1:{port}/", verbose=False, ssl_verify=tls)

    cases = {
        "/generate": (lambda c, i: c.predict("mnist-dcgan", i, args.count, api_name="/generate"),
                      lambda i: generate("mnist-dcgan", i, args.count)),
        "/interpolate": (lambda c, i: c.predict("mnist-dcgan", i, i + 1, 8, "slerp", api_name="/interpolate"),
                         lambda i: interpolate("mnist-dcgan", i, i + 1, 8, "slerp")),
        "/arithmetic": (lambda c, i: c.predict("mnist-dcgan", "1,2,3", "4,5,6", f"{i},8,9", api_name="/arithmetic"),
                        lambda i: arithmetic("mnist-dcgan", "1,2,3", "4,5,6", f"{i},8,9")),
        "/latent_map": (lambda c, i: c.predict("mnist-vae", 15, api_name="/latent_map"),
                        lambda i: latent_map("mnist-vae", 15)),
        "/conditional": (lambda c, i: c.predict("mnist-cgan", "3", i, args.count, api_name="/conditional"),
                         lambda i: conditional("mnist-cgan", "3", i, args.count)),
        "/every_class": (lambda c, i: c.predict("mnist-cgan", i, 8, api_name="/every_class"),
                         lambda i: every_class("mnist-cgan", i, 8)),
        "/sketch_to_shoe": (lambda c, i: c.predict(handle_file(str(sketch_path)), api_name="/sketch_to_shoe"),
                            lambda i: sketch_to_shoe(sketch, "edges2shoes-pix2pix")),
        "/horse_to_zebra": (lambda c, i: c.predict(handle_file(str(photo_path)), "horse2zebra",
                                                     api_name="/horse_to_zebra"),
                            lambda i: horse_to_zebra(photo, "horse2zebra", "horse2zebra-cyclegan")),
    }
    if args.only:
        cases = {k: v for k, v in cases.items() if k.strip("/") in args.only}
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {os.cpu_count()} CPUs; "
          f"n = {args.n}, /generate count = {args.count}")
    if tiny:
        print(f"note: {', '.join(tiny)} not in {args.pretrained}; timed a tiny untrained stand-in instead")
    print(f"{'endpoint':<17}{'path':<19}{'p50 ms':>9}{'p95 ms':>9}")
    try:
        for name, (remote, local) in cases.items():
            remote(client, 0), remote(shared, 0), remote(fast, 0), local(0)  # warm-up: model load, first queue join
            r = timed(lambda i: remote(client, i), args.n)
            o = timed(lambda i: remote(shared, i), args.n)
            f = timed(lambda i: remote(fast, i), args.n)
            loc = timed(local, args.n)
            for label, xs in (("gradio_client", r), ("  one SSL context", o), ("  ssl_verify=False", f),
                              ("in process", loc)):
                print(f"{name:<17}{label:<19}{percentile(xs, .5) * 1e3:>9.1f}{percentile(xs, .95) * 1e3:>9.1f}")
            print(f"{'':<17}{'ratio':<19}{statistics.median(r) / statistics.median(loc):>9.2f}x")
    finally:
        demo.close()


if __name__ == "__main__":
    main()
