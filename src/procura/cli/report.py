"""Command: ``report governance`` — the governance data report as a Chinese A4 PDF."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from procura.cli import access as base
from procura.reports.service import governance_report, report_name

report_app = typer.Typer(help="报告 Reports.", no_args_is_help=True)


@report_app.command("governance")
def governance_cmd(
    ctx: typer.Context,
    start: Annotated[str, typer.Option(help="起 YYYY-MM")],
    end: Annotated[str, typer.Option(help="止 YYYY-MM")],
    out: Annotated[
        Path | None, typer.Option(help="PDF file (default: out/governance-<office>-<start>-<end>.pdf).")
    ] = None,
    facts_json: Annotated[
        Path | None, typer.Option("--facts", help="Also write the numbers as JSON.")
    ] = None,
    model: Annotated[str | None, typer.Option(help="模型 Only the leads of this model.")] = None,
    class_id: Annotated[
        str | None, typer.Option("--class", help="类案 Only the members of this class (K-…).")
    ] = None,
) -> None:
    """社会治理报告 A governance report of your office for the period (PDF with charts), of every
    lead or of one model's or one class's."""
    with base.unit(ctx) as (settings, db):
        pdf, facts = governance_report(settings, db, base.me(settings, db), start, end, model, class_id)
    path = out or settings.out_dir / report_name(facts)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pdf)
    if facts_json:
        facts_json.write_text(
            json.dumps(asdict(facts), ensure_ascii=False, indent=1, default=str), encoding="utf-8"
        )
    base.done(f"{path} ({len(pdf) // 1024} KiB, {len(facts.alerts)} alerts)")


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")
