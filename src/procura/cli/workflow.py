"""Workflow commands: the lead queue and every action on a lead, and ``models stats``.

Commands act as the user signed in with ``procura login`` (see ``procura.cli.access``)
and call one service function each; access checks live in the service layer.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from procura import vocab
from procura.cli import access as base
from procura.workflow import dossier, queries, service
from procura.workflow.lifecycle import history_state
from procura.workflow.queries import LeadFilter
from procura.workflow.views import to_dict

lead_app = typer.Typer(
    help="线索办理 Lead workflow (signed in): queue, show, triage … close.", no_args_is_help=True
)
LeadArg = Annotated[str, typer.Argument(help="线索编号 Lead id.")]
NoteOpt = Annotated[str, typer.Option("--note", help="说明 Note for the history.")]


def _summary_rows(items: list[Any]) -> list[list[Any]]:
    return [
        [
            s.id,
            s.model_id,
            s.office,
            s.department,
            vocab.both("lead_states", s.status),
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
        region: Annotated[str | None, typer.Option(help="区划 Region; 330100 = city.")] = None,
        status: Annotated[str | None, typer.Option(help="状态 Status.")] = None,
        severity: Annotated[str | None, typer.Option(help="严重度 high|medium|low.")] = None,
        overdue: Annotated[bool | None, typer.Option("--overdue/--not-overdue", help="逾期 Overdue.")] = None,
        mine: Annotated[bool, typer.Option("--mine", help="只看我承办的 Only mine.")] = False,
        limit: Annotated[int, typer.Option(min=1, max=500)] = 50,
        offset: Annotated[int, typer.Option(min=0)] = 0,
    ) -> None:
        """线索队列 The lead queue of your jurisdiction, with filters."""
        with base.unit(ctx) as (settings, db):
            me = base.me(settings, db)
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
        base.table(
            f"线索 Leads {offset + 1}-{offset + len(page.items)} / {page.total}",
            SUMMARY_COLUMNS,
            _summary_rows(page.items),
        )

    @lead_app.command("overdue")
    def overdue(ctx: typer.Context) -> None:
        """逾期未回复 Leads whose measure is past its deadline without a response."""
        with base.unit(ctx) as (settings, db):
            items = queries.overdue(db, base.me(settings, db))
        base.table(f"逾期 Overdue ({len(items)})", SUMMARY_COLUMNS, _summary_rows(items))

    @lead_app.command("show")
    def show(
        ctx: typer.Context, lead_id: LeadArg, as_json: Annotated[bool, typer.Option("--json")] = False
    ) -> None:
        """线索详情 A lead (sensitive data masked)."""
        with base.unit(ctx, f"lead show {lead_id}") as (settings, db):
            detail = queries.get_lead(db, base.me(settings, db), lead_id)
        if as_json:
            base.console.print_json(json.dumps(to_dict(detail), ensure_ascii=False, default=str))
            return
        s = detail.summary
        lines = [
            f"{s.id} {s.model_id} — {vocab.both('lead_states', s.status)}",
            f"院 office {s.office} / 部门 dept {s.department} / 承办人 handler {s.handler or '-'}",
            f"对象 target: {s.target}",
            detail.explanation_zh,
            detail.explanation_en,
            f"当事人 subject: {json.dumps(detail.subject, ensure_ascii=False)}",
            *(
                f"措施 measure {m.kind} → {m.addressee}; 期限 deadline {m.deadline or '-'}; "
                f"回复 response {m.response_outcome or '-'}"
                for m in detail.measures
            ),
            f"关联 links: {', '.join(link['lead_id'] for link in detail.links) or '-'}",
            f"回头看 look-back: {detail.lookback.status} {', '.join(detail.lookback.recurrences)}",
        ]
        # Lead text comes from data and users: print it literally, never as Rich markup.
        base.console.print("\n".join(lines), markup=False, highlight=False)

    @lead_app.command("history")
    def lead_history(ctx: typer.Context, lead_id: LeadArg) -> None:
        """办理记录 Every step of a lead."""
        with base.unit(ctx, f"lead history {lead_id}") as (settings, db):
            events = queries.history(db, base.me(settings, db), lead_id)
        base.table(
            f"办理记录 History {lead_id}",
            ["时间 at", "人 actor", "操作 action", "从 from", "到 to", "说明 note"],
            [
                [
                    f"{e.at:%Y-%m-%d %H:%M}",
                    e.actor,
                    vocab.both("actions", e.action),
                    vocab.both("lead_states", e.from_status),
                    history_state(e.action, e.to_status),
                    e.note,
                ]
                for e in events
            ],
        )

    @lead_app.command("evidence")
    def evidence(ctx: typer.Context, lead_id: LeadArg) -> None:
        """证据记录 The warehouse records a lead cites (masked)."""
        with base.unit(ctx, f"lead evidence {lead_id}") as (settings, db):
            records = dossier.evidence_records(db, settings, base.me(settings, db), lead_id)
        base.console.print_json(json.dumps(records, ensure_ascii=False, default=str))

    @lead_app.command("unmask")
    def unmask(
        ctx: typer.Context,
        lead_id: LeadArg,
        purpose: Annotated[str, typer.Option(help="查看目的（必填，记入审计）Purpose, audited.")],
    ) -> None:
        """查看敏感信息 Show a lead's personal data in clear, for a stated purpose."""
        with base.unit(ctx, f"lead unmask {lead_id}", unmasking=True) as (settings, db):
            data = dossier.unmask(db, settings, base.me(settings, db), lead_id, purpose)
        base.console.print_json(json.dumps(data, ensure_ascii=False, default=str))

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
        audited = f"lead bundle {lead_id}"
        with base.unit(ctx, audited, unmasking=unmask_purpose is not None) as (settings, db):
            path = dossier.write_bundle(db, settings, base.me(settings, db), lead_id, unmask_purpose, out)
        base.done(f"evidence bundle written to {path}")


