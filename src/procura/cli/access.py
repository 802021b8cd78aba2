"""Access commands: sign-in, users, offices, audit, migrations; and the helpers of the workflow CLI.

The CLI signs in like any client: ``procura login`` stores a session token in
the workspace (``.procura-session``, owner-only) and later commands act as that
user. Every command calls one service function; access checks live there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from procura import vocab
from procura.access import audit, audit_keys, auth, offices, policy, users
from procura.access.demo import create_demo_users
from procura.access.denied import AuditLogLimiter, record_denied
from procura.access.principal import SYSTEM, Principal
from procura.access.rls import grant_app_role
from procura.config import Settings
from procura.db import make_engine, session_scope, system_scope
from procura.errors import AuthenticationError, ProcuraError
from procura.leads.summary import busiest_offices
from procura.migrations import current_revision, head_revision, open_store, open_system_store, upgrade

console = Console()
TOKEN_FILE = ".procura-session"
users_app = typer.Typer(help="用户 Users: add, list, disable, enable, demo.", no_args_is_help=True)
db_app = typer.Typer(help="业务库 Operational database: upgrade, grant, current.", no_args_is_help=True)
audit_app = typer.Typer(help="审计日志 Audit log: list, verify, rotate-key.", no_args_is_help=True)


def token_path(settings: Settings) -> Path:
    return settings.home / TOKEN_FILE


# The principal signed in for the running command (set by ``me``), for the audit of a denial.
_signed_in: ContextVar[Principal | None] = ContextVar("signed_in", default=None)


@contextmanager
def unit(
    ctx: typer.Context, audited: str | None = None, unmasking: bool = False, system: bool = False
) -> Iterator[tuple[Settings, Session]]:
    """One unit of work on the ops DB; service errors become one red line and exit code 1.

    ``audited`` names a command that reads leads or link details (e.g. ``"leads show L-1"``):
    a refusal (403/404, and 422 when ``unmasking``) is audited as ``access.denied``, like the
    API's, with the same per-user limit (counted in the log: every command is its own process).
    ``system``: an unattended job's unit, as the system role (``system_database_url``, ADR 0570).
    """
    settings: Settings = ctx.obj
    _signed_in.set(None)
    factory = open_system_store(settings) if system else open_store(settings)
    try:
        with session_scope(factory) as session:
            if system:
                system_scope(session)
            yield settings, session
    except ProcuraError as exc:
        refused = exc.http_status in (403, 404) or (unmasking and exc.http_status == 422)
        if audited and refused:
            details = {
                "command": " ".join(audited.split(" ")[:2]),
                "status": exc.http_status,
                "code": exc.code,
            }
            record_denied(factory, AuditLogLimiter(factory), _signed_in.get(), "cli", audited, details)
        console.print(f"[red]错误 error[/red] ({exc.code}): {escape(exc.message)}", highlight=False)
        raise typer.Exit(2 if isinstance(exc, AuthenticationError) else 1) from exc
    except SQLAlchemyError as exc:
        console.print(f"[red]业务库错误 database error[/red]: {escape(_reason(exc))}", highlight=False)
        raise typer.Exit(1) from exc


def _reason(exc: SQLAlchemyError) -> str:
    """The driver's message without SQL or traceback, on one line."""
    orig = getattr(exc, "orig", None)
    return " ".join(str(orig or exc).split())[:300]


def me(settings: Settings, session: Session) -> Principal:
    path = token_path(settings)
    if not path.exists():
        raise AuthenticationError("未登录 not signed in: run `procura login --user NAME`")
    principal = auth.authenticate(session, settings, path.read_text(encoding="utf-8").strip(), ip="cli")
    _signed_in.set(principal)
    return principal


def table(title: str, columns: list[str], rows: list[list[Any]]) -> None:
    table = Table(title=title)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*["" if v is None else escape(str(v)) for v in row])
    console.print(table)


def done(message: str) -> None:
    console.print(f"[green]完成 done[/green] {escape(message)}", highlight=False)


