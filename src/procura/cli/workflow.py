"""Workflow commands: sign-in, users, offices, the lead workflow, audit, model stats, migrations.

The CLI signs in like any client: ``procura login`` stores a session token in
the workspace (``.procura-session``, owner-only) and later commands act as that
user. Every command calls one service function; access checks live there.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from procura.access import audit, auth, offices, users
from procura.access.demo import create_demo_users
from procura.access.errors import AuthenticationError, ServiceError
from procura.access.principal import Principal
from procura.cli.models import models_app
from procura.config import Settings
from procura.db import make_engine, session_scope
from procura.migrations import current_revision, head_revision, open_store, upgrade
from procura.workflow import dossier, feedback, queries, service
from procura.workflow.lifecycle import STATE_NAMES
from procura.workflow.queries import LeadFilter
from procura.workflow.views import to_dict

console = Console()
TOKEN_FILE = ".procura-session"
users_app = typer.Typer(help="用户 Users: add, list, disable, enable, demo.", no_args_is_help=True)
db_app = typer.Typer(help="业务库 Operational database: upgrade, current.", no_args_is_help=True)
lead_app = typer.Typer(
    help="线索办理 Lead workflow (signed in): queue, show, triage … close.", no_args_is_help=True
)
audit_app = typer.Typer(help="审计日志 Audit log: list, verify.", no_args_is_help=True)

LeadArg = Annotated[str, typer.Argument(help="线索编号 Lead id.")]
NoteOpt = Annotated[str, typer.Option("--note", help="说明 Note for the history.")]


def _token_path(settings: Settings) -> Path:
    return settings.home / TOKEN_FILE


@contextmanager
def _unit(ctx: typer.Context) -> Iterator[tuple[Settings, Session]]:
    """One unit of work on the ops DB; service errors become one red line and exit code 1."""
    settings: Settings = ctx.obj
    try:
        with session_scope(open_store(settings)) as session:
            yield settings, session
    except ServiceError as exc:
        console.print(f"[red]错误 error[/red] ({exc.code}): {exc.message}", highlight=False)
        raise typer.Exit(2 if isinstance(exc, AuthenticationError) else 1) from exc
    except OperationalError as exc:
        console.print(f"[red]业务库错误 database error[/red]: {exc.orig}", highlight=False)
        raise typer.Exit(1) from exc


def _me(settings: Settings, session: Session) -> Principal:
    path = _token_path(settings)
    if not path.exists():
        raise AuthenticationError("未登录 not signed in: run `procura login --user NAME`")
    return auth.authenticate(session, settings, path.read_text(encoding="utf-8").strip(), ip="cli")


def _table(title: str, columns: list[str], rows: list[list[Any]]) -> None:
    table = Table(title=title)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*["" if v is None else str(v) for v in row])
    console.print(table)


def _done(message: str) -> None:
    console.print(f"[green]完成 done[/green] {message}", highlight=False)


def _register_session(app: typer.Typer) -> None:
    @app.command("login")
    def login(
        ctx: typer.Context,
        user: Annotated[str, typer.Option("--user", "-u", help="用户名 Username.")],
        password: Annotated[str, typer.Option(prompt=True, hide_input=True, help="密码 Password.")],
    ) -> None:
        """登录 Sign in; the session token is kept in the workspace."""
        with _unit(ctx) as (settings, db):
            token = auth.login(db, settings, user, password, ip="cli")
        path = _token_path(settings)
        path.write_text(token, encoding="utf-8")
        os.chmod(path, 0o600)
        _done(f"signed in as {user}")

    @app.command("logout")
    def logout(ctx: typer.Context) -> None:
        """退出 Sign out and forget the token."""
        with _unit(ctx) as (settings, db):
            path = _token_path(settings)
            if path.exists():
                auth.logout(db, path.read_text(encoding="utf-8").strip())
                path.unlink()
        _done("signed out")

    @app.command("whoami")
    def whoami(ctx: typer.Context) -> None:
        """当前用户 Who is signed in."""
        with _unit(ctx) as (settings, db):
            me = _me(settings, db)
        console.print(f"{me.username} — {me.office_id} / {me.department} / {me.role}", highlight=False)

    @app.command("offices")
    def list_offices(
        ctx: typer.Context,
        under: Annotated[str | None, typer.Option(help="只列此院及下级 Only this office and below.")] = None,
        depth: Annotated[
            int | None, typer.Option(help="层级深度 Levels below (0 = the office only).")
        ] = None,
    ) -> None:
        """检察院 Offices (GB/T 2260 region + level)."""
        with _unit(ctx) as (_, db):
            found = offices.list_offices(db, under, depth)
            rows = [[o.id, o.name, offices.LEVEL_NAMES[o.level], o.parent_id] for o in found]
        _table(f"检察院 Offices ({len(rows)})", ["id", "名称 name", "级别 level", "上级 parent"], rows)


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
    ) -> None:
        """新增用户 Add a user (the first user of an empty store must be an admin)."""
        with _unit(ctx) as (settings, db):
            if users.user_count(db) == 0:
                if role != "admin":
                    raise typer.BadParameter("the first user must have --role admin", param_hint="--role")
                users.bootstrap_admin(db, username, password, office)
            else:
                users.add_user(db, _me(settings, db), username, password, office, department, role, name)
        _done(f"user {username} added")

    @users_app.command("list")
    def list_users(
        ctx: typer.Context,
        office: Annotated[str | None, typer.Option(help="只列此院 Only this office.")] = None,
    ) -> None:
        """用户列表 Users in your jurisdiction."""
        with _unit(ctx) as (settings, db):
            rows = [
                [
                    u.username,
                    u.display_name,
                    u.office_id,
                    u.department,
                    u.role,
                    "是 yes" if u.active else "否 no",
                ]
                for u in users.list_users(db, _me(settings, db), office)
            ]
        _table(
            "用户 Users",
            ["用户名 username", "姓名 name", "院 office", "部门 dept", "角色 role", "启用 active"],
            rows,
        )

    @users_app.command("disable")
    def disable(ctx: typer.Context, username: Annotated[str, typer.Argument()]) -> None:
        """停用用户 Disable a user and end their sessions."""
        with _unit(ctx) as (settings, db):
            users.set_active(db, _me(settings, db), username, False)
        _done(f"user {username} disabled")

    @users_app.command("enable")
    def enable(ctx: typer.Context, username: Annotated[str, typer.Argument()]) -> None:
        """启用用户 Enable a user again."""
        with _unit(ctx) as (settings, db):
            users.set_active(db, _me(settings, db), username, True)
        _done(f"user {username} enabled")

    @users_app.command("demo")
    def demo(
        ctx: typer.Context,
        county: Annotated[str | None, typer.Option(help="演示县级院 County office.")] = None,
    ) -> None:
        """演示用户 Create or reset demo users across offices and roles and print their passwords.

        Needs an admin once users other than the demo users exist."""
        with _unit(ctx) as (settings, db):
            me = _me(settings, db) if _token_path(settings).exists() else None
            creds = create_demo_users(db, county, principal=me)
        rows = [[c.username, c.password, c.office_id, c.department, c.role] for c in creds]
        _table(
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
        except OperationalError as exc:
            console.print(f"[red]业务库错误 database error[/red]: {exc.orig}", highlight=False)
            raise typer.Exit(1) from exc
        finally:
            engine.dispose()
        _done(f"database at revision {revision}")

    @db_app.command("current")
    def db_current(ctx: typer.Context) -> None:
        """当前版本 Show the database's schema revision and the newest shipped."""
        settings: Settings = ctx.obj.ensure()
        engine = make_engine(settings.ops_url)
        try:
            console.print(f"当前 current: {current_revision(engine)}; 最新 head: {head_revision()}")
        finally:
            engine.dispose()


