"""A family's knowledge lives with the family (docs/ARCHITECTURE.md, "Adding a family").

The UI, the metrics and the cards read what they need from the family's declarations
(``genapp/models/base.py``), so outside ``genapp/models`` a family is named in ``ALLOWED`` only:
its texts, the race presets (lecture content that names the families it compares) and the app's
tab wiring (which Learn panel each tab shows). Adding a family is then its model file, a registry
line and its texts.

What counts as a mention: a string literal (an ``ast.Constant``, so comments and docstrings do
not count) equal to a family name of the registry, in ``genapp/`` outside ``genapp/models``,
``train/`` and ``app.py``. A few such literals name something else that happens to share the
name; ``NOT_FAMILIES`` lists each one by file, with what it names (a dataset, a tab id, a row).
They are exact (file, literal) pairs, not a rule that would hide a family mention elsewhere, and
the list must stay true: an entry whose literal is gone fails the test too.
"""
from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from genapp.models import FAMILIES

ROOT = Path(__file__).resolve().parent.parent

ALLOWED = {
    "genapp/ui/learn_text.py": "each family's Learn panel, by family",
    "genapp/ui/presets.py": "the race presets: lecture content naming the families each compares",
    "genapp/ui/app.py": "the tabs' wiring: which family's Learn panel a family's own tab shows",
}

NOT_FAMILIES = {  # (file) -> {literal: what it names}
    "genapp/data.py": {"ring": "the ring dataset", "toy1010": "the 1010-pattern dataset"},
    "genapp/ui/links.py": {"pixelcnn": "the PixelCNN tab's id in shareable links"},
    "genapp/ui/tabs/pixelcnn.py": {"pixelcnn": "its own tab's id (its playground)"},
    "genapp/ui/tabs/pixelcnn_likelihood.py": {"gan": "the row of a GAN's sample (an API output key)"},
}


def scanned_files() -> list[Path]:
    files = [ROOT / "app.py", *sorted((ROOT / "train").rglob("*.py"))]
    files += [p for p in sorted((ROOT / "genapp").rglob("*.py")) if "models" not in p.relative_to(ROOT).parts[1:2]]
    return files


def string_literals(source: str) -> list[tuple[str, int]]:
    """(value, line) of every string literal that is not a docstring or another bare string."""
    tree = ast.parse(source)
    bare = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
    return [(node.value, node.lineno) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in bare]


def family_mentions() -> dict[str, dict[str, list[int]]]:
    """{file: {family name: [lines]}} outside genapp/models."""
    found: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for path in scanned_files():
        for value, line in string_literals(path.read_text()):
            if value in FAMILIES:
                found[path.relative_to(ROOT).as_posix()][value].append(line)
    return found


def test_the_scanner_counts_literals_not_comments_or_docstrings():
    source = '"""The dcgan module."""\n# a ring comment\nx = "wgan"\ny = f"{x}-dcgan"\ndef f():\n    "gan"\n    return "cgan"\n'
    assert [v for v, _ in string_literals(source) if v in FAMILIES] == ["wgan", "cgan"]


def test_scanned_files_cover_the_app_the_cli_and_the_package_outside_models():
    names = {p.relative_to(ROOT).as_posix() for p in scanned_files()}
    assert {"app.py", "train/arguments.py", "genapp/ui/app.py", "genapp/metrics/report.py"} <= names
    assert not any(n.startswith("genapp/models/") for n in names)


def test_families_are_named_only_in_the_allowed_places():
    stray = {f"{path}:{line}: {name!r}"
             for path, names in family_mentions().items() if path not in ALLOWED
             for name, lines in names.items() if name not in NOT_FAMILIES.get(path, {})
             for line in lines}
    assert not stray, ("a family is named outside genapp/models; declare what the code needs on the family "
                       "(genapp/models/base.py) instead:\n" + "\n".join(sorted(stray)))


def test_at_most_three_places_name_a_family():
    assert len(ALLOWED) <= 3
    assert set(family_mentions()) - set(NOT_FAMILIES) <= set(ALLOWED)


def test_every_exception_is_still_there():
    mentions = family_mentions()
    stale = {(path, name) for path, names in NOT_FAMILIES.items() for name in names if name not in mentions.get(path, {})}
    assert not stale, f"NOT_FAMILIES lists literals that are gone; remove them: {sorted(stale)}"


def test_each_tab_that_starts_on_a_family_has_exactly_one():
    from genapp.models import default_family

    assert default_family("train") == "dcgan" and default_family("lab") == "ring"
    assert FAMILIES["wgan"].default_in == ("train",)  # inherited from DCGAN, but not declared: not counted


def test_the_playgrounds_come_from_the_families_declarations():
    from genapp import PRETRAINED_NAMES
    from genapp.ui.common import PLAYGROUNDS, SHOWN, family_of

    assert sorted(SHOWN) == sorted(PRETRAINED_NAMES)  # every shipped model is listed once
    assert set(PLAYGROUNDS) == {c.playground for c in FAMILIES.values() if c.playground}
    for name in SHOWN:
        family = family_of(name)
        assert family in FAMILIES and name in PLAYGROUNDS[FAMILIES[family].playground]["pretrained"], name
