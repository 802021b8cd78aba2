"""The workflow CLI: sign in, take a lead from new to closed, audit, errors as one line."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from ops_fixtures import make_lead
from rich.console import Console
from sqlalchemy import text
from typer.testing import CliRunner

from procura.access import auth
from procura.cli import access as cli_access
from procura.cli import app
from procura.config import Settings
from procura.db import session_scope
from procura.migrations import head_revision, open_store

PURPOSE = "case_handling: prepare the notice"


@pytest.fixture(autouse=True)
def cheap_argon2_wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    monkeypatch.setattr(cli_access, "console", Console(width=200))


def _cli(workspace: Path):  # type: ignore[no-untyped-def]
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, ["--workspace", str(workspace), *args])
        assert result.exit_code == code, result.output
        assert "Traceback" not in result.output
        return result.output

    return run


def _user(run, name: str, role: str, department: str = "criminal") -> None:  # type: ignore[no-untyped-def]
    # Heads and chiefs are granted by a chief or the operator (ADR 0561), not by the signed-in admin.
    run(*_user_args(name, role, department), *(("--system",) if role in ("department_head", "chief") else ()))


def _user_args(name: str, role: str, department: str = "criminal") -> tuple[str, ...]:
    return (
        "users",
        "add",
        name,
        "--office",
        "330110-county",
        "--role",
        role,
        "--department",
        department,
        "--password",
        f"{name}-password",
    )


def test_a_lead_from_new_to_closed_on_the_command_line(settings: Settings) -> None:
    run = _cli(settings.home)
    assert head_revision() in run("db", "upgrade")
    run(
        "users", "add", "root", "--office", "330000-province", "--role", "admin", "--password", "rootpassword"
    )
    run("login", "-u", "root", "--password", "rootpassword")
    # An admin never grants a role that may unmask; the operator adds the first chief, who adds heads.
    assert "may not grant" in run(*_user_args("head", "department_head"), code=1)
    run(*_user_args("boss", "chief"), "--system")
    _user(run, "wang", "handler")
    assert "wang" in run("users", "list")
    run("login", "-u", "boss", "--password", "boss-password")
    _user(run, "head", "department_head")
    run("login", "-u", "root", "--password", "rootpassword")
    assert "wang" in run("users", "list")
    with session_scope(open_store(settings)) as db:
        make_lead(db, "L-1")
    run("login", "-u", "wang", "--password", "wang-password")
    assert "L-1" in run("lead", "queue")
    assert "accepted" in run("lead", "triage", "L-1", "accept", "--note", "[/] real [bold]<&>")
    run("login", "-u", "head", "--password", "head-password")
    assert "investigating" in run("lead", "assign", "L-1", "--handler", "wang")
    run("login", "-u", "wang", "--password", "wang-password")
    assert "2027" in run(
        "lead", "act", "L-1", "--measure", "procuratorial_suggestion", "--deadline", "2027-01-31"
    )
    assert "rectified" in run("lead", "respond", "L-1", "--rectified", "--note", "fixed")
    assert "closed" in run("lead", "close", "L-1")
    history = run("lead", "history", "L-1")
    assert "[/] real [bold]<&>" in history  # user text printed literally, never as markup
    assert all(step in history for step in ("受理", "分派", "采取监督措施", "回复已整改", "办结"))
    assert "bundles" in run("lead", "bundle", "L-1")
    run("logout")
    run("lead", "queue", code=2)


def test_audit_verify_fails_on_a_tampered_log(settings: Settings) -> None:
    run = _cli(settings.home)
    run(
        "users", "add", "root", "--office", "330000-province", "--role", "admin", "--password", "rootpassword"
    )
    run("login", "-u", "root", "--password", "rootpassword")
    assert "intact" in run("audit", "verify")
    with session_scope(open_store(settings)) as db:
        db.execute(text("DROP TRIGGER audit_log_no_update"))
        db.execute(text("UPDATE audit_log SET actor = 'someone' WHERE seq = 1"))
    out = run("audit", "verify", code=1)
    assert "entry 1" in out


def test_audit_rotate_key_keeps_the_chain_verifiable(settings: Settings) -> None:
    run = _cli(settings.home)
    run(
        "users", "add", "root", "--office", "330000-province", "--role", "admin", "--password", "rootpassword"
    )
    run("login", "-u", "root", "--password", "rootpassword")
    assert "now signs new entries" in run("audit", "rotate-key")
    assert len((settings.home / "audit.key").read_text().splitlines()) == 2
    assert "intact" in run("audit", "verify")


def test_bad_input_is_one_clear_line(settings: Settings) -> None:
    run = _cli(settings.home)
    out = run(
        "users",
        "add",
        "root",
        "--office",
        "330000-county",
        "--role",
        "admin",
        "--password",
        "rootpassword",
        code=1,
    )
    assert "unknown office" in out and len(out.strip().splitlines()) <= 2
    run(
        "users", "add", "root", "--office", "330000-province", "--role", "admin", "--password", "rootpassword"
    )
    run("login", "-u", "root", "--password", "rootpassword")
    assert "not found" in run("users", "disable", "ghost", code=1)
    assert "role admin" in run("lead", "show", "L-404", code=1)
    assert "wrong username or password" in run("login", "-u", "root", "--password", "nope", code=2)


def _password(table: str, username: str) -> str:
    row = next(line for line in table.splitlines() if f" {username} " in line)
    return row.split("│")[2].strip()


def test_offices_and_demo_users(settings: Settings) -> None:
    run = _cli(settings.home)
    assert "330110-county" in run("offices", "--under", "330100-city")
    provinces = run("offices")
    assert "330000-province" in provinces and "330100-city" not in provinces and "(34)" in provinces
    assert "chief_330110" in run("users", "demo")
    password = _password(run("users", "demo"), "admin_330000")  # only demo users: may run again
    run("login", "-u", "admin_330000", "--password", password)
    _user(run, "real", "handler")
    run("logout")
    assert "sign in as an admin" in run("users", "demo", code=1)
    run("login", "-u", "admin_330000", "--password", password)
    assert "admin_330000" in run("users", "demo")


def test_reads_unmask_audit_and_stats_on_the_command_line(settings: Settings) -> None:
    run = _cli(settings.home)
    run(
        "users", "add", "root", "--office", "330000-province", "--role", "admin", "--password", "rootpassword"
    )
    run("login", "-u", "root", "--password", "rootpassword")
    _user(run, "chief", "chief")
    run(
        "users",
        "add",
        "carol",
        "--office",
        "330000-province",
        "--role",
        "auditor",
        "--password",
        "carolpassword",
    )
    with session_scope(open_store(settings)) as db:
        make_lead(
            db,
            "L-1",
            subject={
                "kind": "person",
                "name": "张小明",
                "id_no": "330110201005061234",
                "birth_date": "2010-05-06",
            },
        )
    run("login", "-u", "chief", "--password", "chief-password")
    shown = run("lead", "show", "L-1")
    assert "张某" in shown and "330110201005061234" not in shown
    assert "PR-L-1" in run("lead", "evidence", "L-1")  # no warehouse here: the keys, rows missing
    run("lead", "unmask", "L-1", "--purpose", "x", code=1)
    assert "330110201005061234" in run("lead", "unmask", "L-1", "--purpose", PURPOSE)
    run("lead", "triage", "L-1", "dismiss", "--reason", "false_match")
    stats = run("models", "stats", "--all-time")
    assert "unfiled-online-defamation" in stats and "0%" in stats
    run("audit", "list", code=1)  # chiefs do not read the audit log
    run("login", "-u", "carol", "--password", "carolpassword")
    audit_out = run("audit", "list", "--action", "lead.unmask")
    assert "prepare the notice" in audit_out


def test_workspace_files_are_the_owners_alone(tmp_path: Path) -> None:
    """Before: procura.db, the warehouse and folders were created world-readable (umask 022)."""
    old = os.umask(0o022)
    try:
        run = _cli(tmp_path / "ws")
        run("db", "upgrade")
        admin = ["--office", "330000-province", "--role", "admin", "--password", "rootpass"]
        run("users", "add", "root", *admin)
    finally:
        os.umask(old)
    home = tmp_path / "ws"
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    for path in home.rglob("*"):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))
