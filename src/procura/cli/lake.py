"""``procura lake``: write the warehouse to a Parquet lake, and verify a lake against its manifest."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from procura.config import Settings
from procura.errors import WarehouseError
from procura.warehouse.connection import connect
from procura.warehouse.lake import export, verify

console = Console(highlight=False)
lake_app = typer.Typer(
    help="数据湖 Parquet lake: partitioned Parquet and a manifest (export, verify).",
    no_args_is_help=True,
)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@lake_app.command("export")
def export_cmd(
    ctx: typer.Context,
    to: Annotated[
        Path | None,
        typer.Option("--to", help="Lake folder (default: the lake setting, else <workspace>/lake)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Write the warehouse's tables to the lake: changed partitions only. 导出数据湖"""
    settings: Settings = ctx.obj
    if not settings.warehouse_path.exists():
        raise WarehouseError(f"no warehouse at {settings.warehouse_path}: run `procura ingest` first")
    root = (to or settings.lake_dir).resolve()
    started = time.perf_counter()
    con = connect(settings, read_only=True)
    try:
        summary = export(con, root)
    finally:
        con.close()
    seconds = round(time.perf_counter() - started, 2)
    if as_json:
        body = {"lake": str(root), "tables": summary.tables, "totals": summary.totals(), "seconds": seconds}
        console.print_json(json.dumps(body))
        return
    table = Table(title=f"数据湖 Lake {root}")
    table.add_column("表 table", no_wrap=True)
    for col in (
        "分区 partitions",
        "写入 written",
        "保留 kept",
        "删除 dropped",
        "行 rows",
        "写入行 rows written",
    ):
        table.add_column(col, justify="right")
    for name, counts in summary.tables.items():
        table.add_row(name, *(str(v) for v in counts.values()))
    console.print(table)
    totals = summary.totals()
    console.print(
        f"合计 total: {totals['rows']} 行 rows in {totals['partitions']} partitions, "
        f"{totals['written']} written, {totals['dropped']} dropped · {seconds} s"
    )


@lake_app.command("verify")
def verify_cmd(
    ctx: typer.Context,
    lake: Annotated[Path | None, typer.Argument(help="Lake folder (default: as for export).")] = None,
    quick: Annotated[bool, typer.Option("--quick", help="Check files and sizes, not SHA-256.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Check every file of the manifest is there with its size and SHA-256. 校验数据湖"""
    settings: Settings = ctx.obj
    root = (lake or settings.lake_dir).resolve()
    found = verify(root, hashes=not quick)
    counts = {
        "tables": found.tables,
        "partitions": found.partitions,
        "files": found.files,
        "rows": found.rows,
        "bytes": found.bytes,
    }
    if as_json:
        console.print_json(json.dumps({"lake": str(root), "ok": True, **counts}))
        return
    checked = "sizes" if quick else "SHA-256"
    console.print(
        f"数据湖完好 lake ok: {root} · {found.tables} tables, {found.partitions} partitions, "
        f"{found.files} files ({checked} checked), {found.rows} rows, {found.bytes} bytes"
    )


def register(app: typer.Typer) -> None:
    """Add the ``lake`` command group."""
    app.add_typer(lake_app, name="lake")
