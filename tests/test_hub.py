"""Hub push and pull against a fake Hub in this process (tests/fake_hub.py): no internet needed.

huggingface_hub reads HF_ENDPOINT and HF_HUB_OFFLINE once, at import, so the fixture both sets
the environment (what genapp.hub reads at call time) and patches huggingface_hub.constants.
"""
from __future__ import annotations

import json
import logging
import os
import pickle
import shutil
import socket
import time
import traceback
from pathlib import Path

import pytest
import torch
from huggingface_hub import ModelCard, constants
from safetensors.torch import load_file

import genapp
from genapp import checkpoints as ckpt
from genapp import hub
from genapp.config import TrainConfig
from genapp.data import Dataset
from genapp.trainer import train
from tests.fake_hub import FakeHub

TOKEN = "hf_UserWriteToken_7d3f9a2c"      # what a user pastes in the app
SERVER_TOKEN = "hf_SpaceOwnToken_51c2e0b4"  # the Space's own HF_TOKEN
COMMAND = "python -m train dcgan --dataset mnist --steps 4 --batch-size 4 --set ngf=8 --set ndf=8"


def tiny_mnist(n: int = 32) -> Dataset:
    """MNIST-shaped random digits: the hub tests need files, not a trained model."""
    g = torch.Generator().manual_seed(0)
    return Dataset("mnist", {"x": torch.randint(0, 256, (n, 1, 28, 28), generator=g, dtype=torch.uint8),
                             "y": torch.randint(0, 10, (n,), generator=g)})


def tiny_dcgan():
    torch.manual_seed(0)
    return genapp.build_model("dcgan", "mnist", ngf=8, ndf=8)


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory) -> Path:
    """A finished 4-step run: config.json (+ "train"), model.safetensors, metrics.jsonl, samples/."""
    folder = tmp_path_factory.mktemp("runs") / "00001-dcgan-mnist"
    cfg = TrainConfig(steps=4, batch_size=4, sample_every=2, checkpoint_every=2, log_every=1, device="cpu",
                      seed=0, command=COMMAND)
    assert train(tiny_dcgan(), cfg, folder, dataset=tiny_mnist())["status"] == "finished"
    return folder


def point_at(monkeypatch, url: str) -> None:
    monkeypatch.setenv("HF_ENDPOINT", url)
    monkeypatch.setattr(constants, "ENDPOINT", url)
    monkeypatch.setattr(constants, "HUGGINGFACE_CO_URL_TEMPLATE", url + "/{repo_id}/resolve/{revision}/{filename}")


@pytest.fixture()
def clean_env(tmp_path, monkeypatch):
    """No token, no opt-in, online, an empty cache, no saved login."""
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_HUB_OFFLINE", hub.SERVER_TOKEN_FLAG):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(tmp_path / "no-saved-token"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    hub.forget_downloads()
    yield
    hub.forget_downloads()


@pytest.fixture()
def fake_hub(clean_env, monkeypatch):
    with FakeHub({TOKEN}) as fh:
        point_at(monkeypatch, fh.url)
        yield fh


def assert_no_token(*blobs, token: str = TOKEN) -> None:
    for blob in blobs:
        if isinstance(blob, bytes):
            assert token.encode() not in blob
        else:
            assert token not in str(blob)


def folder_bytes(folder: Path) -> list[bytes]:
    return [p.read_bytes() for p in Path(folder).rglob("*") if p.is_file()]


def state_dicts_equal(a, b) -> bool:
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


