"""``procura leads list|show|export``: the analysts' view of the lead store, signed in (ADR 0564).

The same service functions as the API: jurisdiction applies, personal data is
masked unless a purpose is stated (then audited), and every read is audited.
The bulk export is the analyst role's permission.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from procura.cli import access as base
from procura.leads import export as lead_export
from procura.leads.runs import revisions
from procura.warehouse.keys import key_of
from procura.workflow import dossier, queries
from procura.workflow.exports import export_leads

console = Console()
err = Console(stderr=True)
leads_app = typer.Typer(
    help="Leads (监督线索): list, show, export — signed in, in your jurisdiction, masked unless a "
    "purpose is given; prosecutors work leads with `procura lead`.",
    no_args_is_help=True,
)
ModelFilter = Annotated[str | None, typer.Option("--model", help="Only this model. 按模型")]
ProngFilter = Annotated[str | None, typer.Option("--prong", help="Only this prong. 按监督领域")]
RegionFilter = Annotated[
    str | None, typer.Option("--region", help="Region code; 330000 = province, 330100 = city. 按地区")
]
StatusFilter = Annotated[str | None, typer.Option("--status", help="Only this workflow status. 按状态")]
PurposeOpt = Annotated[
    str | None,
    typer.Option("--purpose", help="查看目的 '<purpose>: <why>' — shows personal data in clear, audited."),
]


@leads_app.command("list")
def leads_list(
    ctx: typer.Context,
    model: ModelFilter = None,
    prong: ProngFilter = None,
    region: RegionFilter = None,
    status: StatusFilter = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=queries.MAX_PAGE, help="At most.")] = 50,
) -> None:
    """List leads of your jurisdiction, highest score first. 线索列表"""
    filters = queries.LeadFilter(model=model, prong=prong, region=region, status=status)
    with base.unit(ctx, "leads list") as (settings, session):
        page = queries.list_leads(session, base.me(settings, session), filters, limit=limit)
    table = Table(title=f"监督线索 Leads ({len(page.items)} / {page.total})")
    for col in ("id", "模型 model", "地区 region", "院 office", "分 score", "状态 status", "对象 target"):
        table.add_column(col)
    for lead in page.items:
        values = (lead.id, lead.model_id, lead.region_code, lead.office, f"{lead.score:.2f}", lead.status)
        table.add_row(*(escape(str(v)) for v in (*values, lead.target)))
    console.print(table)


@leads_app.command("show")
def leads_show(
    ctx: typer.Context,
    lead_ref: Annotated[str, typer.Argument(help="Lead id or fingerprint.")],
    purpose: PurposeOpt = None,
) -> None:
    """Show one lead (masked unless --purpose) with its evidence and history. 查看线索"""
    with base.unit(ctx, f"leads show {lead_ref}", unmasking=purpose is not None) as (settings, session):
        who = base.me(settings, session)
        found = queries.find_lead(session, who, lead_ref)
        detail = queries.get_lead(session, who, found.id)
        clear = dossier.unmask(session, settings, who, found.id, purpose) if purpose is not None else None
        history = [(r.at, r.run_id, r.change, len(r.evidence)) for r in revisions(session, found.id)]
    summary = detail.summary
    for key, value in (
        ("lead_id", summary.id),
        ("fingerprint", found.fingerprint),
        ("model_id", summary.model_id),
        ("model_version", detail.model_version),
        ("status", summary.status),
        ("prong", summary.prong),
        ("measure", summary.measure),
        ("target", summary.target),
        ("region_code", summary.region_code),
        ("office", summary.office),
        ("score", summary.score),
        ("explanation_zh", clear["explanation_zh"] if clear else detail.explanation_zh),
        ("explanation_en", clear["explanation_en"] if clear else detail.explanation_en),
        ("subject", clear["subject"] if clear else detail.subject),
        ("params", detail.params),
    ):
        console.print(f"[bold]{key}[/bold]: {escape(str(value))}", highlight=False)
    console.print("[bold]证据 evidence[/bold]:")
    for ref in detail.evidence:
        console.print(f"  {ref['table']}: {escape(key_of(ref['key']))}", highlight=False)
    console.print("[bold]历史 history[/bold]:")
    for at, run_id, change, count in history:
        console.print(f"  {at:%Y-%m-%d %H:%M} run {run_id} {change} ({count} evidence)")


@leads_app.command("export")
def leads_export(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="jsonl | csv")] = "jsonl",
    out: Annotated[Path | None, typer.Option("--out", help="File to write (default: stdout).")] = None,
    model: ModelFilter = None,
    prong: ProngFilter = None,
    region: RegionFilter = None,
    status: StatusFilter = None,
    purpose: PurposeOpt = None,
) -> None:
    """Export leads in the spec's export format (analysts; masked unless --purpose). 导出线索"""
    if fmt not in lead_export.FORMATS:
        err.print(f"错误 error: --format {fmt!r}: choose jsonl or csv", markup=False, style="red")
        raise typer.Exit(1)
    with base.unit(ctx, "leads export", unmasking=purpose is not None) as (settings, session):
        where = queries.LeadFilter(model=model, prong=prong, region=region, status=status)
        records = export_leads(session, base.me(settings, session), where, purpose)
    if out is None:
        lead_export.write(records, sys.stdout, fmt)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as handle:
        count = lead_export.write(records, handle, fmt)
    out.chmod(0o600)
    err.print(f"已导出 exported {count} leads to {out}", markup=False)


def register(app: typer.Typer) -> None:
    """Add ``leads`` to the main app."""
    app.add_typer(leads_app, name="leads")