def _summary_rows(items: list[Any]) -> list[list[Any]]:
    return [
        [
            s.id,
            s.model_id,
            s.office,
            s.department,
            STATE_NAMES.get(s.status, s.status),
            f"{s.score:.2f}",
            s.handler,
            s.deadline,
            "逾期 overdue" if s.overdue else "",
        ]
        for s in items
    ]


SUMMARY_COLUMNS = [
    "线索 lead",
    "模型 model",
    "院 office",
    "部门 dept",
    "状态 status",
    "分 score",
    "承办人 handler",
    "期限 deadline",
    "",
]


def _register_lead_reads() -> None:
    @lead_app.command("queue")
    def queue(
        ctx: typer.Context,
        model: Annotated[str | None, typer.Option(help="模型 Model id.")] = None,
        prong: Annotated[str | None, typer.Option(help="领域 Prong.")] = None,
        region: Annotated[str | None, typer.Option(help="区划前缀 Region code prefix.")] = None,
        status: Annotated[str | None, typer.Option(help="状态 Status.")] = None,
        severity: Annotated[str | None, typer.Option(help="严重度 high|medium|low.")] = None,
        overdue: Annotated[bool | None, typer.Option("--overdue/--not-overdue", help="逾期 Overdue.")] = None,
        mine: Annotated[bool, typer.Option("--mine", help="只看我承办的 Only mine.")] = False,
        limit: Annotated[int, typer.Option(min=1, max=500)] = 50,
        offset: Annotated[int, typer.Option(min=0)] = 0,
    ) -> None:
        """线索队列 The lead queue of your jurisdiction, with filters."""
        with _unit(ctx) as (settings, db):
            me = _me(settings, db)
            filters = LeadFilter(
                model=model,
                prong=prong,
                region=region,
                status=status,
                severity=severity,
                overdue=overdue,
                handler=me.username if mine else None,
            )
            page = queries.list_leads(db, me, filters, limit, offset)
        _table(
            f"线索 Leads {offset + 1}-{offset + len(page.items)} / {page.total}",
            SUMMARY_COLUMNS,
            _summary_rows(page.items),
        )

    @lead_app.command("overdue")
    def overdue(ctx: typer.Context) -> None:
        """逾期未回复 Leads whose measure is past its deadline without a response."""
        with _unit(ctx) as (settings, db):
            items = queries.overdue(db, _me(settings, db))
        _table(f"逾期 Overdue ({len(items)})", SUMMARY_COLUMNS, _summary_rows(items))

    @lead_app.command("show")
    def show(
        ctx: typer.Context, lead_id: LeadArg, as_json: Annotated[bool, typer.Option("--json")] = False
    ) -> None:
        """线索详情 A lead (sensitive data masked)."""
        with _unit(ctx) as (settings, db):
            detail = queries.get_lead(db, _me(settings, db), lead_id)
        if as_json:
            console.print_json(json.dumps(to_dict(detail), ensure_ascii=False, default=str))
            return
        s = detail.summary
        console.print(
            f"[bold]{s.id}[/bold] {s.model_id} — {STATE_NAMES.get(s.status, s.status)}", highlight=False
        )
        console.print(
            f"院 office {s.office} / 部门 dept {s.department} / 承办人 handler {s.handler or '-'}",
            highlight=False,
        )
        console.print(
            f"对象 target: {s.target}\n{detail.explanation_zh}\n{detail.explanation_en}", highlight=False
        )
        console.print(f"当事人 subject: {json.dumps(detail.subject, ensure_ascii=False)}", highlight=False)
        for m in detail.measures:
            console.print(
                f"措施 measure {m.kind} → {m.addressee}; 期限 deadline {m.deadline or '-'}; "
                f"回复 response {m.response_outcome or '-'}",
                highlight=False,
            )
        console.print(
            f"回头看 look-back: {detail.lookback.status} {detail.lookback.recurrences or ''}", highlight=False
        )

    @lead_app.command("history")
    def lead_history(ctx: typer.Context, lead_id: LeadArg) -> None:
        """办理记录 Every step of a lead."""
        with _unit(ctx) as (settings, db):
            events = queries.history(db, _me(settings, db), lead_id)
        _table(
            f"办理记录 History {lead_id}",
            ["时间 at", "人 actor", "操作 action", "从 from", "到 to", "说明 note"],
            [
                [f"{e.at:%Y-%m-%d %H:%M}", e.actor, e.action, e.from_status, e.to_status, e.note]
                for e in events
            ],
        )

    @lead_app.command("unmask")
    def unmask(
        ctx: typer.Context,
        lead_id: LeadArg,
        purpose: Annotated[str, typer.Option(help="查看目的（必填，记入审计）Purpose, audited.")],
    ) -> None:
        """查看敏感信息 Show a lead's personal data in clear, for a stated purpose."""
        with _unit(ctx) as (settings, db):
            data = dossier.unmask(db, settings, _me(settings, db), lead_id, purpose)
        console.print_json(json.dumps(data, ensure_ascii=False, default=str))

    @lead_app.command("bundle")
    def bundle(
        ctx: typer.Context,
        lead_id: LeadArg,
        out: Annotated[Path | None, typer.Option(help="输出文件 Output file (.json).")] = None,
        unmask_purpose: Annotated[
            str | None, typer.Option(help="不遮蔽的目的 Purpose to export unmasked.")
        ] = None,
    ) -> None:
        """证据包 Export the evidence bundle (records, explanation, legal basis, history) as one file."""
        with _unit(ctx) as (settings, db):
            path = dossier.write_bundle(db, settings, _me(settings, db), lead_id, unmask_purpose, out)
        _done(f"evidence bundle written to {path}")


