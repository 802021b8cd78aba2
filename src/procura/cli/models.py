"""``procura run`` and ``procura models …``: parse, call a service, print."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.console import Console
from rich.table import Table

from procura.config import Settings
from procura.db import session_scope
from procura.engine.base import EngineError
from procura.errors import WarehouseError
from procura.migrations import open_system_store
from procura.models.docs import render_models_doc
from procura.models.loader import Catalog, load_catalog
from procura.models.params import ParamError
from procura.models.service import CatalogError, RunRequest, run
from procura.models.testing import run_tests
from procura.models.versions import VersionError, diff, promote
from procura.warehouse.keys import key_of

console = Console()
err = Console(stderr=True)

models_app = typer.Typer(
    help="Supervision models (监督模型): list, show, test, diff, promote, docs.", no_args_is_help=True
)

CatalogOpt = Annotated[
    list[Path] | None, typer.Option("--catalog", help="Extra catalogue folder (repeatable). 额外模型目录")
]


def _fail(message: str) -> None:
    err.print(f"错误 error: {message}", highlight=False, markup=False, style="red")
    raise typer.Exit(1)


def _catalog(extra: list[Path] | None) -> Catalog:
    catalog = load_catalog(extra or [])
    for error in catalog.errors:
        err.print(f"模型未加载 model not loaded: {error}", highlight=False, markup=False, style="red")
    return catalog


def run_command(
    ctx: typer.Context,
    model_ids: Annotated[list[str] | None, typer.Argument(help="Models to run (default: all). 模型")] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Run date YYYY-MM-DD (default today). 基准日")
    ] = None,
    param: Annotated[
        list[str] | None, typer.Option("--param", help="Override: model.key=value (repeatable). 参数")
    ] = None,
    params: Annotated[Path | None, typer.Option("--params", help="YAML file {model: {key: value}}.")] = None,
    engine: Annotated[str, typer.Option("--engine", help="duckdb | spark")] = "duckdb",
    shadow: Annotated[bool, typer.Option("--shadow", help="Run shadow versions, store leads apart.")] = False,
    catalog: CatalogOpt = None,
    lake: Annotated[
        Path | None,
        typer.Option("--lake", help="Read this Parquet lake (`procura lake export`), not the warehouse."),
    ] = None,
) -> None:
    """Run supervision models over the warehouse and store their leads. 运行监督模型"""
    settings: Settings = ctx.obj
    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        _fail(f"--as-of {as_of!r}: expected YYYY-MM-DD")
    request = RunRequest(
        models=model_ids or [],
        as_of=day,
        assignments=param or [],
        params_file=params,
        engine=engine,
        catalogs=catalog or [],
        shadow=shadow,
        lake=lake,
    )
    try:
        outcomes = run(settings, open_system_store(settings), request)
    except (
        CatalogError,
        ParamError,
        WarehouseError,
        VersionError,
        ValueError,
        EngineError,
        duckdb.Error,
    ) as exc:
        _fail(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    if not outcomes:
        console.print("没有可运行的模型 nothing to run (no shadow versions: add versions/<n>/ to a model)")
        return
    title = "影子运行 Shadow run" if shadow else "模型运行 Model run"
    source = f", lake {lake or settings.lake}" if (lake or settings.lake) else ""
    table = Table(title=f"{title} ({engine}{source})")
    table.add_column("模型 model", no_wrap=True)
    for col in ("版本 v", "线索 found", "新增 new", "更新 upd.", "不变 same", "run"):
        table.add_column(col, justify="right")
    for o in outcomes:
        table.add_row(
            o.model_id,
            o.model_version,
            str(o.found),
            str(o.new),
            str(o.updated),
            str(o.unchanged),
            str(o.run_id),
        )
    console.print(table)
    total = sum(o.found for o in outcomes)
    console.print(f"合计 total: {total} 条线索 leads, {sum(o.new for o in outcomes)} 新增 new")


@models_app.command("list")
def list_models(catalog: CatalogOpt = None) -> None:
    """List the models of the catalogue. 列出模型"""
    cat = _catalog(catalog)
    table = Table(title="监督模型 Supervision models")
    for col in ("id", "版本 v", "领域 prong", "措施 measure"):
        table.add_column(col, no_wrap=True)
    table.add_column("标题 title")
    for model in cat.select([]):
        spec = model.spec
        shadow = cat.candidates.get(model.id)
        version = spec.version + (f" (shadow {shadow[-1].version})" if shadow else "")
        table.add_row(spec.id, version, spec.prong, spec.measure, f"{spec.title.zh} / {spec.title.en}")
    console.print(table)
    if cat.errors:
        raise typer.Exit(1)


@models_app.command("show")
def show_model(model_id: str, catalog: CatalogOpt = None) -> None:
    """Show one model: metadata, parameters, rule. 查看模型"""
    cat = _catalog(catalog)
    try:
        model = cat.get(model_id)
    except KeyError as exc:
        _fail(str(exc.args[0]))
    spec = model.spec
    console.print(f"[bold]{spec.id}[/bold] v{spec.version} — {spec.title.zh} / {spec.title.en}")
    console.print(f"领域 prong: {spec.prong}; 措施 measure: {spec.measure}; 对象 target: {spec.target.zh}")
    console.print(f"{spec.description.zh}\n{spec.description.en}", highlight=False)
    for basis in spec.legal_basis:
        console.print(f"  依据 basis: {basis.zh} ({basis.en})", highlight=False)
    table = Table(title="参数 Parameters")
    for col in ("name", "type", "default", "citation"):
        table.add_column(col)
    for name, p in spec.parameters.items():
        dated = "; ".join(f"{v.from_}: {v.value}" for v in p.values)
        table.add_row(name, p.type, str(p.base_value) + (f" [{dated}]" if dated else ""), p.citation)
    console.print(table)
    console.print(model.rule_sql, highlight=False, markup=False)


@models_app.command("test")
def test_models(
    model_ids: Annotated[list[str] | None, typer.Argument(help="Models to test (default: all).")] = None,
    catalog: CatalogOpt = None,
) -> None:
    """Run every tests.yaml case (current and shadow versions). 运行模型测试用例"""
    cat = _catalog(catalog)
    try:
        models = cat.select(model_ids or [])
    except KeyError as exc:
        _fail(str(exc.args[0]))
    models += [m for model in models for m in cat.candidates.get(model.id, [])]
    failed = passed = 0
    for model in models:
        for result in run_tests(model):
            label = f"{result.model_id} v{result.model_version} · {result.case}"
            if result.passed:
                passed += 1
                console.print(f"[green]通过 PASS[/green] {label}", highlight=False)
            else:
                failed += 1
                console.print(f"[red]失败 FAIL[/red] {label}: {result.describe()}", highlight=False)
    console.print(f"通过 passed {passed}, 失败 failed {failed}, 未加载 not loaded {len(cat.errors)}")
    if failed or cat.errors:
        raise typer.Exit(1)


@models_app.command("diff")
def diff_model(ctx: typer.Context, model_id: str) -> None:
    """Leads the shadow version gains and loses vs the current one. 影子版本对比"""
    with session_scope(open_system_store(ctx.obj)) as session:
        try:
            result = diff(session, model_id)
        except VersionError as exc:
            _fail(str(exc))
    console.print(
        f"{model_id}: v{result.current_version or '-'} (run {result.current_run_id or '-'}) → "
        f"v{result.shadow_version} (shadow run {result.shadow_run_id}); "
        f"新增 gained {len(result.gained)}, 减少 lost {len(result.lost)}, 相同 kept {result.kept}"
    )
    for sign, rows in (("+", result.gained), ("-", result.lost)):
        for row in rows:
            keys = ", ".join(key_of(a["key"]) for a in row["anchor"])
            console.print(f"  {sign} {keys}  {row['region_code']}  {row['explanation_zh']}", highlight=False)


@models_app.command("promote")
def promote_model(model_id: str, catalog: CatalogOpt = None) -> None:
    """Make the shadow version the current one (files moved in the catalogue). 启用影子版本"""
    cat = _catalog(catalog)
    try:
        old, new = promote(cat, model_id)
    except VersionError as exc:
        _fail(str(exc))
    console.print(f"{model_id}: v{new} 已启用 is now current; v{old} archived in versions/{old}/")


@models_app.command("docs")
def models_docs(
    out: Annotated[Path, typer.Option("--out", help="Where to write the page.")] = Path("docs/models.md"),
    check: Annotated[bool, typer.Option("--check", help="Only check that the page is up to date.")] = False,
) -> None:
    """Generate docs/models.md from the built-in catalogue. 生成模型文档"""
    cat = _catalog(None)
    if cat.errors:
        raise typer.Exit(1)
    text = render_models_doc(cat)
    if check:
        if not out.is_file() or out.read_text(encoding="utf-8") != text:
            _fail(f"{out} is out of date: run `procura models docs`")
        console.print(f"{out} 已是最新 is up to date")
        return
    out.write_text(text, encoding="utf-8")
    console.print(f"已写入 wrote {out} ({len(cat.models)} models)")


@models_app.command("stats")
def stats(
    ctx: typer.Context,
    model: Annotated[str | None, typer.Option(help="模型 Model id.")] = None,
    by_office: Annotated[bool, typer.Option("--by-office/--all-offices")] = True,
    by_month: Annotated[bool, typer.Option("--by-month/--all-time")] = True,
) -> None:
    """模型反馈 Precision and lead-to-measure rate per model, office and month."""
    from procura.cli import access as base
    from procura.workflow import feedback

    with base.unit(ctx) as (settings, db):
        rows = feedback.model_stats(db, base.me(settings, db), model, by_office, by_month)
    pct = lambda v: "-" if v is None else f"{v:.0%}"  # noqa: E731
    base.table(
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
    """Add ``run`` and ``models`` to the main app."""
    app.command("run")(run_command)
    app.add_typer(models_app, name="models")
