"""Hostile input against the live app, through ``gradio_client`` (issue 6).

Every file of the hostile corpus (tests/hostile.py: bombs, truncated and corrupt files, odd modes,
non-images...) goes to ``/horse_to_zebra`` and ``/sketch_to_shoe`` as a real upload: each gets an
image or the clear message ``genapp.images.load_image`` gives for it -- never Gradio's "the
upstream app has raised an exception" -- and the app answers a normal ``/generate`` right after.
Then bad numbers, path-like model names and run ids, and a full training queue, each with its
message.

Uses the session app from conftest.py (tiny untrained models, temp folders).
"""
from __future__ import annotations

import numpy as np
import pytest
from gradio_client import handle_file
from gradio_client.exceptions import AppError
from PIL import Image

from genapp.drawing import EmptySketch
from genapp.images import ImageInputError, load_image

from .hostile import corpus

pytestmark = pytest.mark.filterwarnings("ignore:::gradio.queueing")  # pandas 3 deprecations inside Gradio

CORPUS = corpus()
# What a crash looks like from outside: Gradio's catch-all, our own catch-all, a bare "Error".
CRASH_MARKERS = ("upstream Gradio app has raised an exception", "Something went wrong", "Traceback",
                 "ComponentProcessingError", "Could not preprocess")
EXTENSIONS = {"jpeg": "jpg", "gif": "gif", "webp": "webp", "bmp": "bmp", "tiff": "tif", "text": "txt",
              "html": "html", "zip": "zip", "svg": "svg"}


def call(client, *args, api_name: str):
    """One call: (result or None, the error message or None, the gr.Info / gr.Warning texts)."""
    job = client.submit(*args, api_name=api_name)
    try:
        result, error = job.result(timeout=120), None
    except AppError as exc:
        result, error = None, str(exc)
    logs, updates = [], job.communicator.updates
    while not updates.empty():
        update = updates.get_nowait()
        if getattr(update, "log", None):
            logs.append(update.log[0])
    return result, error, logs


def is_clear(message: str | None) -> bool:
    return bool(message) and len(message) >= 20 and not any(m in message for m in CRASH_MARKERS)


def still_serving(client) -> bool:
    with Image.open(client.predict("mnist-dcgan", 0, 1, api_name="/generate")) as im:
        return im.size[0] > 0


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory):
    """The corpus as files, named the way a visitor's files would be (.png, .jpg, .txt...)."""
    folder = tmp_path_factory.mktemp("hostile")
    out = []
    for name, blob, expect in CORPUS:
        ext = next((e for key, e in EXTENSIONS.items() if key in name), "png")
        path = folder / f"{name}.{ext}"
        path.write_bytes(blob)
        try:
            load_image(str(path))
            expected = None
        except ImageInputError as exc:
            expected = str(exc)
        out.append((name, path, expect, expected))
    return out


def test_the_corpus_is_large_enough():
    assert len(CORPUS) >= 20


@pytest.mark.parametrize("api_name", ["/horse_to_zebra", "/sketch_to_shoe"])
def test_every_hostile_upload_gets_an_image_or_a_clear_message(client, hostile_files, api_name):
    rows, crashes = [], []
    for name, path, expect, expected in hostile_files:
        args = (handle_file(str(path)), "horse2zebra") if api_name == "/horse_to_zebra" else (handle_file(str(path)),)
        result, error, logs = call(client, *args, api_name=api_name)
        if result is not None:
            with Image.open(result) as im:
                outcome = f"image {im.width}x{im.height}"
                if api_name == "/horse_to_zebra":   # the whole photo, at most 2:1, short side the model's
                    assert min(im.size) >= 32 and max(im.size) <= 2 * min(im.size), (name, outcome)
                else:
                    assert im.width == im.height >= 32, (name, outcome)
        else:
            outcome = error
            if not is_clear(error):
                crashes.append((name, error))
        rows.append((name, outcome, logs))
        if expect == "error":
            # exactly what load_image says about this file, not a generic failure
            assert error == expected, (name, error, expected)
        elif api_name == "/horse_to_zebra":
            assert result is not None, (name, error)
        else:  # a valid picture may hold no lines to trace: then the sketch message, nothing else
            assert result is not None or error == str(EmptySketch()), (name, error)
        if name == "animated_gif":
            assert "The image is animated; its first frame was used." in logs
        if name == "tiny_16px":
            assert any("upscaled to 64x64" in m for m in logs), logs
        assert still_serving(client), f"the app stopped answering after {name}"
    print(f"\n{api_name}: {len(rows)} inputs, {len(crashes)} crashes")
    for name, outcome, logs in rows:
        print(f"  {name:<22} {outcome}" + (f"  [note: {'; '.join(logs)}]" if logs else ""))
    assert crashes == []


