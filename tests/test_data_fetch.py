"""Fetching missing image-pair data when online: a local HTTP server stands in for the network."""
from __future__ import annotations

import functools
import http.server
import io
import tarfile
import threading
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from genapp import data


def _jpg(w: int, h: int, value: int) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(np.full((h, w, 3), value, np.uint8)).save(buf, format="JPEG")
    return buf.getvalue()


@pytest.fixture()
def server(tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture()
def empty_data_dir(tmp_path, monkeypatch):
    d = tmp_path / "data"
    monkeypatch.setenv("GENAPP_DATA_DIR", str(d))
    monkeypatch.setenv("GENAPP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("GENAPP_OFFLINE", raising=False)
    data._CACHE.clear()
    yield d
    data._CACHE.clear()


def test_horse2zebra_zip_is_fetched_and_only_train_images_kept(server, empty_data_dir, monkeypatch):
    root, url = server
    with zipfile.ZipFile(root / "h2z.zip", "w") as z:
        for i in range(10):
            z.writestr(f"horse2zebra/trainA/n0238_{i}.jpg", _jpg(64, 64, 40))
            z.writestr(f"horse2zebra/trainB/n0239_{i}.jpg", _jpg(64, 64, 200))
            z.writestr(f"horse2zebra/testA/n0238_t{i}.jpg", _jpg(64, 64, 40))
        z.writestr("../evil.jpg", b"x")  # a hostile member is never written outside the folder
    monkeypatch.setenv("GENAPP_HORSE2ZEBRA_URL", f"{url}/h2z.zip")
    ds = data.load_dataset("horse2zebra", image_size=16)
    assert ds.tensors["a"].shape == (9, 3, 16, 16) and ds.tensors["b"].shape == (9, 3, 16, 16)
    assert int(ds.tensors["a"].float().mean()) < 80 < int(ds.tensors["b"].float().mean())
    assert not (empty_data_dir / "horse2zebra" / "testA").exists()
    assert not (empty_data_dir.parent / "evil.jpg").exists()


def test_edges2shoes_tar_is_fetched_and_split(server, empty_data_dir, monkeypatch):
    root, url = server
    with tarfile.open(root / "e2s.tar.gz", "w:gz") as t:
        for i in range(1, 21):
            blob = _jpg(128, 64, 255)
            info = tarfile.TarInfo(f"edges2shoes/train/{i}_AB.jpg")
            info.size = len(blob)
            t.addfile(info, io.BytesIO(blob))
    monkeypatch.setenv("GENAPP_EDGES2SHOES_URL", f"{url}/e2s.tar.gz")
    assert len(data.load_dataset("edges2shoes", image_size=16)) == 18
    assert len(data.load_dataset("edges2shoes", "val", image_size=16)) == 2


def test_unreachable_archive_gives_the_folder_message(empty_data_dir, monkeypatch):
    monkeypatch.setenv("GENAPP_HORSE2ZEBRA_URL", "http://127.0.0.1:9/nothing.zip")
    with pytest.raises(data.DataMissingError, match="horse2zebra/trainA"):
        data.load_dataset("horse2zebra", image_size=16)


# ---------------------------------------------------------------- without GENAPP_DATA_DIR
@pytest.fixture()
def no_data_dir(tmp_path, monkeypatch):
    """A machine that has never seen the data: GENAPP_DATA_DIR unset, the user's cache in a temp
    folder, the process in another (so a relative default would show up there)."""
    monkeypatch.delenv("GENAPP_DATA_DIR", raising=False)
    monkeypatch.delenv("GENAPP_CACHE_DIR", raising=False)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("GENAPP_OFFLINE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    data._CACHE.clear()
    yield tmp_path / "xdg-cache" / "genapp" / "data"
    data._CACHE.clear()


def test_without_genapp_data_dir_the_data_folder_is_in_the_users_cache(no_data_dir, monkeypatch):
    assert data.data_dir() == no_data_dir
    assert data.cache_dir() == no_data_dir.parent
    monkeypatch.setenv("GENAPP_DATA_DIR", "")  # set but empty: still the default
    assert data.data_dir() == no_data_dir
    monkeypatch.setenv("GENAPP_DATA_DIR", str(no_data_dir.parent / "mine"))  # still the way to name one
    assert data.data_dir() == no_data_dir.parent / "mine"


def test_first_use_fills_the_default_folder(server, no_data_dir, monkeypatch):
    root, url = server
    with zipfile.ZipFile(root / "h2z.zip", "w") as z:
        for i in range(10):
            z.writestr(f"horse2zebra/trainA/n0238_{i}.jpg", _jpg(64, 64, 40))
            z.writestr(f"horse2zebra/trainB/n0239_{i}.jpg", _jpg(64, 64, 200))
    monkeypatch.setenv("GENAPP_HORSE2ZEBRA_URL", f"{url}/h2z.zip")
    assert len(data.load_dataset("horse2zebra", image_size=16)) == 9
    assert len(list((no_data_dir / "horse2zebra" / "trainA").glob("*.jpg"))) == 10
    assert not any(Path.cwd().iterdir())  # nothing landed in the folder the command ran from


@pytest.mark.parametrize("switch", ["HF_HUB_OFFLINE", "GENAPP_OFFLINE"])
def test_offline_the_message_names_the_default_folder_and_the_files(no_data_dir, monkeypatch, switch):
    monkeypatch.setenv(switch, "1")
    with pytest.raises(data.DataMissingError) as mnist:
        data.load_dataset("mnist")
    with pytest.raises(data.DataMissingError) as horses:
        data.load_dataset("horse2zebra", image_size=16)
    for err, files in ((mnist, "mnist.npz"), (horses, "horse2zebra/trainA")):
        message = str(err.value)
        assert str(no_data_dir) in message and files in message and switch in message
        assert "GENAPP_DATA_DIR" in message  # how to point at a copy of the files
    assert not any(Path.cwd().iterdir())
