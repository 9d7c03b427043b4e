"""The app's Hub panel and Hub pulls, against a fake Hub in this process (tests/fake_hub.py).

The session app (conftest.py) runs in this process and reads the Hub settings at call time, so
each test points it at a fresh fake Hub for its duration: HF_HUB_OFFLINE off, HF_ENDPOINT (and
huggingface_hub's constants, read at import) at the fake server, an empty cache, no saved login.

* push a finished run through /push_to_hub, pull it back by repo id in /generate: same pictures;
* the token never appears in a response, the run folder, the pushed files or the logs;
* an anonymous visitor cannot push with the server's token unless the owner opts in;
* offline, a Hub id falls back to the pretrained model and the visitor is told so;
* a running training pushes periodically and stops when the run ends.
"""
from __future__ import annotations

import json
import logging
import socket
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from gradio_client.exceptions import AppError
from huggingface_hub import ModelCard, constants
from PIL import Image

from genapp import hub

from .fake_hub import FakeHub

pytestmark = pytest.mark.filterwarnings("ignore:::gradio.queueing")  # pandas 3 deprecations inside Gradio

TOKEN = "hf_VisitorWriteToken_a41c9e07"       # what a visitor pastes in the Hub panel
SERVER_TOKEN = "hf_SpaceOwnerToken_0b7d2f55"  # the Space's own HF_TOKEN


def point_at(monkeypatch, url: str) -> None:
    monkeypatch.setenv("HF_ENDPOINT", url)
    monkeypatch.setattr(constants, "ENDPOINT", url)
    monkeypatch.setattr(constants, "HUGGINGFACE_CO_URL_TEMPLATE", url + "/{repo_id}/resolve/{revision}/{filename}")


@pytest.fixture()
def fake_hub(client, tmp_path, monkeypatch):
    """The live app, online, talking to a fake Hub that accepts TOKEN for writes."""
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_HUB_OFFLINE", hub.SERVER_TOKEN_FLAG):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(tmp_path / "no-saved-token"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    hub.forget_downloads()
    with FakeHub({TOKEN}) as fh:
        point_at(monkeypatch, fh.url)
        yield fh
    hub.forget_downloads()


def call(client, *args, api_name: str):
    """One call: (result or None, the error message or None, every update's log and progress text)."""
    job = client.submit(*args, api_name=api_name)
    try:
        result, error = job.result(timeout=180), None
    except AppError as exc:
        result, error = None, str(exc)
    texts, updates = [], job.communicator.updates
    while not updates.empty():
        update = updates.get_nowait()
        if getattr(update, "log", None):
            texts.append(update.log[0])
        for unit in getattr(update, "progress_data", None) or []:
            texts.append(str(unit.desc))
    return result, error, texts


