"""docs/workflow.md documents every state, action, command and scoped table, so it cannot drift."""

from __future__ import annotations

from pathlib import Path

import pytest

from procura.access.rls import SCOPED_TABLES
from procura.cli import load_all
from procura.cli.access import audit_app, db_app, users_app
from procura.cli.workflow import lead_app
from procura.workflow.lifecycle import ACTIONS, DISMISS_REASONS, MEASURES, STATES

load_all()  # the areas register their commands when loaded
DOC = (Path(__file__).parents[2] / "docs" / "workflow.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("word", [*STATES, *ACTIONS, *DISMISS_REASONS, *MEASURES, *SCOPED_TABLES])
def test_documented(word: str) -> None:
    assert f"`{word}`" in DOC or f" {word}" in DOC


@pytest.mark.parametrize(
    ("group", "command"),
    [
        (name, c.name)
        for name, sub in (("lead", lead_app), ("users", users_app), ("db", db_app), ("audit", audit_app))
        for c in sub.registered_commands
    ],
)
def test_every_command_is_documented(group: str, command: str) -> None:
    assert f"{command}" in DOC.split("## Command line")[1], f"procura {group} {command}"
