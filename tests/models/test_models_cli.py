from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from model_toy import TOY_ID, with_changes, write_model
from typer.testing import CliRunner

from procura.cli import app
from procura.cli import models as cli_models
from procura.cli.models import models_app
from procura.config import Settings
from procura.engine.fixture import create_tables, insert_rows
from procura.warehouse.schema import readable_tables

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich tables wrap at 80 columns in tests; make room to read whole ids."""
    monkeypatch.setattr(cli_models.console, "width", 200)


def _report(rid: str, views: int, region: str = "330110") -> dict[str, Any]:
    return {
        "report_id": rid,
        "region_code": region,
        "received_at": "2026-01-01",
        "offense_type": "online_defamation",
        "filed": False,
        "views_count": views,
    }


def _workspace(settings: Settings, tmp_path: Path) -> list[str]:
    con = duckdb.connect(str(settings.warehouse_path))
    create_tables(con, sorted(readable_tables()))
    insert_rows(
        con, "police_reports", [_report("R1", 6000), _report("R2", 9000, "330205"), _report("R3", 10)]
    )
    con.close()
    write_model(tmp_path / "catalog")
    return ["--workspace", str(settings.home)]


def test_run_list_show_export(settings: Settings, tmp_path: Path) -> None:
    ws = _workspace(settings, tmp_path)
    cat = ["--catalog", str(tmp_path / "catalog")]
    result = runner.invoke(app, [*ws, "run", TOY_ID, "--as-of", "2026-06-30", *cat])
    assert result.exit_code == 0, result.output
    assert TOY_ID in result.output and "新增 new" in result.output
    again = runner.invoke(app, [*ws, "run", TOY_ID, "--as-of", "2026-06-30", *cat])
    assert again.exit_code == 0
    # Issue 10: the lead commands need a signed-in user; the export is the analyst's permission.
    unsigned = runner.invoke(app, [*ws, "leads", "list"])
    assert unsigned.exit_code == 2 and "not signed in" in unsigned.output
    _sign_in_analyst(ws)
    listed = runner.invoke(app, [*ws, "leads", "list", "--region", "330200"])
    assert listed.exit_code == 0 and "330205" in listed.output and "330110 " not in listed.output
    out = tmp_path / "leads.jsonl"
    exported = runner.invoke(
        app, [*ws, "leads", "export", "--format", "jsonl", "--out", str(out), "--model", TOY_ID]
    )
    assert exported.exit_code == 0, exported.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(r["anchor"][0]["key"]["report_id"] for r in rows) == ["R1", "R2"]
    shown = runner.invoke(app, [*ws, "leads", "show", rows[0]["lead_id"]])
    assert shown.exit_code == 0 and "police_reports: R" in shown.output and "created" in shown.output
    csv_out = runner.invoke(app, [*ws, "leads", "export", "--format", "csv", "--status", "new"])
    assert csv_out.exit_code == 0 and csv_out.output.startswith("lead_id,fingerprint")


def _sign_in_analyst(ws: list[str], role: str = "analyst", first: bool = True) -> None:
    root = ["users", "add", "root", "--office", "330000-province", "--role", "admin"]
    root += ["--password", "root-pass"]
    for args in (
        *([root] if first else []),
        ["login", "-u", "root", "--password", "root-pass"],
        ["users", "add", role, "--office", "330000-province", "--role", role, "--password", "user-pass"],
        ["login", "-u", role, "--password", "user-pass"],
    ):
        result = runner.invoke(app, [*ws, *args])
        assert result.exit_code == 0, result.output


def test_only_an_analyst_exports_and_clear_text_needs_a_purpose(settings: Settings, tmp_path: Path) -> None:
    ws = _workspace(settings, tmp_path)
    cat = ["--catalog", str(tmp_path / "catalog")]
    assert runner.invoke(app, [*ws, "run", TOY_ID, "--as-of", "2026-06-30", *cat]).exit_code == 0
    _sign_in_analyst(ws, "handler")
    refused = runner.invoke(app, [*ws, "leads", "export"])
    assert refused.exit_code == 1 and "forbidden" in refused.output
    _sign_in_analyst(ws, first=False)
    bad = runner.invoke(app, [*ws, "leads", "export", "--purpose", "aaaa"])
    assert bad.exit_code == 1 and "purpose" in bad.output
    out = tmp_path / "clear.jsonl"
    purpose = "legal_supervision: 核对模型线索与原始报案记录"
    good = runner.invoke(app, [*ws, "leads", "export", "--out", str(out), "--purpose", purpose])
    assert good.exit_code == 0, good.output
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    audit = runner.invoke(app, [*ws, "login", "-u", "root", "--password", "root-pass"])
    assert audit.exit_code == 0
    from procura.access import audit as audit_log
    from procura.db import session_scope
    from procura.migrations import open_store

    with session_scope(open_store(settings)) as session:
        entries, _ = audit_log.list_entries(session, action="lead.export")
    assert [(e.actor, e.purpose, e.details["masked"]) for e in entries] == [("analyst", purpose, False)]


def test_bad_input_is_one_clear_line_and_nonzero(settings: Settings, tmp_path: Path) -> None:
    ws = _workspace(settings, tmp_path)
    _sign_in_analyst(ws)
    cat = ["--catalog", str(tmp_path / "catalog")]
    cases = [
        ([*ws, "run", TOY_ID, "--as-of", "30/06/2026", *cat], "--as-of"),
        ([*ws, "run", TOY_ID, "--param", f"{TOY_ID}.min_views=lots", *cat], "toy-unfiled.min_views"),
        ([*ws, "run", "no-such-model", *cat], "no model 'no-such-model'"),
        ([*ws, "run", TOY_ID, "--engine", "oracle", *cat], "unknown engine 'oracle'"),
        ([*ws, "leads", "export", "--format", "xml"], "choose jsonl or csv"),
        ([*ws, "leads", "show", "L-nothing"], "lead L-nothing not found"),
        ([*ws, "models", "diff", TOY_ID], "no shadow run"),
    ]
    for args, needle in cases:
        result = runner.invoke(app, args)
        assert result.exit_code != 0, args
        assert needle in result.output, (args, result.output)
        assert "Traceback" not in result.output


def test_models_list_show_test_and_a_broken_user_model(tmp_path: Path) -> None:
    write_model(tmp_path / "good")
    listed = runner.invoke(app, ["models", "list", "--catalog", str(tmp_path / "good")])
    assert listed.exit_code == 0 and TOY_ID in listed.output
    shown = runner.invoke(app, ["models", "show", TOY_ID, "--catalog", str(tmp_path / "good")])
    assert shown.exit_code == 0 and "min_views" in shown.output and "SELECT" in shown.output
    tested = runner.invoke(app, ["models", "test", TOY_ID, "--catalog", str(tmp_path / "good")])
    assert tested.exit_code == 0 and "passed 2, 失败 failed 0" in tested.output
    write_model(tmp_path / "bad", with_changes(tables=["police_reports"]))
    broken = runner.invoke(app, ["models", "test", TOY_ID, "--catalog", str(tmp_path / "bad")])
    assert broken.exit_code == 1
    assert "rule.sql reads 'mentions', which is not in `tables:`" in broken.output


def test_models_docs_check_and_the_exposed_sub_app(tmp_path: Path) -> None:
    out = tmp_path / "models.md"
    assert runner.invoke(app, ["models", "docs", "--out", str(out), "--check"]).exit_code == 1
    assert runner.invoke(app, ["models", "docs", "--out", str(out)]).exit_code == 0
    assert runner.invoke(app, ["models", "docs", "--out", str(out), "--check"]).exit_code == 0
    assert {c.name for c in models_app.registered_commands} >= {
        "list",
        "show",
        "test",
        "diff",
        "promote",
        "docs",
    }


def test_shadow_run_diff_and_promote_from_the_command_line(settings: Settings, tmp_path: Path) -> None:
    ws = _workspace(settings, tmp_path)
    catalog = tmp_path / "catalog"
    shadow = with_changes(version="2")
    shadow["parameters"] = {k: dict(v) for k, v in shadow["parameters"].items()}
    shadow["parameters"]["min_views"]["default"] = 7000
    write_model(catalog / TOY_ID / "versions", shadow, folder="2")
    cat = ["--catalog", str(catalog)]
    assert runner.invoke(app, [*ws, "run", TOY_ID, "--as-of", "2026-06-30", *cat]).exit_code == 0
    result = runner.invoke(app, [*ws, "run", TOY_ID, "--shadow", "--as-of", "2026-06-30", *cat])
    assert result.exit_code == 0 and "影子运行 Shadow run" in result.output
    _sign_in_analyst(ws)
    listed = runner.invoke(app, [*ws, "leads", "list", "--model", TOY_ID])
    assert "Leads (2 / 2)" in listed.output
    diffed = runner.invoke(app, [*ws, "models", "diff", TOY_ID])
    assert diffed.exit_code == 0, diffed.output
    assert "v1 (run 1) → v2 (shadow run 2)" in diffed.output and "减少 lost 1" in diffed.output
    assert "  - R1  330110" in diffed.output
    promoted = runner.invoke(app, ["models", "promote", TOY_ID, *cat])
    assert promoted.exit_code == 0 and "v2 已启用 is now current" in promoted.output
    assert runner.invoke(app, ["models", "promote", TOY_ID, *cat]).exit_code == 1
