"""Deploying the app to a Space (``genapp.space``) against the fake Hub of tests/fake_hub.py."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from huggingface_hub import constants

from genapp import hub, space
from tests.fake_hub import FakeHub
from tests.test_hub import TOKEN, assert_no_token, clean_env, point_at  # noqa: F401 (fixture)

REPO = Path(__file__).resolve().parent.parent
README = b"---\ntitle: GAN Studio\nsdk: gradio\napp_file: app.py\n---\n# GAN Studio\n"


def small_tree(root: Path) -> Path:
    """An app-shaped folder: what must go, and what must stay home."""
    files = {"app.py": b"print('app')\n", "requirements.txt": b"gradio\n", "README.md": README,
             "genapp/__init__.py": b"", "genapp/x.py": b"X = 1\n", "train/__main__.py": b"",
             "pretrained/m/config.json": b"{}", "pretrained/m/model.safetensors": bytes(range(256)) * 64,
             "docs/API.md": b"# API\n",
             # not for the Space:
             "tests/test_x.py": b"", "bench/b.py": b"", ".ci/run": b"", "runs/00001-dcgan-mnist/config.json": b"{}",
             "genapp/__pycache__/x.cpython-311.pyc": b"\0", "notes.txt": b"mine"}
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


@pytest.fixture()
def fake_hub(clean_env, monkeypatch):  # noqa: F811
    with FakeHub({TOKEN}) as fh:
        point_at(monkeypatch, fh.url)
        yield fh


def test_this_checkout_sends_the_app_and_its_models_and_nothing_else():
    files = space.space_files(REPO)
    assert {"app.py", "requirements.txt", "README.md", "genapp/space.py", "train/__main__.py"} <= set(files)
    for name in ("mnist-dcgan", "fashion-dcgan", "mnist-cgan", "fashion-cgan", "mnist-vae", "mnist-wgan",
                 "mnist-gan", "edges2shoes-pix2pix", "horse2zebra-cyclegan"):
        assert f"pretrained/{name}/model.safetensors" in files and f"pretrained/{name}/config.json" in files
    tracked = subprocess.run(["git", "-C", str(REPO), "ls-files"], capture_output=True, text=True).stdout.split()
    assert set(files) <= set(tracked)  # only tracked files: never a run folder, a venv or the data
    assert not [f for f in files if f.split("/")[0] in ("tests", "bench", ".ci") or "__pycache__" in f]


def test_the_readme_header_is_a_gradio_space_that_starts_app_py():
    """The README's YAML header is what the Space reads: SDK, its version, Python, the app file."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert text.startswith("---\n")
    meta = yaml.safe_load(text.split("---\n")[1])
    assert meta["sdk"] == "gradio" and meta["app_file"] == "app.py" and (REPO / meta["app_file"]).is_file()
    assert str(meta["sdk_version"]).startswith("6.")  # requirements.txt: gradio>=6.0,<7
    assert str(meta["python_version"]) == f"{sys.version_info.major}.{sys.version_info.minor}"  # what the tests ran on
    assert len(meta["short_description"]) <= 60  # the Hub refuses longer ones
    assert space.check_header(REPO) == meta


def test_a_header_the_hub_would_refuse_stops_the_deploy_before_any_upload(fake_hub, tmp_path):
    root = small_tree(tmp_path / "tree")
    (root / "README.md").write_text("---\nsdk: gradio\napp_file: app.py\nshort_description: " + "x" * 61 + "\n---\n")
    with pytest.raises(hub.HubError, match="short_description has 61 characters"):
        space.deploy("alice/studio", TOKEN, root=root, report=lambda m: None)
    (root / "README.md").write_text("---\nsdk: gradio\napp_file: main.py\n---\n")
    with pytest.raises(hub.HubError, match="app_file 'main.py' is not a file"):
        space.deploy("alice/studio", TOKEN, root=root, report=lambda m: None)
    (root / "README.md").write_text("# no header\n")
    with pytest.raises(hub.HubError, match="no YAML header"):
        space.deploy("alice/studio", TOKEN, root=root, report=lambda m: None)
    assert not fake_hub.requests