# ---------------------------------------------------------------- push -> pull
def test_push_then_pull_gives_identical_weights_and_a_card(fake_hub, run_folder, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    stages = []
    url = hub.push(run_folder, "alice/mnist-dcgan", TOKEN, progress=lambda f, msg: stages.append((f, msg)))
    assert url == f"{fake_hub.url}/alice/mnist-dcgan"
    assert [f for f, _ in stages] == sorted(f for f, _ in stages) and stages[-1][0] == 1.0
    assert TOKEN in {r.token for r in fake_hub.requests}  # it pushed as the user
    files = fake_hub.files("alice/mnist-dcgan")
    assert set(files) == {".gitattributes", "config.json", "model.safetensors", "README.md", "sample.png"}
    assert files["model.safetensors"] == (run_folder / "model.safetensors").read_bytes()
    assert files["sample.png"] == sorted((run_folder / "samples").glob("step_*.png"))[-1].read_bytes()

    pulled, local = genapp.load("alice/mnist-dcgan"), genapp.load(str(run_folder))
    assert Path(pulled.source).is_relative_to(os.environ["HF_HUB_CACHE"])  # a download, not the run folder
    assert state_dicts_equal(pulled, local)
    assert torch.equal(pulled.generate(8, seed=3), local.generate(8, seed=3))

    card = ModelCard.load(Path(pulled.source) / "README.md")
    assert card.data.library_name == "genapp"
    assert card.data.pipeline_tag == "unconditional-image-generation"
    assert {"gan-studio", "dcgan", "mnist"} <= set(card.data.tags)
    records = ckpt.read_jsonl(run_folder / "metrics.jsonl")
    for name in ("loss_d", "loss_g", "d_x", "d_g_z"):
        last = [r for r in records if name in r][-1]
        assert f"| `{name}` | {last[name]:.4g} | {last['step']} |" in card.text
    assert "](sample.png)" in card.text and (Path(pulled.source) / "sample.png").is_file()
    assert COMMAND in card.text and "| seed | 0 |" in card.text and "28×28 px, 1 channel" in card.text
    assert "finished at step 4" in card.text

    out = capsys.readouterr()
    assert_no_token(url, stages, caplog.text, out.out, out.err, *files.values(), *folder_bytes(run_folder),
                    *folder_bytes(Path(pulled.source)))


def test_push_a_pretrained_folder_keeps_its_own_card(fake_hub, run_folder, tmp_path):
    folder = tmp_path / "mnist-dcgan"
    tiny_dcgan().save_pretrained(folder)  # config.json, model.safetensors, the mixin's placeholder card
    hub.push(folder, "alice/placeholder", TOKEN)
    card = ModelCard(fake_hub.files("alice/placeholder")["README.md"].decode())
    assert "PytorchModelHubMixin" not in card.text and "Equivalent command" in card.text  # rendered instead

    own = "---\nlicense: mit\ntags:\n- course\n---\n\n# mnist-dcgan\n\nTrained for the lecture; FID 12.3.\n"
    (folder / "README.md").write_text(own)
    shutil.copy(sorted((run_folder / "samples").glob("*.png"))[-1], folder / "sample.png")
    hub.push(folder, "alice/pretrained", TOKEN)
    files = fake_hub.files("alice/pretrained")
    card = ModelCard(files["README.md"].decode())
    assert card.text.startswith("\n# mnist-dcgan\n\nTrained for the lecture; FID 12.3.\n")  # kept
    assert "](sample.png)" in card.text and files["sample.png"] == (folder / "sample.png").read_bytes()
    assert card.data.license == "mit" and card.data.library_name == "genapp"
    assert card.data.pipeline_tag == "unconditional-image-generation" and {"course", "dcgan"} <= set(card.data.tags)


def test_pull_is_cached_and_served_offline(fake_hub, run_folder, monkeypatch):
    hub.push(run_folder, "alice/cached", TOKEN)
    first = hub.download("alice/cached")
    n = len(fake_hub.requests)
    assert hub.download("alice/cached") == first and len(fake_hub.requests) == n  # recent: no request at all
    hub.forget_downloads()
    assert hub.download("alice/cached") == first
    assert set(fake_hub.paths_requested(since=n)) == {"/api/models/alice/cached/revision/main"}  # files: the cache

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    hub.forget_downloads()
    n = len(fake_hub.requests)
    assert hub.download("alice/cached") == first and len(fake_hub.requests) == n


# ---------------------------------------------------------------- what a pull refuses
class _Bomb:
    """Unpickling this creates a file: what a hostile pytorch_model.bin could do instead."""

    def __init__(self, path: Path):
        self.path = str(path)

    def __reduce__(self):
        return open, (self.path, "w")


def test_pull_rejects_a_pickle_repo_and_nothing_executes(fake_hub, run_folder, tmp_path, monkeypatch):
    probe = tmp_path / "probe"
    pickle.loads(pickle.dumps(_Bomb(probe))).close()
    assert probe.exists()  # the payload is live: loading it would run code

    marker = tmp_path / "pwned"
    bomb = pickle.dumps(_Bomb(marker))
    config = json.dumps(tiny_dcgan().config_dict()).encode()
    fake_hub.add_repo("mallory/mnist-dcgan", {"config.json": config, "pytorch_model.bin": bomb})

    def no_unpickling(*args, **kwargs):
        raise AssertionError("something tried to unpickle a download")
    for module, name in ((torch, "load"), (pickle, "load"), (pickle, "loads")):
        monkeypatch.setattr(module, name, no_unpickling)

    with pytest.raises(hub.HubError, match=r"pytorch_model\.bin, which GAN Studio never loads"):
        genapp.load("mallory/mnist-dcgan")
    assert not marker.exists()
    assert not any("pytorch_model.bin" in p for p in fake_hub.paths_requested())  # not even downloaded

    # safetensors next to a pickle: the model loads, the pickle stays on the server
    hub.push(run_folder, "mallory/both", TOKEN)
    fake_hub.add_repo("mallory/both", {"pytorch_model.bin": bomb})
    model = genapp.load("mallory/both")
    assert not (Path(model.source) / "pytorch_model.bin").exists()
    assert not any("pytorch_model.bin" in p for p in fake_hub.paths_requested())
    assert not marker.exists()


@pytest.mark.parametrize("case, message", [
    ("no weights", "has no model.safetensors: it is not a GAN Studio model"),
    ("unknown family", "unknown family 'stylegan9'"),
    ("weights of another config", "do not match its config.json"),
    ("giant config", "network, too big for a course model"),
    ("oversized file", "more than the 0.0 MB a course model needs"),
    ("missing repo", "No model repo nobody/"),
])
def test_pull_refuses_what_is_not_a_course_model(fake_hub, run_folder, monkeypatch, case, message):
    config = tiny_dcgan().config_dict()
    weights = (run_folder / "model.safetensors").read_bytes()
    files = {
        "no weights": {"config.json": config},
        "unknown family": {"config.json": {**config, "family": "stylegan9"}, "model.safetensors": weights},
        "weights of another config": {"config.json": {**config, "ngf": 16}, "model.safetensors": weights},
        # built on the meta device: refused without allocating the 100k-channel network it describes
        "giant config": {"config.json": {**config, "ngf": 100_000}, "model.safetensors": weights},
        "oversized file": {"config.json": config, "model.safetensors": weights},
    }.get(case)
    if case == "oversized file":
        monkeypatch.setitem(hub.MAX_BYTES, "model.safetensors", 1000)
    repo_id = "nobody/nothing"
    if files is not None:
        repo_id = f"mallory/{case.replace(' ', '-')}"
        fake_hub.add_repo(repo_id, {k: json.dumps(v).encode() if isinstance(v, dict) else v for k, v in files.items()})
    with pytest.raises(hub.HubError, match=message):
        genapp.load(repo_id)


# ---------------------------------------------------------------- tokens
def test_token_rules_keep_the_servers_token_to_the_owner(fake_hub, run_folder, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", SERVER_TOKEN)  # a Space with its owner's token
    fake_hub.write_tokens.add(SERVER_TOKEN)
    assert not hub.server_token_allowed()
    with pytest.raises(hub.HubError, match="No Hugging Face token given") as err:
        hub.resolve_token("  ")
    assert "set HF_TOKEN" in str(err.value) and hub.SERVER_TOKEN_FLAG in str(err.value)
    assert_no_token(str(err.value), token=SERVER_TOKEN)
    assert hub.resolve_token(f" {TOKEN}\n") == TOKEN

    with pytest.raises(hub.HubError, match="No Hugging Face token given"):
        hub.push(run_folder, "owner/model", token=None)  # an anonymous visitor
    assert fake_hub.requests == []  # refused before any request

    hub.push(run_folder, "owner/private", SERVER_TOKEN, private=True)  # the owner, token typed in
    n = len(fake_hub.requests)
    with pytest.raises(hub.HubError, match="No model repo owner/private"):
        hub.download("owner/private")  # an anonymous visitor cannot read it through the server's token
    assert [r.token for r in fake_hub.requests[n:]] == [None]

    monkeypatch.setenv(hub.SERVER_TOKEN_FLAG, "1")  # the owner opts in
    assert hub.server_token_allowed() and hub.resolve_token(None) == SERVER_TOKEN
    assert (hub.download("owner/private") / "model.safetensors").is_file()
    assert hub.push(run_folder, "owner/model", token=None) == f"{fake_hub.url}/owner/model"
    assert fake_hub.requests[-1].token == SERVER_TOKEN
    monkeypatch.setenv(hub.SERVER_TOKEN_FLAG, "true")  # only "1" opts in
    assert not hub.server_token_allowed()

    leaky = tmp_path / "leaky"  # a token pasted into a config field is never published
    shutil.copytree(run_folder, leaky)
    config = json.loads((leaky / "config.json").read_text())
    config["train"]["command"] += f" --set note={TOKEN}"
    (leaky / "config.json").write_text(json.dumps(config))
    n = len(fake_hub.requests)
    with pytest.raises(hub.HubError, match="contains the Hugging Face token") as err:
        hub.push(leaky, "alice/leaky", TOKEN)
    assert len(fake_hub.requests) == n
    assert_no_token(str(err.value))


def test_token_never_appears_in_errors_or_logs(clean_env, run_folder, tmp_path, monkeypatch, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    with FakeHub({"hf_some_other_token"}, echo_token_in_errors=True) as careless:  # quotes the token it got
        point_at(monkeypatch, careless.url)
        with pytest.raises(hub.HubError, match=r"HTTP 403.*hf_\*\*\*.*write access, to push") as err:
            hub.push(run_folder, "alice/mnist-dcgan", TOKEN)
        assert TOKEN in {r.token for r in careless.requests}  # the server did get it, and echoed it

        folder = tmp_path / "live"
        shutil.copytree(run_folder, folder)
        pusher = hub.PeriodicPusher(folder, "alice/live", TOKEN, every_minutes=0.05 / 60).start()
        try:
            deadline = time.monotonic() + 10
            while pusher.last_error is None and time.monotonic() < deadline:
                time.sleep(0.02)
            assert pusher._thread.is_alive()  # a failed push does not end the schedule
        finally:
            pusher.stop(final_push=False)
    assert "HTTP 403" in pusher.last_error and "hf_***" in pusher.last_error
    out = capsys.readouterr()
    # What we and huggingface_hub log. (httpcore's DEBUG wire trace does show this server's echo in
    # its response headers; the round-trip test checks every logger, at DEBUG, with an honest server.)
    ours = [r.getMessage() for r in caplog.records if r.name.split(".")[0] in ("genapp", "huggingface_hub")]
    assert any("periodic push to alice/live failed" in m for m in ours)
    assert_no_token(str(err.value), repr(err.value), "".join(traceback.format_exception(err.value)),
                    pusher.last_error, repr(pusher), *ours, out.out, out.err, *folder_bytes(folder))


# ---------------------------------------------------------------- offline
def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens there: connection refused, like a dead network


def test_offline_gives_a_clear_message_and_the_pretrained_fallback(fake_hub, run_folder, tmp_path, monkeypatch):
    pretrained = tmp_path / "pretrained"
    tiny_dcgan().save_pretrained(pretrained / "mnist-dcgan")
    monkeypatch.setenv("GENAPP_PRETRAINED_DIR", str(pretrained))
    with pytest.raises(hub.HubError, match="No model repo nobody/nothing"):
        hub.resolve_with_fallback("nobody/nothing")  # online, a wrong name is an error, not a fallback

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    n = len(fake_hub.requests)
    with pytest.raises(hub.HubOffline) as err:
        genapp.load("alice/mnist-dcgan")
    assert str(err.value) == ("Offline mode (HF_HUB_OFFLINE=1): alice/mnist-dcgan is not in the local cache, "
                              "so it cannot be loaded. The pretrained models still work.")
    folder, notice = hub.resolve_with_fallback("alice/mnist-dcgan")
    assert folder == pretrained / "mnist-dcgan"
    assert notice == ("alice/mnist-dcgan could not be loaded because offline mode is on (HF_HUB_OFFLINE=1); "
                      "showing the pretrained model mnist-dcgan instead.")
    assert hub.resolve_with_fallback("mnist-dcgan") == (pretrained / "mnist-dcgan", "")
    with pytest.raises(hub.HubOffline, match="cannot push"):
        hub.push(run_folder, "alice/mnist-dcgan", TOKEN)
    assert len(fake_hub.requests) == n  # offline means no request

    monkeypatch.delenv("HF_HUB_OFFLINE")
    point_at(monkeypatch, closed_port_url())  # online, but the network is gone
    start = time.perf_counter()
    with pytest.raises(hub.HubOffline, match="The Hugging Face Hub cannot be reached .* not in the local cache"):
        hub.download("bob/some-gan")
    assert time.perf_counter() - start < 5  # a clear answer, not a long retry loop
    folder, notice = hub.resolve_with_fallback("bob/some-gan", fallback="mnist-dcgan")
    assert folder == pretrained / "mnist-dcgan"
    assert notice == ("bob/some-gan could not be loaded because the Hugging Face Hub cannot be reached; "
                      "showing the pretrained model mnist-dcgan instead.")


# ---------------------------------------------------------------- one resolver, one card
def test_the_api_and_the_app_find_models_with_one_resolver(run_folder, tmp_path, monkeypatch):
    pretrained, runs = tmp_path / "pretrained", tmp_path / "runs"
    tiny_dcgan().save_pretrained(pretrained / "mnist-dcgan")
    shutil.copytree(run_folder, runs / "00001-dcgan-mnist")
    monkeypatch.setenv("GENAPP_PRETRAINED_DIR", str(pretrained))
    monkeypatch.setenv("GENAPP_RUNS_DIR", str(runs))
    from genapp import api

    for name, folder in (("mnist-dcgan", pretrained / "mnist-dcgan"), ("00001-dcgan-mnist", runs / "00001-dcgan-mnist")):
        assert api.resolve(name) == folder.resolve()                          # genapp.load
        assert hub.find_model(name, names_only=True) == (folder.resolve(), "")  # the app's pickers
    assert api.resolve(str(run_folder)) == run_folder  # the Python API takes a folder on disk ...
    for not_a_name in (str(run_folder), "../x", "~/.ssh", "a\\b", "a/b/c", "tests/../genapp"):
        with pytest.raises(ValueError, match="is not a model name"):  # ... a visitor's text never reads one
            hub.find_model(not_a_name, names_only=True)
    with pytest.raises(FileNotFoundError, match=r"not in .*Train it with: python -m train dcgan --dataset fashion "
                                                r".*--out pretrained/fashion-dcgan$"):
        api.resolve("fashion-dcgan")
    with pytest.raises(FileNotFoundError, match="No model called 'nope': not a pretrained name"):
        hub.find_model("nope", names_only=True)
    with pytest.raises(FileNotFoundError, match="No model called 'nope': not a folder, a pretrained name"):
        api.resolve("nope")


def test_every_familys_card_takes_its_title_task_and_example_from_the_family():
    from genapp.models import FAMILIES, default_dataset, model_class

    for family in FAMILIES:
        dataset = default_dataset(family)
        cls = model_class(family, dataset)
        card = hub.render_card({"family": family, "dataset": dataset, "train": {"seed": 1, "steps": 10}}, name="m")
        assert cls.title and f"A `{family}` model, {cls.title}, trained on `{dataset}`" in card.text
        assert card.data.pipeline_tag == cls.task and {family, dataset} <= set(card.data.tags)
        assert f"python -m train {family} --dataset {dataset} --steps 10 " in card.text  # no command recorded
        assert ("model.translate(x" if cls.kind == "translation" else "model.generate(16, seed=0") in card.text
    card = hub.render_card({"family": "cyclegan", "dataset": "horse2zebra"}, name="m")
    assert 'model.translate(x, direction="horse2zebra")' in card.text


def test_hub_does_not_import_the_api_above_it():
    import ast

    for path in Path(hub.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [a.name for a in node.names]
                assert "api" not in names and "genapp.api" not in names, f"{path.name} imports genapp.api"


# ---------------------------------------------------------------- pushing while training
def test_periodic_pusher_pushes_at_most_once_per_interval_and_only_new_weights(fake_hub, run_folder, tmp_path):
    folder = tmp_path / "live"
    shutil.copytree(run_folder, folder)
    interval = 0.25
    pusher = hub.PeriodicPusher(folder, "alice/live", TOKEN, every_minutes=interval / 60).start()
    try:
        time.sleep(4.5 * interval)  # the weights do not change: one push, then nothing to push
        assert pusher.pushes == 1 and pusher.skipped >= 2

        weights = load_file(str(folder / "model.safetensors"))
        key = next(k for k, v in weights.items() if v.is_floating_point())
        checkpoints, until = 0, time.monotonic() + 6 * interval
        while time.monotonic() < until:  # training goes on, checkpointing far more often than the interval
            weights[key] += 0.01
            ckpt.atomic_save_tensors(folder / "model.safetensors", weights)
            checkpoints += 1
            time.sleep(0.01)
        pusher.stop()  # and one last push of the final weights
    finally:
        pusher.stop(final_push=False)  # a no-op after stop(); ends the thread if an assert failed

    commits = fake_hub.repos["alice/live"].commits[1:]  # after the repo's initial commit
    assert len(commits) == pusher.pushes >= 3
    scheduled = commits[:-1]  # the last one is stop()'s
    assert all(b.time - a.time >= interval for a, b in zip(scheduled, scheduled[1:]))
    assert checkpoints > 3 * pusher.pushes  # never every step
    assert fake_hub.files("alice/live")["model.safetensors"] == (folder / "model.safetensors").read_bytes()


# ---------------------------------------------------------------- the command line
def test_cli_push_to_hub_uses_hf_token_and_never_stores_it(fake_hub, tmp_path, monkeypatch, capsys):
    from train.__main__ import main

    monkeypatch.setattr("genapp.trainer.dataset_for", lambda model, split="train": tiny_mnist())
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    out = tmp_path / "run"
    args = ["dcgan", "--dataset", "mnist", "--steps", "2", "--batch-size", "4", "--set", "ngf=8", "--set", "ndf=8",
            "--device", "cpu", "--sample-every", "2"]
    assert main(args + ["--out", str(out), "--push-to-hub", "alice/cli-dcgan"]) == 0
    printed = capsys.readouterr()
    assert f"pushed: {fake_hub.url}/alice/cli-dcgan" in printed.out
    card = fake_hub.files("alice/cli-dcgan")["README.md"].decode()
    assert "python -m train dcgan --dataset mnist --steps 2" in card and "--push-to-hub alice/cli-dcgan" in card
    assert_no_token(printed.out, printed.err, *folder_bytes(out), *fake_hub.files("alice/cli-dcgan").values())

    monkeypatch.delenv("HF_TOKEN")  # without a token the CLI says so before training, not after
    with pytest.raises(SystemExit, match="set HF_TOKEN"):
        main(args + ["--out", str(tmp_path / "run2"), "--push-to-hub", "alice/cli-dcgan"])
    assert not (tmp_path / "run2").exists()
