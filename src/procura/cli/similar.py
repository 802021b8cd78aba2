"""Commands: ``similar search`` (类案检索) and ``similar index``; ``trends show|alerts|series``.

Search and trends act as the user signed in with ``procura login``; the service
functions check the role, limit everything to the user's jurisdiction and mask.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from procura.cli import access as base
from procura.errors import InvalidInput
from procura.similar import index as index_store
from procura.similar.score import load_weights
from procura.similar.service import search
from procura.trends.counts import all_series
from procura.trends.service import alerts, trend

similar_app = typer.Typer(help="类案检索 Similar-case search.", no_args_is_help=True)
trends_app = typer.Typer(help="趋势分析 Trends and change alerts.", no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@similar_app.command("search")
def search_cmd(
    ctx: typer.Context,
    record: Annotated[
        str | None, typer.Option(help="记录 Record table:key, e.g. police_reports:PR-0000001.")
    ] = None,
    lead: Annotated[str | None, typer.Option(help="线索编号 Lead id.")] = None,
    text: Annotated[str | None, typer.Option(help="文本 Free text.")] = None,
    limit: Annotated[int, typer.Option(help="结果数 Hits.")] = 10,
    weights: Annotated[Path | None, typer.Option(help="权重 Weights YAML (default: packaged).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """类案检索 The most similar records in your jurisdiction, with reasons."""
    with base.unit(ctx) as (settings, db):
        me = base.me(settings, db)
        try:
            w = load_weights(weights) if weights else None
        except (OSError, ValueError) as exc:
            raise InvalidInput(str(exc)) from exc
        result = search(
            settings, me, record=record, lead_id=lead, text=text, limit=limit, weights=w, session=db
        )
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2, default=str))
        return
    rows = [
        [
            h.rank,
            f"{h.table}:{h.record_key}",
            f"{h.score:.3f}",
            h.region_name,
            h.date,
            "；".join(f"{r['zh']}{'（' + r['detail'] + '）' if r['detail'] else ''}" for r in h.reasons),
            ", ".join(h.leads),
        ]
        for h in result.hits
    ]
    base.table(
        f"类案 similar to {result.mode} {result.reference} · {result.indexed} indexed · scope {result.scope}",
        ["#", "记录 record", "分 score", "地区 region", "日期 date", "理由 reasons", "线索 leads"],
        rows,
    )


@similar_app.command("index")
def index_cmd(
    ctx: typer.Context,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Re-tokenise every record.")] = False,
) -> None:
    """建立索引 Bring the similar-case index up to date with the warehouse (incremental by batch)."""
    done = index_store.refresh(ctx.obj, rebuild=rebuild)
    n_new, n_tok, n_docs = done["new_batches"], done["tokenized"], done["documents"]
    base.done(f"{n_new} new batches, {n_tok} records tokenised, {n_docs} indexed")


@trends_app.command("series")
def series_cmd() -> None:
    """序列 The series that can be counted, and their dimensions."""
    rows = [[s.name, s.zh, s.en, s.table, ", ".join(s.dimensions)] for s in all_series().values()]
    base.table("趋势序列 Trend series", ["序列 series", "中文", "English", "表 table", "维度 by"], rows)


@trends_app.command("show")
def show_cmd(
    ctx: typer.Context,
    series: Annotated[str, typer.Argument(help="序列 Series, see `trends series`.")],
    level: Annotated[str, typer.Option(help="province|city|county")] = "city",
    by: Annotated[str | None, typer.Option(help="维度 Dimension.")] = None,
    start: Annotated[str | None, typer.Option(help="起 YYYY-MM")] = None,
    end: Annotated[str | None, typer.Option(help="止 YYYY-MM")] = None,
    top: Annotated[int, typer.Option(help="行数 Rows shown.")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """趋势 Monthly counts of a series per region (and dimension)."""
    with base.unit(ctx) as (settings, db):
        result = trend(settings, base.me(settings, db), series, level, by, start, end)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    if result.note:
        base.console.print(result.note)
        return
    recent = result.periods[-6:]
    rows = [
        [r.region_code, r.region_name, r.dimension or "", r.total, *r.counts[-len(recent) :]]
        for r in result.rows[:top]
    ]
    title = f"{result.title_zh} {result.title_en} · {result.periods[0]}…{result.periods[-1]}"
    base.table(title, ["区划 code", "地区 region", "维度", "合计 total", *recent], rows)


@trends_app.command("alerts")
def alerts_cmd(
    ctx: typer.Context,
    series: Annotated[list[str] | None, typer.Option(help="序列 Series (default: all).")] = None,
    level: Annotated[str, typer.Option(help="province|city|county")] = "county",
    end: Annotated[str | None, typer.Option(help="截至 YYYY-MM")] = None,
    as_json: JsonOpt = False,
) -> None:
    """预警 Region-series whose counts rose against their own history (Poisson CUSUM)."""
    with base.unit(ctx) as (settings, db):
        found = alerts(settings, base.me(settings, db), series or None, level, end=end)
    if as_json:
        typer.echo(json.dumps([a.__dict__ for a in found], ensure_ascii=False, indent=2))
        return
    rows = [
        [
            a.series,
            a.region_code,
            a.region_name,
            a.rise_from,
            a.period,
            a.reference_rate,
            a.observed_rate,
            f"{a.p_value:.2g}",
        ]
        for a in found
    ]
    base.table(
        f"趋势预警 Trend alerts · {len(found)}",
        ["序列 series", "区划", "地区", "起 from", "报警 alarm", "此前 before/月", "之后 after/月", "p"],
        rows,
    )


def register(app: typer.Typer) -> None:
    app.add_typer(similar_app, name="similar")
    app.add_typer(trends_app, name="trends")