def _register_lead_actions() -> None:
    @lead_app.command("triage")
    def triage(
        ctx: typer.Context,
        lead_id: LeadArg,
        decision: Annotated[str, typer.Argument(help="accept | dismiss")],
        reason: Annotated[
            str | None,
            typer.Option(help="排除理由 " + "|".join(vocab.codes("dismiss_reasons"))),
        ] = None,
        note: NoteOpt = "",
    ) -> None:
        """初查 Accept or dismiss a lead."""
        with base.unit(ctx) as (settings, db):
            event = service.triage(db, base.me(settings, db), lead_id, decision, reason, note)
        base.done(f"{lead_id}: {event.from_status} → {event.to_status}")

    @lead_app.command("assign")
    def assign(
        ctx: typer.Context,
        lead_id: LeadArg,
        handler: Annotated[str, typer.Option(help="承办人用户名 Handler's username.")],
        department: Annotated[str | None, typer.Option(help="部门 Department (chief only).")] = None,
        note: NoteOpt = "",
    ) -> None:
        """指派 Assign a lead to a handler."""
        with base.unit(ctx) as (settings, db):
            event = service.assign(db, base.me(settings, db), lead_id, handler, department, note)
        base.done(f"{lead_id}: {event.from_status} → {event.to_status}, handler {handler}")

    @lead_app.command("transfer")
    def transfer(
        ctx: typer.Context,
        lead_id: LeadArg,
        department: Annotated[str | None, typer.Option(help="移送部门 To department.")] = None,
        office: Annotated[str | None, typer.Option(help="移送检察院 To office.")] = None,
        note: NoteOpt = "",
    ) -> None:
        """移送 Hand a lead over to another department or office."""
        with base.unit(ctx) as (settings, db):
            event = service.transfer(db, base.me(settings, db), lead_id, department, office, note)
        base.done(f"{lead_id}: {event.from_status} → {event.to_status}")

    @lead_app.command("spawn")
    def spawn(
        ctx: typer.Context,
        lead_id: LeadArg,
        department: Annotated[str, typer.Option(help="新线索部门 Department of the linked lead.")],
        note: NoteOpt = "",
    ) -> None:
        """衍生线索 Open a linked lead in another prong."""
        with base.unit(ctx) as (settings, db):
            child = service.spawn(db, base.me(settings, db), lead_id, department, note)
        base.done(f"linked lead {child.id} ({department}) opened from {lead_id}")

    @lead_app.command("escalate")
    def escalate(ctx: typer.Context, lead_id: LeadArg, note: NoteOpt = "") -> None:
        """报请上级 Refer a lead to the office one level up."""
        with base.unit(ctx) as (settings, db):
            event = service.escalate(db, base.me(settings, db), lead_id, note)
        base.done(f"{lead_id}: {event.from_status} → {event.to_status} ({event.data.get('office')})")

    @lead_app.command("designate")
    def designate(
        ctx: typer.Context,
        lead_id: LeadArg,
        office: Annotated[str, typer.Option(help="指定管辖的下级院 Subordinate office.")],
        department: Annotated[str | None, typer.Option(help="部门 Department.")] = None,
        note: NoteOpt = "",
    ) -> None:
        """指定管辖 Designate a subordinate office to handle a lead."""
        with base.unit(ctx) as (settings, db):
            event = service.designate(db, base.me(settings, db), lead_id, office, department, note)
        base.done(f"{lead_id}: {event.from_status} → {event.to_status} ({office})")

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
        findings: Annotated[str, typer.Option(help="审查意见 Findings, printed in 监督意见.")] = "",
    ) -> None:
        """制发监督措施 Record a supervision measure with its response deadline."""
        with base.unit(ctx) as (settings, db):
            m = service.act(
                db,
                settings,
                base.me(settings, db),
                lead_id,
                measure,
                addressee,
                deadline.date() if deadline else None,
                requested,
                note,
                findings,
            )
        base.done(f"{lead_id}: measure {m.kind} to {m.addressee}, deadline {m.deadline or '-'}")

    @lead_app.command("respond")
    def respond(
        ctx: typer.Context,
        lead_id: LeadArg,
        rectified: Annotated[bool, typer.Option("--rectified/--not-rectified", help="是否整改 Rectified?")],
        note: NoteOpt = "",
    ) -> None:
        """登记回复 Record the addressee's response."""
        with base.unit(ctx) as (settings, db):
            m = service.respond(db, base.me(settings, db), lead_id, rectified, note)
        base.done(f"{lead_id}: response {m.response_outcome}")

    @lead_app.command("close")
    def close(ctx: typer.Context, lead_id: LeadArg, note: NoteOpt = "") -> None:
        """办结 Close a rectified lead."""
        with base.unit(ctx) as (settings, db):
            event = service.close(db, base.me(settings, db), lead_id, note)
        base.done(f"{lead_id}: {event.from_status} → {event.to_status}")


def register(app: typer.Typer) -> None:
    """Add ``lead`` (the access commands are their own area; ``models stats`` is in the models area)."""
    _register_lead_reads()
    _register_lead_actions()
    app.add_typer(lead_app, name="lead")
