"""genapp.settings: every GENAPP_* variable the code reads is declared once, the README's table is
the declared one, and a bad value falls back to the default with a warning."""
from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from genapp import settings

REPO = Path(__file__).resolve().parent.parent


def test_every_variable_the_code_reads_is_declared():
    used = set()
    for path in [*REPO.glob("genapp/**/*.py"), *REPO.glob("train/*.py"), REPO / "app.py"]:
        used |= set(re.findall(r"GENAPP_[A-Z0-9_]+", path.read_text()))
    assert used - set(settings.BY_NAME) == set(), "declare these in genapp/settings.py"


def test_the_readme_table_is_the_declared_one():
    assert settings.markdown_table() in (REPO / "README.md").read_text()


def test_an_undeclared_name_is_refused():
    with pytest.raises(KeyError, match="not a GAN Studio setting"):
        settings.text("GENAPP_NO_SUCH_THING")


def test_a_bad_number_falls_back_to_the_default_with_a_warning(monkeypatch, caplog):
    monkeypatch.setenv("GENAPP_MAX_RUNS", "two")
    with caplog.at_level(logging.WARNING, logger="genapp"):
        assert settings.integer("GENAPP_MAX_RUNS", 1) == 1
    assert "GENAPP_MAX_RUNS='two' is not a whole number" in caplog.text
    monkeypatch.setenv("GENAPP_MAX_RUNS", "3")
    assert settings.integer("GENAPP_MAX_RUNS", 1) == 3


def test_values_are_read_at_each_call(monkeypatch, tmp_path):
    monkeypatch.setenv("GENAPP_RUNS_DIR", str(tmp_path / "a"))
    assert settings.path("GENAPP_RUNS_DIR") == tmp_path / "a"
    monkeypatch.setenv("GENAPP_RUNS_DIR", "  ")
    assert settings.path("GENAPP_RUNS_DIR") == Path("runs")