def test_outside_git_the_same_folders_go_without_caches(tmp_path):
    root = small_tree(tmp_path / "tree")
    assert space.space_files(root) == ["README.md", "app.py", "docs/API.md", "genapp/__init__.py", "genapp/x.py",
                                       "pretrained/m/config.json", "pretrained/m/model.safetensors",
                                       "requirements.txt", "train/__main__.py"]
    (root / "app.py").unlink()
    with pytest.raises(hub.HubError, match="app.py missing"):
        space.space_files(root)


def test_deploy_creates_a_gradio_space_and_a_second_deploy_mirrors_the_tree(fake_hub, tmp_path):
    root = small_tree(tmp_path / "tree")
    said = []
    url = space.deploy("alice/studio", TOKEN, root=root, report=said.append)
    assert url.endswith("/spaces/alice/studio")
    repo = fake_hub.repos["spaces/alice/studio"]
    assert repo.sdk == "gradio" and not repo.private
    sent = fake_hub.files("spaces/alice/studio")
    assert set(sent) == set(space.space_files(root)) | {".gitattributes"}
    assert sent["pretrained/m/model.safetensors"] == (root / "pretrained/m/model.safetensors").read_bytes()
    assert sent["README.md"] == README
    assert any("Uploading 9 files" in line for line in said) and said[-1].startswith("Deployed: ")
    assert_no_token(*said, *sent.values())

    (root / "genapp/x.py").unlink()
    (root / "genapp/y.py").write_bytes(b"Y = 2\n")
    space.deploy("alice/studio", TOKEN, root=root, report=said.append)
    sent = fake_hub.files("spaces/alice/studio")
    assert "genapp/x.py" not in sent and sent["genapp/y.py"] == b"Y = 2\n" and ".gitattributes" in sent
    assert len(repo.commits) == 3  # the Hub's first commit, then one per deploy
    assert "alice/studio" not in fake_hub.repos  # a Space, not a model repo


def test_deploy_needs_a_write_token_and_never_shows_it(fake_hub, tmp_path, monkeypatch):
    root = small_tree(tmp_path / "tree")
    with pytest.raises(hub.HubError, match="HF_TOKEN"):
        space.deploy("alice/studio", None, root=root, report=lambda m: None)
    monkeypatch.setenv("HF_TOKEN", TOKEN)  # the owner's command line: HF_TOKEN is the default
    assert space.deploy("alice/studio", None, root=root, report=lambda m: None).endswith("/spaces/alice/studio")
    reader = "hf_ReadOnlyToken_0b1c2d3e"
    with pytest.raises(hub.HubError, match="refused") as err:
        space.deploy("bob/studio", reader, root=root, report=lambda m: None)
    assert reader not in str(err.value)
    with pytest.raises(hub.HubError, match="not a Hub repo id"):
        space.deploy("../studio", TOKEN, root=root, report=lambda m: None)


def test_a_file_holding_the_token_is_never_uploaded(fake_hub, tmp_path):
    root = small_tree(tmp_path / "tree")
    (root / "genapp/secret.py").write_text(f"TOKEN = '{TOKEN}'\n")
    before = len(fake_hub.requests)
    with pytest.raises(hub.HubError, match="genapp/secret.py contains the Hugging Face token") as err:
        space.deploy("alice/studio", TOKEN, root=root, report=lambda m: None)
    assert TOKEN not in str(err.value)
    assert len(fake_hub.requests) == before  # refused before a single request


def test_offline_deploy_says_so(clean_env, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    with pytest.raises(hub.HubOffline, match="Offline"):
        space.deploy("alice/studio", TOKEN, root=small_tree(tmp_path), report=lambda m: None)


def test_the_command_line_dry_run_lists_what_would_go():
    out = subprocess.run([sys.executable, "-m", "genapp.space", "alice/studio", "--dry-run"], cwd=REPO,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert "app.py" in lines and "pretrained/horse2zebra-cyclegan/model.safetensors" in lines
    assert lines[-1].startswith(f"{len(lines) - 1} files,") and lines[-1].endswith("would go to alice/studio")
    bad = subprocess.run([sys.executable, "-m", "genapp.space", "not a repo", "--dry-run"], cwd=REPO,
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1 and "owner/name" in bad.stderr
