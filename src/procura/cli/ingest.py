"""Commands: ``ingest``, ``status``, ``quarantine list|show``, ``standard export|show``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import duckdb
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from procura.config import Settings

if TYPE_CHECKING:
    from procura.ingest.service import IngestSummary
from procura.errors import InvalidInput, NotFound
from procura.ingest.quarantine import list_entries, show_entry
from procura.ingest.status import status
from procura.standard.schema import StandardError, export_json, standard

console = Console()
err = Console(stderr=True)


def _fail(message: str, code: int = 2) -> None:
    err.print(f"[red]错误 error:[/red] {message}", markup=True, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _busy(settings: Settings, exc: Exception) -> str:
    """One line for a warehouse another process holds (DuckDB allows one writer)."""
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return (
        f"{settings.warehouse_path}: cannot open the warehouse ({first}); is another procura command running?"
    )


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _summary_table(summary: IngestSummary) -> Table:
    table = Table(title="导入结果 Ingest summary")
    table.add_column("文件 file", overflow="fold")
    table.add_column("表 table", overflow="fold")
    table.add_column("状态 status", no_wrap=True)
    for col in ("读取 read", "新增 stored", "更新 updated", "未变 unchanged", "隔离 quarantined"):
        table.add_column(col, justify="right")
    for f in summary.files:
        if f.status == "skipped":
            continue
        counts = (f.read, f.stored, f.updated, f.unchanged, f.quarantined)
        table.add_row(f.file, f.table or "-", f.status, *(str(n) for n in counts))
    t = summary.totals
    table.add_row(
        "合计 total",
        "",
        "",
        *(str(t[k]) for k in ("read", "stored", "updated", "unchanged", "quarantined")),
        style="bold",
    )
    return table


def ingest_cmd(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="A dataset folder or one file (csv, xlsx, jsonl, parquet).")],
    mapping: Annotated[
        Path | None, typer.Option("--mapping", "-m", help="YAML mapping of a source's columns.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """导入数据 Load agency files into the warehouse (bad rows go to quarantine)."""
    settings: Settings = ctx.obj
    from procura.ingest.service import ingest  # pandas, openpyxl: only when ingesting

    try:
        with Progress(
            TextColumn("[bold]导入 ingest[/bold] {task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=as_json,
        ) as bar:
            task = bar.add_task("", total=None)

            def progress(name: str, done: int, total: int) -> None:
                bar.update(task, description=name, completed=done, total=total)

            summary = ingest(settings, path, mapping, progress)
    except InvalidInput as exc:
        _fail(str(exc))
    except duckdb.Error as exc:
        _fail(_busy(settings, exc))
        return
    if as_json:
        _print_json(summary.to_dict())
    else:
        console.print(_summary_table(summary))
        t = summary.totals
        console.print(
            f"读取 read {t['read']} = 新增 stored {t['stored']} + 更新 updated {t['updated']} + "
            f"未变 unchanged {t['unchanged']} + 隔离 quarantined {t['quarantined']}"
        )
        console.print(f"仓库 warehouse: {settings.warehouse_path}")
        # The similar-case index is not built here (ADR 0112): `procura similar index`, or the
        # first similar-case query, brings it up to date incrementally by batch.
        for f in summary.files:
            if f.flagged:
                flags = ", ".join(f"{k} {v}" for k, v in f.flagged.items())
                console.print(f"标记无效 flagged invalid (kept): {f.file}: {flags}", highlight=False)
            if f.status in ("loaded", "unchanged") and f.message:
                console.print(f"说明 note: {f.file}: {f.message}", highlight=False)
        for f in summary.skipped:
            console.print(f"跳过 skipped: {f.file} ({f.message})", highlight=False)
        for f in summary.rejected:
            err.print(f"[red]拒收 rejected:[/red] {f.message}", highlight=False, soft_wrap=True)
    if summary.rejected:
        raise typer.Exit(1)


def status_cmd(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """仓库状态 Tables, row counts, batches and quarantine by reason."""
    try:
        data = status(ctx.obj)
    except duckdb.Error as exc:
        _fail(_busy(ctx.obj, exc))
        return
    if as_json:
        _print_json(data)
        return
    tables = Table(title="数据表 Tables")
    tables.add_column("表 table")
    tables.add_column("名称 title")
    tables.add_column("行数 rows", justify="right")
    for t in data["tables"]:
        tables.add_row(t["table"], t["title_zh"], str(t["rows"]))
    console.print(tables)
    b = data["batches"]
    console.print(
        f"批次 batches: {b['total']} (提交 committed {b['committed']}, 拒收 rejected {b['rejected']}); "
        f"历史版本 row history: {data['row_history']}"
    )
    if data["quarantine"]:
        q = Table(title="隔离原因 Quarantine by reason")
        for col in ("表 table", "字段 field", "原因 reason", "条数 entries"):
            q.add_column(col)
        for row in data["quarantine"]:
            q.add_row(row["table"], row["field"] or "-", row["reason"], str(row["entries"]))
        console.print(q)


quarantine_app = typer.Typer(help="隔离区 Quarantined rows: list and show.", no_args_is_help=True)


@quarantine_app.command("list")
def quarantine_list(
    ctx: typer.Context,
    table: Annotated[str | None, typer.Option("--table", help="Only this standard table.")] = None,
    file: Annotated[str | None, typer.Option("--file", help="Only this source file name.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many entries.")] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """列出隔离记录 List quarantine entries (file, row, field, reason)."""
    try:
        entries = list_entries(ctx.obj, table, file, limit)
    except duckdb.Error as exc:
        _fail(_busy(ctx.obj, exc))
        return
    if as_json:
        _print_json(entries)
        return
    out = Table(title="隔离记录 Quarantine")
    for col in ("编号 entry", "文件 file", "行 row", "字段 field", "原因 reason", "值 value"):
        out.add_column(col)
    for e in entries:
        out.add_row(
            e["entry_id"],
            e["file"],
            str(e["row"] or "-"),
            e["field"] or "-",
            e["reason"],
            (e["value"] or "")[:40],
        )
    console.print(out)


@quarantine_app.command("show")
def quarantine_show(
    ctx: typer.Context,
    entry_id: Annotated[str, typer.Argument(help="Entry id from `quarantine list` (batch/row).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """查看隔离记录 Show one quarantined row with its problems and raw values."""
    try:
        entry = show_entry(ctx.obj, entry_id)
    except duckdb.Error as exc:
        _fail(_busy(ctx.obj, exc))
        return
    except NotFound as exc:
        _fail(str(exc))
        return
    if as_json:
        _print_json(entry)
        return
    console.print(
        f"[bold]{entry['entry_id']}[/bold]  {entry['file']} 第 {entry['row']} 行 row  → {entry['table']}"
    )
    for p in entry["problems"]:
        console.print(f"  字段 field [cyan]{p['field']}[/cyan]: {p['reason']}  值 value: {p['value']!r}")
    if entry["raw"]:
        raw = Table(title="原始行 Raw row")
        raw.add_column("列 column")
        raw.add_column("值 value")
        for k, v in entry["raw"].items():
            raw.add_row(str(k), "" if v is None else str(v)[:200])
        console.print(raw)


standard_app = typer.Typer(help="数据标准 The data standard.", no_args_is_help=True)


@standard_app.command("export")
def standard_export(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """导出数据标准 Export every table and field of the standard as JSON."""
    text = export_json()
    if out:
        out.write_text(text + "\n", encoding="utf-8")
        console.print(f"已写出 written: {out}")
    else:
        typer.echo(text)


@standard_app.command("show")
def standard_show(
    table: Annotated[str | None, typer.Argument(help="One table; all when omitted.")] = None,
) -> None:
    """查看数据标准 Show the standard's tables and fields."""
    tables = standard()
    if table and table not in tables:
        _fail(f"no standard table {table!r}; tables: {', '.join(tables)}")
    for t in [tables[table]] if table else tables.values():
        out = Table(title=f"{t.name} — {t.title_zh} {t.title_en} (主键 key: {', '.join(t.primary_key)})")
        for col in ("字段 field", "名称 name", "类型 kind", "必填 required", "取值 values"):
            out.add_column(col)
        for f in t.fields:
            out.add_row(f.name, f.zh, f.kind, "是 yes" if f.required else "", ", ".join(f.values))
        console.print(out)


def register(app: typer.Typer) -> None:
    """Add the ingest-area commands; the standard is loaded and checked here, at start-up."""
    try:
        standard()
    except StandardError as exc:
        err.print(f"错误 error: data standard: {exc}")
        raise SystemExit(2) from exc
    app.command("ingest")(ingest_cmd)
    app.command("status")(status_cmd)
    app.add_typer(quarantine_app, name="quarantine")
    app.add_typer(standard_app, name="standard")