def _register_lead_actions() -> None:
    @lead_app.command("triage")
    def triage(
        ctx: typer.Context,
        lead_id: LeadArg,
        decision: Annotated[str, typer.Argument(help="accept | dismiss")],
        reason: Annotated[
            str | None,
            typer.Option(help="排除理由 false_match|already_handled|below_threshold|data_error|other"),
        ] = None,
        note: NoteOpt = "",
    ) -> None:
        """初查 Accept or dismiss a lead."""
        with _unit(ctx) as (settings, db):
            event = service.triage(db, _me(settings, db), lead_id, decision, reason, note)
        _done(f"{lead_id}: {event.from_status} → {event.to_status}")

    @lead_app.command("assign")
    def assign(
        ctx: typer.Context,
        lead_id: LeadArg,
        handler: Annotated[str, typer.Option(help="承办人用户名 Handler's username.")],
        department: Annotated[str | None, typer.Option(help="部门 Department (chief only).")] = None,
        note: NoteOpt = "",
    ) -> None:
        """指派 Assign a lead to a handler."""
        with _unit(ctx) as (settings, db):
            event = service.assign(db, _me(settings, db), lead_id, handler, department, note)
        _done(f"{lead_id}: {event.from_status} → {event.to_status}, handler {handler}")

    @lead_app.command("transfer")
    def transfer(
        ctx: typer.Context,
        lead_id: LeadArg,
        department: Annotated[str | None, typer.Option(help="移送部门 To department.")] = None,
        office: Annotated[str | None, typer.Option(help="移送检察院 To office.")] = None,
        note: NoteOpt = "",
    ) -> None:
        """移送 Hand a lead over to another department or office."""
        with _unit(ctx) as (settings, db):
            event = service.transfer(db, _me(settings, db), lead_id, department, office, note)
        _done(f"{lead_id}: {event.from_status} → {event.to_status}")

    @lead_app.command("spawn")
    def spawn(
        ctx: typer.Context,
        lead_id: LeadArg,
        department: Annotated[str, typer.Option(help="新线索部门 Department of the linked lead.")],
        note: NoteOpt = "",
    ) -> None:
        """衍生线索 Open a linked lead in another prong."""
        with _unit(ctx) as (settings, db):
            child = service.spawn(db, _me(settings, db), lead_id, department, note)
        _done(f"linked lead {child.id} ({department}) opened from {lead_id}")

    @lead_app.command("escalate")
    def escalate(ctx: typer.Context, lead_id: LeadArg, note: NoteOpt = "") -> None:
        """报请上级 Refer a lead to the office one level up."""
        with _unit(ctx) as (settings, db):
            event = service.escalate(db, _me(settings, db), lead_id, note)
        _done(f"{lead_id}: {event.from_status} → {event.to_status} ({event.data.get('office')})")

    @lead_app.command("designate")
    def designate(
        ctx: typer.Context,
        lead_id: LeadArg,
        office: Annotated[str, typer.Option(help="指定管辖的下级院 Subordinate office.")],
        department: Annotated[str | None, typer.Option(help="部门 Department.")] = None,
        note: NoteOpt = "",
    ) -> None:
        """指定管辖 Designate a subordinate office to handle a lead."""
        with _unit(ctx) as (settings, db):
            event = service.designate(db, _me(settings, db), lead_id, office, department, note)
        _done(f"{lead_id}: {event.from_status} → {event.to_status} ({office})")

    @lead_app.command("act")
    def act(
        ctx: typer.Context,
        lead_id: LeadArg,
        measure: Annotated[str, typer.Option(help="监督措施 Measure kind, e.g. procuratorial_suggestion.")],
        addressee: Annotated[
            str | None, typer.Option(help="送达对象 Addressee (default: the lead's target).")
        ] = None,
        deadline: Annotated[
            datetime | None, typer.Option(formats=["%Y-%m-%d"], help="回复期限 Deadline.")
        ] = None,
        requested: Annotated[str, typer.Option(help="要求 Requested correction.")] = "",
        note: NoteOpt = "",
    ) -> None:
        """制发监督措施 Record a supervision measure with its response deadline."""
        with _unit(ctx) as (settings, db):
            m = service.act(
                db,
                settings,
                _me(settings, db),
                lead_id,
                measure,
                addressee,
                deadline.date() if deadline else None,
                requested,
                note,
            )
        _done(f"{lead_id}: measure {m.kind} to {m.addressee}, deadline {m.deadline or '-'}")

    @lead_app.command("respond")
    def respond(
        ctx: typer.Context,
        lead_id: LeadArg,
        rectified: Annotated[bool, typer.Option("--rectified/--not-rectified", help="是否整改 Rectified?")],
        note: NoteOpt = "",
    ) -> None:
        """登记回复 Record the addressee's response."""
        with _unit(ctx) as (settings, db):
            m = service.respond(db, _me(settings, db), lead_id, rectified, note)
        _done(f"{lead_id}: response {m.response_outcome}")

    @lead_app.command("close")
    def close(ctx: typer.Context, lead_id: LeadArg, note: NoteOpt = "") -> None:
        """办结 Close a rectified lead."""
        with _unit(ctx) as (settings, db):
            event = service.close(db, _me(settings, db), lead_id, note)
        _done(f"{lead_id}: {event.from_status} → {event.to_status}")