def test_an_upload_as_a_data_url_is_validated_too(client):
    """The browser can send a pasted image as a data: URL instead of a file."""
    import base64

    blob = dict((n, b) for n, b, _ in CORPUS)["png_bomb_header"]
    payload = {"url": "data:image/png;base64," + base64.b64encode(blob).decode(), "meta": {"_type": "gradio.FileData"}}
    _, error, _ = call(client, payload, "horse2zebra", api_name="/horse_to_zebra")
    assert error is not None and "decompression bomb" in error


# ---------------------------------------------------------------- numbers, names and ids
BAD_CALLS = [
    # (api_name, args, part of the message)
    ("/generate", ("mnist-dcgan", 0, -3), "minimum value 1"),
    ("/generate", ("mnist-dcgan", 0, 10000), "maximum value 64"),
    ("/generate", ("mnist-dcgan", 0, "abc"), "How many must be a number"),
    ("/generate", ("mnist-dcgan", "abc", 4), "Seed must be a number"),
    ("/generate", ("mnist-dcgan", -5, 4), "minimum value 0"),
    ("/generate", ("mnist-dcgan", 0, 2.5), "count must be a whole number"),
    ("/generate", ("../../etc", 0, 4), "is not a model name"),
    ("/generate", ("/etc/passwd", 0, 4), "is not a model name"),
    ("/generate", ("~/.ssh", 0, 4), "is not a model name"),
    ("/generate", ("..\\..\\windows", 0, 4), "is not a model name"),
    ("/generate", ("tests/../genapp", 0, 4), "is not a model name"),
    ("/generate", ("a/b/c", 0, 4), "is not a model name"),
    ("/generate", (["mnist-dcgan"], 0, 4), "Choose a model first"),
    ("/interpolate", ("mnist-dcgan", 1, 2, 0, "slerp"), "minimum value 2"),
    ("/interpolate", ("mnist-dcgan", 1, 2, 1000, "slerp"), "maximum value 16"),
    ("/interpolate", ("mnist-dcgan", 1, 2, 8, "cubic"), "not in the list of choices"),
    ("/interpolate", ("../x", 1, 2, 8, "slerp"), "is not a model name"),
    ("/conditional", ("mnist-cgan", "3", 0, 10000), "maximum value 64"),
    ("/conditional", ("mnist-cgan", "3", 0, -1), "minimum value 1"),
    ("/conditional", ("mnist-cgan", "3", "x", 4), "Seed must be a number"),
    ("/conditional", ("../../etc", "3", 0, 4), "is not a model name"),
    ("/train_start", ("dcgan", "mnist", 0, 8, None, 0), "minimum value 1"),
    ("/train_start", ("dcgan", "mnist", -5, 8, None, 0), "minimum value 1"),
    ("/train_start", ("dcgan", "mnist", 10**12, 8, None, 0), "maximum value"),
    ("/train_start", ("dcgan", "mnist", 10, 0, None, 0), "minimum value 1"),
    ("/train_start", ("dcgan", "mnist", 10, 8, "abc", 0), "Learning rate must be a number"),
    ("/train_start", ("dcgan", "mnist", 10, 8, -0.1, 0), "learning rate must be above 0"),
    ("/train_start", ("dcgan", "mnist", 10, 8, None, "seed"), "Seed must be a number"),
    ("/train_start", ("stylegan9", "mnist", 10, 8, None, 0), "not in the list of choices"),
    ("/train_start", ("dcgan", "../../etc", 10, 8, None, 0), "trains on"),
    ("/train_status", ("../x",), "is not a run id"),
    ("/train_status", ("/etc/passwd",), "is not a run id"),
    ("/train_status", ("x" * 5000,), "is not a run id"),
    ("/train_stop", ("../../runs",), "is not a run id"),
    ("/push_to_hub", ("../x", "alice/model", "hf_x"), "is not a run id or a pretrained model name"),
    ("/push_to_hub", ("no-such-run", "alice/model", "hf_x"), "No finished run or installed pretrained model"),
    ("/sketch_to_shoe", (None,), "The sketch is empty"),
    ("/horse_to_zebra", (None, "horse2zebra"), "Upload a photo"),
]


