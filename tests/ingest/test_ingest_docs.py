"""The ingest docs cannot drift: every command, kind and table is documented."""

from __future__ import annotations

from pathlib import Path

from procura.cli.ingest import quarantine_app, standard_app
from procura.standard.schema import KINDS, standard

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_ingest_command_is_in_the_docs() -> None:
    text = (DOCS / "ingest.md").read_text(encoding="utf-8")
    commands = ["procura ingest", "procura status"]
    commands += [f"procura quarantine {c.name}" for c in quarantine_app.registered_commands]
    commands += [f"procura standard {c.name}" for c in standard_app.registered_commands]
    missing = [c for c in commands if c not in text]
    assert not missing


def test_every_kind_is_in_the_data_standard_doc() -> None:
    text = (DOCS / "data-standard.md").read_text(encoding="utf-8")
    assert [k for k in KINDS if f"`{k}`" not in text] == []
    assert len(standard()) == 9
