"""Exchange and reminder commands: ``procura agency add|key|revoke``, ``procura finalise``,
``procura verify`` and ``procura remind`` (fit for cron)."""

from __future__ import annotations

from typing import Annotated

import typer

from procura.cli.access import console, done, me, table, unit
from procura.documents.service import finalise
from procura.exchange import keys
from procura.exchange import service as exchange
from procura.exchange.demo import DEMO_AGENCY, create_demo_agency
from procura.leads.summary import busiest_offices
from procura.workflow import lookback, reminders

agency_app = typer.Typer(help="协作单位 Agencies and their API keys (admins).", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the exchange commands to ``app``."""
    app.add_typer(agency_app, name="agency")

    @agency_app.command("add")
    def add(
        ctx: typer.Context,
        agency_id: Annotated[str, typer.Argument(help="编号 Agency id, e.g. panan-police.")],
        name: Annotated[str, typer.Option(help="名称 Full name, as documents address it.")],
        kind: Annotated[str, typer.Option(help=f"类别 One of {', '.join(keys.AGENCY_KINDS)}.")],
        region: Annotated[str, typer.Option(help="行政区划 Region code.")],
        table_names: Annotated[list[str], typer.Option("--table", help="可报送的表 Table it may send.")] = [],  # noqa: B006
        alias: Annotated[list[str], typer.Option("--alias", help="别名 Another name documents use.")] = [],  # noqa: B006
    ) -> None:
        """新增协作单位 Register an agency."""
        with unit(ctx) as (settings, db):
            keys.add_agency(db, me(settings, db), agency_id, name, kind, region, table_names, alias)
        done(f"agency {agency_id} added")

    @agency_app.command("demo")
    def demo(
        ctx: typer.Context,
        county: Annotated[str | None, typer.Option(help="演示县级院 County office.")] = None,
    ) -> None:
        """演示协作单位 Create or reset the demo agency (a police bureau) and print a new API key."""
        with unit(ctx) as (settings, db):
            office = county or next(iter(busiest_offices(db)), "330110-county")
            agency, issued = create_demo_agency(db, settings, office)
            name = agency.name
        console.print(f"演示协作单位 demo agency: {DEMO_AGENCY} ({name})", highlight=False)
        console.print(f"API 密钥 key (shown once): {issued}", highlight=False)
        console.print(
            "  curl -H 'X-API-Key: <key>' -F table=police_reports -F file=@police_reports.csv "
            "http://127.0.0.1:8000/api/v1/exchange/batches",
            highlight=False,
        )
        console.print("  或在浏览器中 or in the browser: http://127.0.0.1:8000/agency/login", highlight=False)

    @agency_app.command("key")
    def key(ctx: typer.Context, agency_id: Annotated[str, typer.Argument(help="编号 Agency id.")]) -> None:
        """签发 API 密钥 Issue an API key (shown once)."""
        with unit(ctx) as (settings, db):
            issued = keys.issue_key(db, me(settings, db), agency_id)
        console.print(issued, highlight=False)

    @agency_app.command("revoke")
    def revoke(
        ctx: typer.Context, prefix: Annotated[str, typer.Argument(help="密钥前缀 Key prefix.")]
    ) -> None:
        """吊销 API 密钥 Revoke an API key."""
        with unit(ctx) as (settings, db):
            keys.revoke_key(db, me(settings, db), prefix)
        done(f"key {prefix} revoked")

    @app.command("finalise")
    def finalise_cmd(
        ctx: typer.Context,
        lead_id: Annotated[str, typer.Argument(help="线索编号 Lead id.")],
        measure: Annotated[int | None, typer.Option(help="措施 Measure id (default: the latest).")] = None,
    ) -> None:
        """定稿编号 Finalise a measure's documents: one per addressee, numbered from the register."""
        with unit(ctx) as (settings, db):
            docs = finalise(db, settings, me(settings, db), lead_id, measure)
            rows = [[d.id, d.doc_no, d.addressee, d.deadline] for d in docs]
        table("已发文书 Issued documents", ["id", "文号 number", "主送 addressee", "期限 deadline"], rows)

    @app.command("verify")
    def verify(
        ctx: typer.Context,
        reply_id: Annotated[int, typer.Argument(help="回复编号 Reply id.")],
        rectified: Annotated[bool, typer.Option("--rectified/--not-rectified", help="是否整改 Verdict.")],
        reasons: Annotated[str, typer.Option(help="理由 Reasons (required when not rectified).")] = "",
    ) -> None:
        """核实回复 Verify an agency's reply before closing the lead."""
        with unit(ctx) as (settings, db):
            exchange.verify(db, me(settings, db), reply_id, rectified, reasons)
        done(f"reply {reply_id} verified")

    @app.command("remind")
    def remind(ctx: typer.Context) -> None:
        """到期提醒与回头看 Notify deadlines near or past; link look-back recurrences (idempotent; cron)."""
        with unit(ctx, system=True) as (settings, db):
            result = reminders.remind(db, settings)
            sweep = lookback.record_lookbacks(db, settings)
        done(
            f"{result.measures} measures due or overdue; "
            f"{result.created} reminders created, {result.already} already sent; "
            f"look-back: {len(sweep.linked)} recurrences linked, "
            f"{len(sweep.routed)} routed to the original office"
        )
