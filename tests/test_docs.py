"""Docs that cannot drift: each generated page equals what the code renders today.

Regenerate with ``python -m procura.cli.reference`` (CLI reference, settings, ADR
index) and ``procura models docs`` (the models page).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from procura.cli import COMMANDS
from procura.cli.reference import DOCS, GENERATED
from procura.config import Settings
from procura.models.docs import render_models_doc
from procura.models.loader import load_catalog

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_page_is_current(name: str) -> None:
    path = DOCS / name
    assert path.exists() and path.read_text(encoding="utf-8") == GENERATED[name](), (
        f"docs/{name} is out of date: run `python -m procura.cli.reference`"
    )


def test_every_setting_is_described() -> None:
    undocumented = [name for name, field in Settings.model_fields.items() if not field.description]
    assert undocumented == []
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert f"`PROCURA_{name.upper()}`" in text


def test_every_command_is_in_the_reference() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    for name in COMMANDS:
        assert f"### `procura {name}`" in text
    for sub in ("lead show", "lead queue", "leads list", "models stats", "quarantine list"):
        assert f"`procura {sub}`" in text


def test_every_adr_is_in_the_index() -> None:
    index = (DOCS / "decisions" / "README.md").read_text(encoding="utf-8")
    for path in (DOCS / "decisions").glob("[0-9]*.md"):
        assert f"]({path.name})" in index


def test_the_readme_links_the_generated_pages() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for page in ("docs/cli.md", "docs/settings.md", "docs/decisions/README.md", "docs/models.md"):
        assert page in readme


def test_committed_models_page_is_generated_from_the_catalogue() -> None:
    catalog = load_catalog(builtin=True)
    assert catalog.errors == []
    assert (DOCS / "models.md").read_text(encoding="utf-8") == render_models_doc(catalog), (
        "docs/models.md is out of date: run `procura models docs`"
    )


def test_every_model_and_parameter_is_documented() -> None:
    catalog = load_catalog()
    text = render_models_doc(catalog)
    for model in catalog.models.values():
        assert f"## `{model.id}`" in text
        for name in model.spec.parameters:
            assert f"| `{name}` |" in text
        for basis in model.spec.legal_basis:
            assert basis.zh in text