def _register_session(app: typer.Typer) -> None:
    @app.command("login")
    def login(
        ctx: typer.Context,
        user: Annotated[str, typer.Option("--user", "-u", help="用户名 Username.")],
        password: Annotated[str, typer.Option(prompt=True, hide_input=True, help="密码 Password.")],
    ) -> None:
        """登录 Sign in; the session token is kept in the workspace."""
        with unit(ctx) as (settings, db):
            token = auth.login(db, settings, user, password, ip="cli")
        path = token_path(settings)
        path.write_text(token, encoding="utf-8")
        os.chmod(path, 0o600)
        done(f"signed in as {user}")

    @app.command("logout")
    def logout(ctx: typer.Context) -> None:
        """退出 Sign out and forget the token."""
        with unit(ctx) as (settings, db):
            path = token_path(settings)
            if path.exists():
                auth.logout(db, path.read_text(encoding="utf-8").strip())
                path.unlink()
        done("signed out")

    @app.command("passwd")
    def passwd(
        ctx: typer.Context,
        old: Annotated[str, typer.Option(prompt=True, hide_input=True, help="旧密码 Current password.")],
        new: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    ) -> None:
        """修改密码 Change your password (you are signed out everywhere)."""
        with unit(ctx) as (settings, db):
            auth.change_password(db, me(settings, db), old, new)
        token_path(ctx.obj).unlink(missing_ok=True)
        done("password changed; sign in again")

    @app.command("whoami")
    def whoami(ctx: typer.Context) -> None:
        """当前用户 Who is signed in."""
        with unit(ctx) as (settings, db):
            who = me(settings, db)
        console.print(f"{who.username} — {who.office_id} / {who.department} / {who.role}", markup=False)

    @app.command("offices")
    def list_offices(
        ctx: typer.Context,
        under: Annotated[str | None, typer.Option(help="只列此院及下级 Only this office and below.")] = None,
        depth: Annotated[
            int | None, typer.Option(help="层级深度 Levels below (0 = the office only).")
        ] = None,
    ) -> None:
        """检察院 Offices (GB/T 2260 region + level); without options the provincial offices."""
        with unit(ctx) as (_, db):
            found = offices.list_offices(db, under, 0 if under is None and depth is None else depth)
            rows = [[o.id, o.name, vocab.both("office_levels", o.level), o.parent_id] for o in found]
        table(f"检察院 Offices ({len(rows)})", ["id", "名称 name", "级别 level", "上级 parent"], rows)


def _register_users() -> None:
    @users_app.command("add")
    def add(
        ctx: typer.Context,
        username: Annotated[str, typer.Argument(help="用户名 Username.")],
        office: Annotated[str, typer.Option(help="所属院 Office id, e.g. 330110-county.")],
        role: Annotated[str, typer.Option(help="角色 handler|department_head|chief|analyst|auditor|admin.")],
        department: Annotated[str, typer.Option(help="部门 Department.")] = "criminal",
        password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)] = "",
        name: Annotated[str, typer.Option(help="姓名 Display name.")] = "",
        system: Annotated[
            bool,
            typer.Option(
                "--system",
                help="以系统身份 As the installation's operator, without sign-in (the first chief).",
            ),
        ] = False,
    ) -> None:
        """新增用户 Add a user (the first user of an empty store must be an admin).

        Admins add handlers, analysts, auditors and admins; chiefs add department
        heads and chiefs; the first chief is added by the operator with --system
        (needs write access to the database itself, and is audited).
        """
        # The operator's additions (the first admin, --system) run as the system role (ADR 0570).
        with unit(ctx) as (settings, db):
            first = users.user_count(db) == 0
            if not first and not system:
                users.add_user(db, me(settings, db), username, password, office, department, role, name)
        if first or system:
            if first and role != "admin":
                raise typer.BadParameter("the first user must have --role admin", param_hint="--role")
            with unit(ctx, system=True) as (settings, db):
                if first:
                    users.bootstrap_admin(db, username, password, office)
                else:
                    users.add_user(db, SYSTEM, username, password, office, department, role, name)
        done(f"user {username} added")

    @users_app.command("list")
    def list_users(
        ctx: typer.Context,
        office: Annotated[str | None, typer.Option(help="只列此院 Only this office.")] = None,
    ) -> None:
        """用户列表 Users in your jurisdiction."""
        with unit(ctx) as (settings, db):
            rows = [
                [
                    u.username,
                    u.display_name,
                    u.office_id,
                    u.department,
                    u.role,
                    "是 yes" if u.active else "否 no",
                ]
                for u in users.list_users(db, me(settings, db), office)
            ]
        table(
            "用户 Users",
            ["用户名 username", "姓名 name", "院 office", "部门 dept", "角色 role", "启用 active"],
            rows,
        )

    @users_app.command("disable")
    def disable(ctx: typer.Context, username: Annotated[str, typer.Argument()]) -> None:
        """停用用户 Disable a user and end their sessions."""
        with unit(ctx) as (settings, db):
            users.set_active(db, me(settings, db), username, False)
        done(f"user {username} disabled")

    @users_app.command("enable")
    def enable(ctx: typer.Context, username: Annotated[str, typer.Argument()]) -> None:
        """启用用户 Enable a user again."""
        with unit(ctx) as (settings, db):
            users.set_active(db, me(settings, db), username, True)
        done(f"user {username} enabled")

    @users_app.command("reset-password")
    def reset_password(
        ctx: typer.Context,
        username: Annotated[str, typer.Argument()],
        password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    ) -> None:
        """重置密码 Set a user's password, unlock them and end their sessions (admins)."""
        with unit(ctx) as (settings, db):
            users.reset_password(db, me(settings, db), username, password)
        done(f"password of {username} reset")

    @users_app.command("demo")
    def demo(
        ctx: typer.Context,
        county: Annotated[str | None, typer.Option(help="演示县级院 County office.")] = None,
    ) -> None:
        """演示用户 Create or reset demo users across offices and roles and print their passwords.

        Needs an admin once users other than the demo users exist."""
        with unit(ctx) as (settings, db):
            who = me(settings, db) if token_path(settings).exists() else None
            creds = create_demo_users(db, county, principal=who, busiest=busiest_offices(db))
        rows = [[c.username, c.password, c.office_id, c.department, c.role] for c in creds]
        table(
            "演示账号 Demo users",
            ["用户名 username", "密码 password", "院 office", "部门 dept", "角色 role"],
            rows,
        )


