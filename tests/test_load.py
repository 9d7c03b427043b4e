"""genapp.load: what it says about a missing folder, a pickle-only folder or a missing pretrained model."""
from __future__ import annotations

import json

import pytest

import genapp


def test_a_path_that_is_not_there_is_named_as_a_missing_folder_not_a_hub_repo(tmp_path, capsys):
    with pytest.raises(FileNotFoundError, match="No folder"):
        genapp.load(str(tmp_path / "nothere"))  # one "/" too many to be owner/name, or exactly one: same answer
    with pytest.raises(FileNotFoundError, match="No folder '/nothere'"):
        genapp.load("/nothere")  # was: "'/nothere' is not a Hub repo id"
    from genapp.metrics import main
    assert main(["evaluate", "/nothere"]) == 1  # a message, not a traceback
    assert "No folder" in capsys.readouterr().err


def test_load_refuses_pickle_only_folder(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"family": "dcgan", "dataset": "mnist"}))
    (tmp_path / "pytorch_model.bin").write_bytes(b"not even a pickle")
    with pytest.raises(ValueError, match="never load"):
        genapp.load(str(tmp_path))
    (tmp_path / "config.json").write_text(json.dumps({"family": "stylegan9"}))
    (tmp_path / "model.safetensors").write_bytes(b"")
    with pytest.raises(ValueError, match="unknown family"):
        genapp.load(str(tmp_path))


def test_load_missing_pretrained_names_the_training_command(tmp_path, monkeypatch):
    monkeypatch.setenv("GENAPP_PRETRAINED_DIR", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="python -m train dcgan --dataset fashion"):
        genapp.load("fashion-dcgan")

