"""Fixtures for the app tests: tiny models in a temp ``pretrained/``, a temp runs folder, and the
real app (``build_app().launch``) on a free localhost port, shared by the whole session.

The models are tiny and untrained (a few kB of weights): the tests check that every endpoint and
every tab works end to end, not what a trained model draws. To take the docs screenshots with
the real weights, point ``GENAPP_APP_TEST_PRETRAINED`` at a folder of trained models
(e.g. ``pretrained``); names found there are used instead of the tiny ones.
"""
from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path
from types import SimpleNamespace

import pytest

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
# OpenMP threads that wait for each other sleep instead of spinning. The test machine has 2 cores
# shared with other work (a background training, Chromium, the app's own runs): a spinning thread
# takes the core its partner needs, and the same tests took 2-4x as long (106-200 s against 43-47 s
# for tests/test_trainer.py, test_models.py and tests/metrics' two slowest modules). Set before
# torch is imported (libgomp reads it once), and inherited by the CLI, torchrun and bench
# subprocesses the tests start. Not a setting of the app: it changes no result, only who waits how.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

REPO = Path(__file__).resolve().parent.parent

# name -> (family, dataset, tiny overrides): the shipped pretrained names, 8-channel networks.
TINY_MODELS = {
    "mnist-dcgan": ("dcgan", "mnist", {"ngf": 8, "ndf": 8, "codes": 10}),  # InfoGAN code, as the shipped one
    "mnist-gan": ("gan", "mnist", {"g_hidden": (16, 32), "d_hidden": (32, 16)}),
    "mnist-vae": ("vae", "mnist", {"hidden": (32, 16)}),
    "mnist-cgan": ("cgan", "mnist", {"ngf": 8, "ndf": 8}),
    "fashion-cgan": ("cgan", "fashion", {"ngf": 8, "ndf": 8}),
    "edges2shoes-pix2pix": ("pix2pix", "edges2shoes", {"image_size": 32, "ngf": 8, "ndf": 8}),
    "horse2zebra-cyclegan": ("cyclegan", "horse2zebra", {"image_size": 32, "ngf": 8, "ndf": 8, "n_blocks": 1}),
    "mnist-pixelcnn": ("pixelcnn", "mnist", {"width": 8, "layers": 2}),
}
# Left out on purpose, so the tests see how the app explains a missing model.
MISSING_MODELS = ("fashion-dcgan", "mnist-wgan")


# Test modules that train or measure for many seconds: `-m "not slow"` leaves them out.
SLOW = ("test_bench.py", "test_cli_signals.py", "test_distributed.py", "test_faults.py", "test_threads.py")


def pytest_collection_modifyitems(config, items):
    """Mark the browser tests (they take the ``browser`` or ``page`` fixture) and the slow modules,
    so ``python -m pytest -m "not slow and not browser" tests`` is a quick inner loop."""
    for item in items:
        if {"browser", "page"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
        if item.path.name in SLOW:
            item.add_marker(pytest.mark.slow)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_pretrained(folder: Path) -> None:
    import torch

    import genapp

    real = os.environ.get("GENAPP_APP_TEST_PRETRAINED")
    for i, (name, (family, dataset, overrides)) in enumerate(TINY_MODELS.items()):
        src = Path(real) / name if real else None
        if src is not None and (src / "model.safetensors").exists():
            shutil.copytree(src, folder / name)
            continue
        torch.manual_seed(i)  # different weights per model, so two models never give the same picture
        genapp.build_model(family, dataset, **overrides).save_pretrained(folder / name)
    for name in real_complete_models():  # screenshots with every real model: no "missing" notice
        shutil.copytree(Path(real) / name, folder / name)
    for judge in sorted(Path(real).glob("judge-*")) if real else ():  # the real judges label what they see
        shutil.copytree(judge, folder / judge.name)


def real_complete_models() -> tuple[str, ...]:
    """MISSING_MODELS found in GENAPP_APP_TEST_PRETRAINED, when all of them are (else none)."""
    real = os.environ.get("GENAPP_APP_TEST_PRETRAINED")
    if real and all((Path(real) / n / "model.safetensors").exists() for n in MISSING_MODELS):
        return MISSING_MODELS
    return ()


@pytest.fixture(scope="session")
def app_env(tmp_path_factory):
    """Environment for the app: temp pretrained/ and runs/, offline Hub, the shared data folder."""
    root = tmp_path_factory.mktemp("gan-studio")
    env = {
        "GENAPP_PRETRAINED_DIR": str(root / "pretrained"),
        "GENAPP_RUNS_DIR": str(root / "runs"),
        "HF_HUB_OFFLINE": "1",  # a push must fail with a message, never reach the network
    }
    if not os.environ.get("GENAPP_DATA_DIR") and (REPO.parent / "shared" / "data").exists():
        env["GENAPP_DATA_DIR"] = str(REPO.parent / "shared" / "data")
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    make_pretrained(root / "pretrained")

    from genapp import runs

    # The registry is process-wide and reads GENAPP_RUNS_DIR once; give this session its own.
    runs.reset_registry(root / "runs")
    yield SimpleNamespace(root=root, pretrained=root / "pretrained", runs=root / "runs")
    runs.registry().stop_all(timeout=30)
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="session")
def app_url(app_env):
    """The real app, launched on a free localhost port (in this process, in Gradio's threads)."""
    from genapp.ui import build_app

    demo = build_app()
    _, url, _ = demo.launch(server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True, quiet=True)
    yield url.rstrip("/")
    demo.close()


@pytest.fixture(scope="session")
def client(app_url):
    from gradio_client import Client

    return Client(app_url, verbose=False)


@pytest.fixture(scope="module")
def shipped_mnist_judge(app_env):
    """The app session's tiny models plus the shipped MNIST judge, for a module that needs classes
    read (steering, the class chart); removed again after the module if it was not there."""
    import shutil

    target = app_env.pretrained / "judge-mnist"
    added = not target.exists()
    if added:
        shutil.copytree(REPO / "pretrained" / "judge-mnist", target)
    yield app_env
    if added:
        shutil.rmtree(target, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium through Playwright (the browser tests import tests/browser.py,
    which skips them when either is missing). One for the session: each test opens its own
    context (cookies, storage, session), so it starts as fresh as in a new browser."""
    from playwright.sync_api import sync_playwright

    from .browser import ARGS, CHROMIUM

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()
