"""``procura document``: the signed-in user drafts a lead's document to a file."""

from __future__ import annotations

from pathlib import Path

import docx
import duckdb
import pytest
from argon2 import PasswordHasher
from typer.testing import CliRunner

from procura.access import auth
from procura.access.principal import SYSTEM
from procura.access.users import add_user
from procura.cli import app
from procura.config import Settings
from procura.db import session_scope, system_scope
from procura.leads.orm import Lead
from procura.migrations import open_store
from procura.workflow import service
from procura.workflow.scope import work_of

PASSWORD = "long-enough-1"


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    settings = Settings(home=tmp_path / "ws").ensure()
    con = duckdb.connect(str(settings.warehouse_path))
    con.execute("CREATE TABLE police_reports(report_id VARCHAR, police_unit VARCHAR, victim_name VARCHAR)")
    con.execute("INSERT INTO police_reports VALUES ('PR-1', '西湖分局', '王小明')")
    con.close()
    with session_scope(open_store(settings)) as session:
        system_scope(session)
        add_user(session, SYSTEM, "handler", PASSWORD, "330106-county", "criminal", "handler")
        add_user(session, SYSTEM, "analyst", PASSWORD, "330106-county", "criminal", "analyst")
        ref = [{"table": "police_reports", "key": {"report_id": "PR-1"}}]
        lead = Lead(
            id="L-CLI",
            fingerprint="c" * 64,
            model_id="unfiled-online-defamation",
            model_version="1",
            params={},
            anchor=ref,
            evidence=ref,
            subject={},
            target="公安机关 (police)",
            region_code="330106",
            office="330106-county",
            prong="criminal",
            measure="case_filing_notice",
            score=0.9,
            explanation_zh="",
            explanation_en="",
            details={},
            status="new",
        )
        session.add(lead)
        session.flush()
        work_of(session, lead)
        service.triage(session, SYSTEM, "L-CLI", "accept")
        service.assign(session, SYSTEM, "L-CLI", "handler")
    return settings.home


def _as(workspace: Path, user: str, *args: str):  # type: ignore[no-untyped-def]
    runner = CliRunner()
    signed = runner.invoke(app, ["-w", str(workspace), "login", "--user", user, "--password", PASSWORD])
    assert signed.exit_code == 0, signed.output
    return runner.invoke(app, ["-w", str(workspace), *args])


def test_the_handler_drafts_the_document_into_the_workspace(workspace: Path) -> None:
    result = _as(workspace, "handler", "document", "L-CLI")
    assert result.exit_code == 0, result.output
    path = workspace / "out" / "documents" / "L-CLI-case_filing_notice-zh.docx"
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "要求说明不立案理由通知书" in text and "西湖分局：" in text and "王某" in text
    pdf = workspace / "notice.pdf"
    result = _as(
        workspace, "handler", "document", "L-CLI", "--format", "pdf", "--lang", "en", "--out", str(pdf)
    )
    assert result.exit_code == 0 and pdf.read_bytes().startswith(b"%PDF")


def test_refusals_and_bad_input_are_one_line(workspace: Path) -> None:
    denied = _as(workspace, "analyst", "document", "L-CLI")
    assert denied.exit_code == 1 and "forbidden" in denied.output and "Traceback" not in denied.output
    bad = _as(workspace, "handler", "document", "L-CLI", "--kind", "nonsense")
    assert bad.exit_code == 1 and "unknown document kind 'nonsense'" in bad.output
    CliRunner().invoke(app, ["-w", str(workspace), "logout"])
    anonymous = CliRunner().invoke(app, ["-w", str(workspace), "document", "L-CLI"])
    assert anonymous.exit_code == 2 and "not signed in" in anonymous.output