def _register_audit_and_stats() -> None:
    @audit_app.command("list")
    def audit_list(
        ctx: typer.Context,
        actor: Annotated[str | None, typer.Option(help="操作人 Actor.")] = None,
        action: Annotated[str | None, typer.Option(help="操作 Action, e.g. lead.unmask.")] = None,
        object_id: Annotated[str | None, typer.Option("--object", help="对象 Object id.")] = None,
        limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
    ) -> None:
        """审计日志 Audit entries, newest first (auditors)."""
        with _unit(ctx) as (settings, db):
            entries, total = audit.search(
                db, _me(settings, db), actor=actor, action=action, object_id=object_id, limit=limit
            )
            rows = [
                [e.seq, f"{e.at:%Y-%m-%d %H:%M:%S}", e.actor, e.action, e.object_id, e.purpose, e.ip]
                for e in entries
            ]
        _table(
            f"审计 Audit ({len(rows)} / {total})",
            ["#", "时间 at", "人 actor", "操作 action", "对象 object", "目的 purpose", "来源 from"],
            rows,
        )

    @audit_app.command("verify")
    def audit_verify(ctx: typer.Context) -> None:
        """校验 Verify the audit log's hash chain; exit 1 when an entry was edited or deleted."""
        with _unit(ctx) as (settings, db):
            report = audit.check(db, _me(settings, db))
        if report.ok:
            _done(f"audit log intact 审计日志完整: {report.entries} entries")
            return
        for problem in report.problems:
            console.print(f"[red]篡改 tampered[/red] {problem}", highlight=False)
        raise typer.Exit(1)

    @models_app.command("stats")
    def stats(
        ctx: typer.Context,
        model: Annotated[str | None, typer.Option(help="模型 Model id.")] = None,
        by_office: Annotated[bool, typer.Option("--by-office/--all-offices")] = True,
        by_month: Annotated[bool, typer.Option("--by-month/--all-time")] = True,
    ) -> None:
        """模型反馈 Precision and lead-to-measure rate per model, office and month."""
        with _unit(ctx) as (settings, db):
            rows = feedback.model_stats(db, _me(settings, db), model, by_office, by_month)
        pct = lambda v: "-" if v is None else f"{v:.0%}"  # noqa: E731
        _table(
            "模型反馈 Model feedback",
            [
                "模型 model",
                "院 office",
                "月 month",
                "线索 leads",
                "待查 pending",
                "确认 confirmed",
                "排除 dismissed",
                "准确率 precision",
                "措施率 measure rate",
            ],
            [
                [
                    r.model_id,
                    r.office,
                    r.month,
                    r.leads,
                    r.pending,
                    r.confirmed,
                    r.dismissed,
                    pct(r.precision),
                    pct(r.measure_rate),
                ]
                for r in rows
            ],
        )


def register(app: typer.Typer) -> None:
    """Add sign-in, ``offices``, ``users``, ``db``, ``lead``, ``audit`` and ``models stats``."""
    _register_session(app)
    _register_users()
    _register_db()
    _register_lead_reads()
    _register_lead_actions()
    _register_audit_and_stats()
    app.add_typer(users_app, name="users")
    app.add_typer(db_app, name="db")
    app.add_typer(lead_app, name="lead")
    app.add_typer(audit_app, name="audit")
