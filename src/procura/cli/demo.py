"""``procura demo``: the whole pipeline on a synthetic dataset, in one command.

The demo is a script of the ordinary commands — synth, ingest, link, run,
evaluate, demo users — so that what it shows is exactly what a user would get
by typing them; it adds only a summary of the leads and where to look next.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.rule import Rule
from rich.table import Table

from procura import clock
from procura.config import Settings
from procura.leads.summary import lead_counts
from procura.migrations import open_store
from procura.standard import regions

console = Console(highlight=False)


def _step(app: typer.Typer, settings: Settings, title: str, args: list[str]) -> float:
    """Run one procura command in this process; stop the demo if it fails."""
    console.print(Rule(f"[bold]{title}[/bold]"))
    console.print(f"$ procura {' '.join(args)}", style="dim")
    started = time.perf_counter()
    try:
        app(["--workspace", str(settings.home), *args], standalone_mode=False, prog_name="procura")
    except typer.Exit as exc:
        if exc.exit_code:
            console.print(f"[red]演示中止 demo stopped:[/red] `procura {' '.join(args)}` failed")
            raise
    return time.perf_counter() - started


def _summary(settings: Settings) -> int:
    """Print leads by model, prong and city; return the number of leads."""
    with open_store(settings)() as session:
        counts = lead_counts(session)
    table = Table(title="线索汇总 Leads by model, prong and city")
    for column in ("模型 model", "领域 prong", "地区 city", "线索 leads"):
        table.add_column(column, justify="right" if column.endswith("leads") else "left")
    for c in counts:
        table.add_row(c.model_id, c.prong, f"{c.city} {regions.name(c.city) or ''}", str(c.leads))
    total = sum(c.leads for c in counts)
    table.add_row("合计 total", "", "", str(total))
    console.print(table)
    return total


def demo(
    ctx: typer.Context,
    data: Annotated[
        Path | None,
        typer.Option(help="A dataset folder to use instead of a generated one (no evaluation then)."),
    ] = None,
    scale: Annotated[float, typer.Option(help="Size of the generated dataset (1 = about 20k rows).")] = 1.0,
    seed: Annotated[int, typer.Option(help="Seed of the generated dataset.")] = 1,
) -> None:
    """演示 Run the whole pipeline on a synthetic dataset and show the result."""
    from procura.cli import app

    settings: Settings = ctx.obj.ensure()
    timings: dict[str, float] = {}
    truth: Path | None = None
    as_of: str | None = None
    if data is None:
        folder = settings.home / "demo-dataset"
        truth = folder / "truth.json"
        if not truth.exists():
            timings["synth"] = _step(
                app, settings, "1 合成数据 Synthetic dataset",
                ["synth", "--out", str(folder), "--seed", str(seed), "--scale", str(scale)],
            )
        else:
            console.print(f"合成数据已存在 dataset already generated: {folder}")
        as_of = json.loads(truth.read_text(encoding="utf-8"))["as_of"]
        data = folder / "data"
    timings["ingest"] = _step(app, settings, "2 数据汇聚 Ingest", ["ingest", str(data)])
    timings["link"] = _step(app, settings, "3 实体链接 Entity resolution", ["link"])
    run_args = ["run", "--as-of", as_of or clock.today().isoformat()]
    timings["run"] = _step(app, settings, "4 监督模型 Supervision models", run_args)
    timings["index"] = _step(app, settings, "4b 类案索引 Similar-case index", ["similar", "index"])
    console.print(Rule("[bold]5 线索 Leads[/bold]"))
    total = _summary(settings)
    if truth is not None:
        timings["evaluate"] = _step(
            app, settings, "6 评估 Evaluation against the planted truth",
            ["evaluate", "--truth", str(truth), "--show", "3"],
        )
    _step(app, settings, "7 演示账号 Demo users (passwords are new on every run)", ["users", "demo"])
    _step(app, settings, "8 演示协作单位 Demo agency and its API key (new on every run)", ["agency", "demo"])
    console.print(Rule("[bold]完成 Done[/bold]"))
    steps = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in timings.items())
    console.print(f"工作区 workspace: {settings.home}  ·  {total} leads  ·  {steps}")
    default = settings.home.resolve() == (Path.cwd() / "procura-workspace").resolve()
    cmd = ".venv/bin/procura" + ("" if default else f" -w {settings.home}")
    console.print("下一步 Next:")
    for args, what in (
        ("status", "tables, batches, quarantine 数据状态"),
        ("login --user <username>", "sign in as a demo user 登录"),
        ("leads list", "the leads found 线索列表"),
        ("leads export --format jsonl --out leads.jsonl", "export (analysts) 导出"),
        ("lead act <lead> --measure case_filing_notice --findings … --requested …", "measure 监督措施"),
        ("finalise <lead>", "numbered documents to the agencies 定稿发文"),
        ("remind", "deadline reminders, for cron 到期提醒"),
        ("serve", "the workbench at http://127.0.0.1:8000, API docs at /api/v1/docs 工作台与接口"),
    ):
        console.print(f"  {cmd} {args}   # {what}")
    console.print(
        "浏览器工作台 Workbench: run `serve`, open http://127.0.0.1:8000 and sign in with a demo account "
        "above (演示账号见上表)."
    )


def register(app: typer.Typer) -> None:
    """Add ``demo`` to the main app."""
    app.command("demo")(demo)