def pixels(path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


def finished_run(client, family: str = "dcgan", dataset: str = "mnist", steps: int = 4) -> str:
    run_id = client.predict(family, dataset, steps, 4, None, 0, api_name="/train_start")
    end = time.monotonic() + 180
    while True:
        status, _ = client.predict(run_id, api_name="/train_status")
        if status["status"] not in ("queued", "running"):
            assert status["status"] == "finished", status
            return run_id
        assert time.monotonic() < end, status
        time.sleep(0.3)


def folder_bytes(folder: Path) -> list[bytes]:
    return [p.read_bytes() for p in Path(folder).rglob("*") if p.is_file()]


def assert_no_token(*blobs, token: str = TOKEN) -> None:
    for blob in blobs:
        if isinstance(blob, bytes):
            assert token.encode() not in blob
        else:
            assert token not in str(blob)


# ---------------------------------------------------------------- push -> pull, through the app
def test_push_a_run_then_pull_it_by_repo_id_in_a_playground(client, fake_hub, app_env, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    run_id = finished_run(client)
    url, error, progress = call(client, run_id, "alice/app-dcgan", TOKEN, api_name="/push_to_hub")
    assert error is None, error
    assert url == f"{fake_hub.url}/alice/app-dcgan"
    assert any(t.startswith("Uploading") for t in progress), progress  # the panel showed the stages
    assert TOKEN in {r.token for r in fake_hub.requests}  # it pushed as the visitor

    files = fake_hub.files("alice/app-dcgan")
    assert set(files) == {".gitattributes", "config.json", "model.safetensors", "README.md", "sample.png"}
    assert files["model.safetensors"] == (app_env.runs / run_id / "model.safetensors").read_bytes()
    card = ModelCard(files["README.md"].decode())
    assert card.data.library_name == "genapp" and "dcgan" in card.data.tags
    assert "## Metrics" in card.text and "| `loss_d` |" in card.text

    # the repo id in the Latent tab's model picker: the pushed weights, the same pictures
    n = len(fake_hub.requests)
    pulled, error, notes = call(client, "alice/app-dcgan", 3, 4, api_name="/generate")
    assert error is None and notes == [], (error, notes)
    assert np.array_equal(pixels(pulled), pixels(client.predict(run_id, 3, 4, api_name="/generate")))
    assert {r.token for r in fake_hub.requests[n:]} == {None}  # playground pulls are anonymous
    assert any(p.endswith("/model.safetensors") for p in fake_hub.paths_requested("GET", since=n))  # a real download

    status, _ = client.predict(run_id, api_name="/train_status")
    out = capfd.readouterr()
    assert_no_token(url, progress, notes, json.dumps(status), caplog.text, out.out, out.err,
                    *files.values(), *folder_bytes(app_env.runs / run_id),
                    client.view_api(print_info=False, return_format="str"))


def test_push_a_pretrained_model_and_the_token_rules(client, fake_hub, monkeypatch, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    url = client.predict("mnist-cgan", "alice/pretrained-cgan", TOKEN, True, api_name="/push_to_hub")
    assert url == f"{fake_hub.url}/alice/pretrained-cgan" and fake_hub.repos["alice/pretrained-cgan"].private
    assert json.loads(fake_hub.files("alice/pretrained-cgan")["config.json"])["family"] == "cgan"

    # a visitor with no token, on a Space that has its owner's HF_TOKEN: refused before any request
    monkeypatch.setenv("HF_TOKEN", SERVER_TOKEN)
    fake_hub.write_tokens.add(SERVER_TOKEN)
    n = len(fake_hub.requests)
    _, error, _ = call(client, "mnist-cgan", "owner/model", "", api_name="/push_to_hub")
    assert error.startswith("No Hugging Face token given.") and hub.SERVER_TOKEN_FLAG in error
    assert len(fake_hub.requests) == n
    # ... unless the owner opts in
    monkeypatch.setenv(hub.SERVER_TOKEN_FLAG, "1")
    assert client.predict("mnist-cgan", "owner/model", "", api_name="/push_to_hub") == f"{fake_hub.url}/owner/model"
    assert fake_hub.requests[-1].token == SERVER_TOKEN
    monkeypatch.delenv(hub.SERVER_TOKEN_FLAG)

    # a refused token: the server quotes it back, the visitor's message does not
    fake_hub.echo_token_in_errors = True
    wrong = "hf_NotAWriteToken_93e1"
    _, error, texts = call(client, "mnist-cgan", "alice/other", wrong, api_name="/push_to_hub")
    assert "HTTP 403" in error and "hf_***" in error
    assert_no_token(error, texts, token=wrong)
    # a bad repo id: a message, nothing sent; a token pasted in the wrong field is not quoted back
    assert "is not a Hub repo id" in call(client, "mnist-cgan", "not a repo", TOKEN, api_name="/push_to_hub")[1]
    for args in (("mnist-cgan", TOKEN, TOKEN), ("mnist-cgan", TOKEN, ""), (TOKEN, "alice/x", TOKEN)):
        _, error, _ = call(client, *args, api_name="/push_to_hub")
        assert error.startswith("That looks like an access token in the wrong field") and TOKEN not in error
    out = capfd.readouterr()
    for secret in (TOKEN, SERVER_TOKEN, wrong):
        ours = [r.getMessage() for r in caplog.records
                if r.name.split(".")[0] in ("genapp", "huggingface_hub", "gradio")]
        assert_no_token(out.out, out.err, *ours, url, token=secret)


def test_pull_refuses_a_pickle_repo_with_a_message(client, fake_hub):
    fake_hub.add_repo("mallory/mnist-dcgan", {"config.json": b'{"family": "dcgan", "dataset": "mnist"}',
                                              "pytorch_model.bin": b"\x80\x04not really a pickle"})
    _, error, _ = call(client, "mallory/mnist-dcgan", 0, 4, api_name="/generate")
    assert "pytorch_model.bin, which GAN Studio never loads" in error
    assert not any("pytorch_model.bin" in p for p in fake_hub.paths_requested())
    _, error, _ = call(client, "nobody/nothing", 0, 4, api_name="/generate")
    assert error.startswith("No model repo nobody/nothing on the Hub")  # online: a typo is an error, no fallback


# ---------------------------------------------------------------- offline
def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens there: connection refused, like a dead network


def test_offline_a_hub_id_falls_back_to_the_pretrained_model_and_says_so(client, fake_hub, monkeypatch):
    client.predict("mnist-dcgan", "alice/cached-dcgan", TOKEN, api_name="/push_to_hub")
    pushed = pixels(client.predict("alice/cached-dcgan", 0, 4, api_name="/generate"))  # now in the cache
    pretrained = pixels(client.predict("mnist-dcgan", 0, 4, api_name="/generate"))

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    hub.forget_downloads()
    n = len(fake_hub.requests)
    result, error, notes = call(client, "alice/never-pushed", 0, 4, api_name="/generate")
    assert error is None and np.array_equal(pixels(result), pretrained)
    assert notes == ["alice/never-pushed could not be loaded because offline mode is on (HF_HUB_OFFLINE=1); "
                     "showing the pretrained model mnist-dcgan instead."]
    # each tab falls back to a model it can use
    _, error, notes = call(client, "alice/some-cgan", "3", 0, 4, api_name="/conditional")
    assert error is None and notes[0].endswith("showing the pretrained model fashion-cgan instead.")
    # a repo pulled before is served from the cache, with no notice
    result, error, notes = call(client, "alice/cached-dcgan", 0, 4, api_name="/generate")
    assert error is None and notes == [] and np.array_equal(pixels(result), pushed)
    # a push says it cannot
    assert "Offline mode" in call(client, "mnist-dcgan", "alice/x", TOKEN, api_name="/push_to_hub")[1]
    assert len(fake_hub.requests) == n  # offline means no request at all

    monkeypatch.delenv("HF_HUB_OFFLINE")
    point_at(monkeypatch, closed_port_url())  # online, but the network is gone
    start = time.perf_counter()
    _, error, notes = call(client, "bob/some-gan", 0, 4, api_name="/generate")
    assert error is None and time.perf_counter() - start < 10
    assert notes == ["bob/some-gan could not be loaded because the Hugging Face Hub cannot be reached; "
                     "showing the pretrained model mnist-dcgan instead."]


# ---------------------------------------------------------------- pushing while training
def test_a_running_training_pushes_periodically_and_stops_when_it_ends(client, fake_hub, app_env, monkeypatch,
                                                                       caplog, capfd):
    from genapp.ui.tabs import train_hub

    caplog.set_level(logging.INFO)
    run_id = client.predict("toy1010", "toy1010", 3000, 8, None, 0, api_name="/train_start")
    _, error, _ = call(client, run_id, "alice/live", TOKEN, 1, api_name="/push_periodically")
    assert "between 5 and 1440 minutes" in error  # never every step, nor every minute

    monkeypatch.setattr(train_hub, "MIN_PUSH_MINUTES", 0.0)  # a test cannot wait 5 minutes
    started, error, _ = call(client, run_id, "alice/live", TOKEN, 0.005, api_name="/push_periodically")
    assert error is None and started.startswith(f"Pushing run {run_id} to alice/live every 0.005 minutes")

    end = time.monotonic() + 300  # a 3,000-step toy run; minutes on a busy 2-core machine
    while run_id in train_hub._pushers or run_id not in train_hub._push_notes:  # the run ends, the pusher stops
        assert time.monotonic() < end, "the periodic push did not stop with the run"
        time.sleep(0.3)
    status, _ = client.predict(run_id, api_name="/train_status")
    assert status["status"] == "finished"
    final = client.predict(run_id, api_name="/stop_periodic_push")
    assert final.startswith(f"Run {run_id} finished: pushed to alice/live")
    while any(t.name.startswith("hub-push") for t in threading.enumerate()):  # the pusher's threads end
        assert time.monotonic() < end, [t.name for t in threading.enumerate()]
        time.sleep(0.1)

    commits = fake_hub.repos["alice/live"].commits[1:]
    assert len(commits) >= 2  # pushes while it trained, and the last one when it ended
    final_weights = (app_env.runs / run_id / "model.safetensors").read_bytes()
    assert fake_hub.files("alice/live")["model.safetensors"] == final_weights  # the last push: the final weights
    out = capfd.readouterr()
    assert_no_token(started, final, json.dumps(status), caplog.text, out.out, out.err,
                    *folder_bytes(app_env.runs / run_id))
    _, error, _ = call(client, run_id, "alice/live", TOKEN, 10, api_name="/push_periodically")
    assert "use Push to the Hub for a run that is over" in error
