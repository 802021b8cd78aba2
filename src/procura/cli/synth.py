"""Commands: ``synth`` (a synthetic dataset with planted truth) and ``evaluate`` (score against it)."""

from __future__ import annotations

import json
import math
import time
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from procura.config import Settings
from procura.evaluate import Evaluation, EvaluationInputError, evaluate
from procura.synth import DEFAULT_AS_OF, DEFAULT_PROVINCE, generate

console = Console()
err = Console(stderr=True)


def _fail(message: str, code: int = 2) -> None:
    err.print(f"[red]错误 error:[/red] {message}", markup=True, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _pct(value: float | None) -> str:
    """A percentage that never rounds up to 100% (99.95% shows as 99.9%)."""
    if value is None:
        return "-"
    if value in (0.0, 1.0):
        return f"{value:.0%}"
    return f"{math.floor(value * 1000) / 10:.1f}%"


def synth_command(
    out: Annotated[Path, typer.Option("--out", help="Folder to write (data/ and truth.json).")],
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same files.")] = 1,
    scale: Annotated[
        float, typer.Option(help="1 is about 20k rows; 0.2 for quick tests; 100 about 2M.")
    ] = 1.0,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="As-of date YYYY-MM-DD (default 2026-06-30).")
    ] = None,
    province: Annotated[str, typer.Option(help="Primary province, GB/T 2260 code.")] = DEFAULT_PROVINCE,
) -> None:
    """合成数据 Generate a synthetic dataset with planted violations and its truth file."""
    try:
        day = date.fromisoformat(as_of) if as_of else DEFAULT_AS_OF
    except ValueError:
        _fail(f"--as-of {as_of!r}: expected a date YYYY-MM-DD")
        return
    if scale <= 0:
        _fail(f"--scale {scale}: must be positive")
    if len(province) != 6 or not province.isdigit() or not province.endswith("0000"):
        _fail(f"--province {province!r}: expected a six-digit province code such as 330000")
    started = time.perf_counter()
    try:
        counts = generate(out, seed=seed, scale=scale, as_of=day, province=province)
    except (ValueError, OSError) as exc:
        _fail(str(exc))
        return
    elapsed = time.perf_counter() - started
    table = Table(title=f"合成数据 Synthetic dataset → {out}")
    table.add_column("表 table")
    table.add_column("行 rows", justify="right")
    for name, rows in counts.items():
        table.add_row(name, f"{rows:,}")
    table.add_row("合计 total", f"{sum(counts.values()):,}")
    console.print(table)
    console.print(f"真值 truth: {out / 'truth.json'} · as-of {day.isoformat()} · {elapsed:.1f} s")


def _model_table(evaluation: Evaluation) -> Table:
    table = Table(
        title=f"模型评估 Model evaluation · leads: {evaluation.leads_source}",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    table.add_column("模型 model", overflow="fold")
    for column in (
        "精确\nP",
        "召回\nR",
        "F1",
        "埋设\nplant",
        "命中\nfound",
        "误报\nfalse",
        "近似\nnear",
        "重复\ndup",
        "解析\nER",
    ):
        table.add_column(column, justify="right", no_wrap=True)
    for m in evaluation.models:
        table.add_row(
            m.model_id,
            _pct(m.precision),
            _pct(m.recall),
            _pct(m.f1),
            str(m.planted),
            str(m.found),
            str(len(m.false_leads)),
            str(m.near_miss_flagged),
            str(m.duplicates),
            f"{m.er_found}/{m.er_planted}",
        )
    totals = evaluation.totals()
    table.add_row(
        "合计 total",
        _pct(totals["precision"]),
        _pct(totals["recall"]),
        "",
        str(totals["planted"]),
        str(totals["found"]),
        str(totals["false_leads"]),
        "",
        str(totals["duplicates"]),
        "",
    )
    return table


def _details(evaluation: Evaluation, limit: int) -> None:
    for m in evaluation.models:
        for miss in m.missed[:limit]:
            console.print(
                f"  漏报 missed [{m.model_id}] {miss['anchor']} — {miss['note']}"
                + (" (需实体解析 needs entity resolution)" if miss["needs_er"] else ""),
                highlight=False,
                markup=False,
            )
        for lead in m.false_leads[:limit]:
            label = f" — 近似 near-miss: {lead['near_miss']}" if lead["near_miss"] else ""
            console.print(
                f"  误报 false lead [{m.model_id}] {lead['anchor']}{label}", highlight=False, markup=False
            )
        hidden = max(0, len(m.missed) - limit) + max(0, len(m.false_leads) - limit)
        if hidden:
            console.print(f"  … {hidden} more for {m.model_id} (use --json)")


def _linkage_line(evaluation: Evaluation) -> str:
    link = evaluation.linkage
    if link is None:
        return "实体解析 Entity resolution: no linkage found (run `procura link`, or pass --mentions FILE)"
    kinds = ", ".join(f"{k} P {_pct(v['precision'])} R {_pct(v['recall'])}" for k, v in link.by_kind.items())
    return (
        f"实体解析 Entity resolution (pairwise): precision {_pct(link.precision)}, "
        f"recall {_pct(link.recall)}, F1 {_pct(link.f1)} over {link.compared:,} of "
        f"{link.truth_mentions:,} true mentions ({kinds})"
    )


def evaluate_command(
    ctx: typer.Context,
    truth: Annotated[Path, typer.Option("--truth", help="truth.json written by `procura synth`.")],
    leads: Annotated[
        Path | None, typer.Option(help="Lead export (JSONL or CSV); default: the lead store.")
    ] = None,
    mentions: Annotated[
        Path | None, typer.Option(help="Linkage CSV (table,key,role,entity_id); default: the warehouse.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the full result as JSON.")] = False,
    show: Annotated[int, typer.Option(help="Missed and false leads listed per model.")] = 10,
) -> None:
    """评估 Score leads and entity resolution against a truth file."""
    settings: Settings = ctx.obj
    try:
        result = evaluate(truth, settings=settings, leads_path=leads, mentions_path=mentions)
    except EvaluationInputError as exc:
        _fail(str(exc))
        return
    if as_json:
        payload: dict[str, Any] = result.to_dict()
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    console.print(_model_table(result))
    _details(result, show)
    console.print(_linkage_line(result), highlight=False, markup=False)
    for line in _similar_lines(result):
        console.print(line, highlight=False, markup=False)


def _similar_lines(result: Evaluation) -> list[str]:
    """Similar-case retrieval against both baselines, grouping purity, and change detection."""
    lines: list[str] = []
    if result.similar is not None:
        sim = result.similar
        lines.append(f"类案检索 similar cases: {sim.families} families, {sim.methods[0].queries} queries")
        for m in sim.methods:
            lines.append(f"  {m.method:<18} P@5 {m.precision_at_5:.3f}   nDCG@10 {m.ndcg_at_10:.3f}")
        lines.append(
            f"  分组纯度 grouping purity {sim.purity:.3f} ({sim.groups} groups of {sim.records} records)"
        )
    if result.trends is not None:
        tr = result.trends
        lines.append(
            f"趋势突变 change points: {tr.detected}/{tr.shifts} shifts detected within 2 periods "
            f"(delays {tr.delays}); {tr.false_alarms} false alarms over {tr.region_series} region-series "
            f"({tr.false_alarms_per_100:.2f} per 100)"
        )
    return lines


def register(app: typer.Typer) -> None:
    """Add ``synth`` and ``evaluate`` to the main app."""
    app.command("synth")(synth_command)
    app.command("evaluate")(evaluate_command)
