"""Issue 10 item 3: denied attempts from the command line are audited like the API's (ADR 0572)."""

from __future__ import annotations

import pytest
from ops_fixtures import make_lead
from typer.testing import CliRunner

from procura.access import audit
from procura.access.denied import PER_MINUTE
from procura.cli import app
from procura.config import Settings
from procura.db import session_scope
from procura.migrations import open_store

runner = CliRunner()
PURPOSE = "case_handling: 核对被害人身份信息以便通知"


@pytest.fixture
def ws(settings: Settings) -> list[str]:
    ws = ["--workspace", str(settings.home)]
    with session_scope(open_store(settings)) as session:
        make_lead(session, "L-OWN", office="330110-county")
        make_lead(session, "L-FAR", office="330106-county")
    for args in (
        ["users", "add", "root", "--office", "330000-province", "--role", "admin", "--password", "root-pass"],
        ["login", "-u", "root", "--password", "root-pass"],
        ["users", "add", "hh", "--office", "330110-county", "--role", "handler", "--password", "user-pass"],
        ["login", "-u", "hh", "--password", "user-pass"],
    ):
        result = runner.invoke(app, [*ws, *args])
        assert result.exit_code == 0, result.output
    return ws


def _denied(settings: Settings) -> list[tuple[str, str, str, int]]:
    with session_scope(open_store(settings)) as session:
        entries, _ = audit.list_entries(session, action="access.denied", limit=1000)
    return [(e.actor, e.ip, e.object_id, e.details["status"]) for e in reversed(entries)]


def test_refused_reads_and_unmasking_from_the_cli_are_audited(settings: Settings, ws: list[str]) -> None:
    for args, code in (
        (["leads", "show", "L-FAR"], 1),  # another county's lead: not found
        (["lead", "show", "L-FAR"], 1),
        (["lead", "history", "L-FAR"], 1),
        (["leads", "export"], 1),  # a handler does not export: forbidden
        (["lead", "unmask", "L-OWN", "--purpose", "aaaa"], 1),  # a purpose that is no purpose
        (["lead", "unmask", "L-OWN", "--purpose", PURPOSE], 1),  # not assigned to this handler
    ):
        result = runner.invoke(app, [*ws, *args])
        assert result.exit_code == code, (args, result.output)
    assert _denied(settings) == [
        ("hh", "cli", "leads show L-FAR", 404),
        ("hh", "cli", "lead show L-FAR", 404),
        ("hh", "cli", "lead history L-FAR", 404),
        ("hh", "cli", "leads export", 403),
        ("hh", "cli", "lead unmask L-OWN", 422),
        ("hh", "cli", "lead unmask L-OWN", 403),
    ]
    # A read that succeeds is no denial, and a bad argument of a plain read is none either.
    assert runner.invoke(app, [*ws, "lead", "show", "L-OWN"]).exit_code == 0
    assert len(_denied(settings)) == 6
    with session_scope(open_store(settings)) as session:
        assert audit.verify(session).ok


def test_probing_from_the_cli_cannot_flood_the_log(settings: Settings, ws: list[str]) -> None:
    for n in range(PER_MINUTE + 5):
        result = runner.invoke(app, [*ws, "leads", "show", f"L-NONE-{n}"])
        assert result.exit_code == 1 and "not found" in result.output
    assert len(_denied(settings)) == PER_MINUTE