def _register_db() -> None:
    @db_app.command("upgrade")
    def db_upgrade(ctx: typer.Context) -> None:
        """迁移到最新 Migrate the operational database to the newest schema."""
        settings: Settings = ctx.obj.ensure()
        engine = make_engine(settings.ops_url)
        try:
            revision = upgrade(engine)
        except SQLAlchemyError as exc:
            console.print(f"[red]业务库错误 database error[/red]: {escape(_reason(exc))}", highlight=False)
            raise typer.Exit(1) from exc
        finally:
            engine.dispose()
        done(f"database at revision {revision}")

    @db_app.command("grant")
    def db_grant(
        ctx: typer.Context, role: Annotated[str, typer.Argument(help="应用角色 The app's login role.")]
    ) -> None:
        """授权 Grant the application's non-owner PostgreSQL role its rights (run as the owner)."""
        settings: Settings = ctx.obj.ensure()
        engine = make_engine(settings.ops_url)
        try:
            with engine.begin() as conn:
                grant_app_role(conn, role)
        except (SQLAlchemyError, ValueError) as exc:
            message = _reason(exc) if isinstance(exc, SQLAlchemyError) else str(exc)
            console.print(f"[red]授权失败 grant failed[/red]: {escape(message)}", highlight=False)
            raise typer.Exit(1) from exc
        finally:
            engine.dispose()
        done(f"role {role} granted")

    @db_app.command("current")
    def db_current(ctx: typer.Context) -> None:
        """当前版本 Show the database's schema revision and the newest shipped."""
        settings: Settings = ctx.obj.ensure()
        engine = make_engine(settings.ops_url)
        try:
            console.print(f"当前 current: {current_revision(engine)}; 最新 head: {head_revision()}")
        finally:
            engine.dispose()


def _register_audit() -> None:
    @audit_app.command("list")
    def audit_list(
        ctx: typer.Context,
        actor: Annotated[str | None, typer.Option(help="操作人 Actor.")] = None,
        action: Annotated[str | None, typer.Option(help="操作 Action, e.g. lead.unmask.")] = None,
        object_id: Annotated[str | None, typer.Option("--object", help="对象 Object id.")] = None,
        limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
    ) -> None:
        """审计日志 Audit entries, newest first (auditors)."""
        with unit(ctx) as (settings, db):
            entries, total = audit.search(
                db, me(settings, db), actor=actor, action=action, object_id=object_id, limit=limit
            )
            rows = [
                [e.seq, f"{e.at:%Y-%m-%d %H:%M:%S}", e.actor, e.action, e.object_id, e.purpose, e.ip]
                for e in entries
            ]
        table(
            f"审计 Audit ({len(rows)} / {total})",
            ["#", "时间 at", "人 actor", "操作 action", "对象 object", "目的 purpose", "来源 from"],
            rows,
        )

    @audit_app.command("verify")
    def audit_verify(ctx: typer.Context) -> None:
        """校验 Verify the audit log's hash chain; exit 1 when an entry was edited or deleted."""
        with unit(ctx) as (settings, db):
            report = audit.check(db, me(settings, db))
        if report.ok:
            done(f"audit log intact 审计日志完整: {report.entries} entries")
            return
        for problem in report.problems:
            console.print(f"[red]篡改 tampered[/red] {escape(problem)}", highlight=False)
        raise typer.Exit(1)

    @audit_app.command("rotate-key")
    def audit_rotate_key(ctx: typer.Context) -> None:
        """轮换密钥 Add a new audit key (admins); later entries are signed with it, old ones still verify."""
        with unit(ctx) as (settings, db):
            who = me(settings, db)
            policy.require_role(who, ["admin"], "rotate the audit key")
            try:
                key_id = audit_keys.rotate(settings)
            except ValueError as exc:
                raise ProcuraError(str(exc)) from exc
            audit.record(db, who, "audit.rotate_key", "audit", "key", details={"key_id": key_id})
        done(f"audit key {key_id} now signs new entries; keep {audit_keys.key_file(ctx.obj)} backed up")


def register(app: typer.Typer) -> None:
    """Add sign-in, ``offices``, ``users``, ``db`` and ``audit``."""
    _register_session(app)
    _register_users()
    _register_db()
    _register_audit()
    app.add_typer(users_app, name="users")
    app.add_typer(db_app, name="db")
    app.add_typer(audit_app, name="audit")