@pytest.mark.parametrize("api_name,args,part", BAD_CALLS, ids=[f"{c[0]}-{i}" for i, c in enumerate(BAD_CALLS)])
def test_bad_input_gets_a_clear_message_and_the_app_keeps_serving(client, api_name, args, part):
    result, error, _ = call(client, *args, api_name=api_name)
    assert result is None and is_clear(error), (args, error)
    assert part in error, error
    assert len(error) < 400  # a 5000-character run id is not echoed back whole
    assert still_serving(client)


def test_a_full_training_queue_says_the_app_is_busy(client, monkeypatch):
    from genapp.runs import registry

    monkeypatch.setattr(registry(), "max_queue", 0)  # as if the queue were full
    _, error, _ = call(client, "toy1010", "toy1010", 10, 4, None, 0, api_name="/train_start")
    assert error.startswith("The app is busy, try again in a few minutes: The training queue is full")
    monkeypatch.undo()
    assert still_serving(client)


def test_hub_ids_are_hub_ids_never_local_folders(client, app_env, tmp_path, monkeypatch):
    """'owner/name' that happens to be a model folder next to the server is fetched from the Hub
    only: here (offline, not cached) that means the tab's pretrained model, with a notice."""
    import shutil

    shutil.copytree(app_env.pretrained / "mnist-gan", tmp_path / "alice" / "local-gan")
    monkeypatch.chdir(tmp_path)  # "alice/local-gan" is now a real folder relative to the server
    result, error, logs = call(client, "alice/local-gan", 0, 4, api_name="/generate")
    assert error is None, error
    assert "alice/local-gan could not be loaded because offline mode is on (HF_HUB_OFFLINE=1); showing the " \
           "pretrained model mnist-dcgan instead." in logs
    fallback = np.asarray(Image.open(client.predict("mnist-dcgan", 0, 4, api_name="/generate")))
    assert np.array_equal(np.asarray(Image.open(result)), fallback)  # mnist-dcgan, not the local folder


def test_queue_settings_come_from_the_environment(monkeypatch, app_env):
    from genapp.ui.app import build_app, queue_settings

    assert queue_settings() == {"max_size": 64, "default_concurrency_limit": 2}
    monkeypatch.setenv("GENAPP_MAX_QUEUE_SIZE", "5")
    monkeypatch.setenv("GENAPP_CONCURRENCY", "1")
    demo = build_app()
    assert (demo._queue.max_size, demo._queue.default_concurrency_limit) == (5, 1)
    # an idle queue polls every 5 ms (Gradio: 1 ms) and for progress every 50 ms (Gradio: 10 ms)
    assert (demo._queue.sleep_when_free, demo._queue.progress_update_sleep_when_free) == (0.005, 0.05)
    monkeypatch.setenv("GENAPP_QUEUE_POLL_MS", "20")
    assert build_app()._queue.sleep_when_free == 0.02
    # model calls share one concurrency group; status polls never wait behind them
    fns = {fn.api_name: fn for fn in demo.fns.values() if fn.api_name}
    assert {fns[n].concurrency_id for n in ("generate", "interpolate", "conditional", "sketch_to_shoe",
                                            "horse_to_zebra")} == {"models"}
    assert fns["train_status"].concurrency_limit is None
    monkeypatch.setenv("GENAPP_MAX_QUEUE_SIZE", "lots")
    assert queue_settings()["max_size"] == 64
