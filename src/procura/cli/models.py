"""``procura run``, ``procura models …`` and ``procura leads …``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from procura.models.loader import Catalog, load_catalog
from procura.models.testing import run_tests

console = Console()
err = Console(stderr=True)

models_app = typer.Typer(
    help="Supervision models (监督模型): list, show, test, diff, docs.", no_args_is_help=True
)

CatalogOpt = Annotated[
    list[Path] | None, typer.Option("--catalog", help="Extra catalogue folder (repeatable). 额外模型目录")
]


def _fail(message: str) -> None:
    err.print(f"[red]错误 error:[/red] {message}", highlight=False)
    raise typer.Exit(1)


def _catalog(extra: list[Path] | None, *, strict: bool = True) -> Catalog:
    catalog = load_catalog(extra or [])
    for error in catalog.errors:
        err.print(f"[red]模型未加载 model not loaded:[/red] {error}", highlight=False)
    if strict and catalog.errors:
        raise typer.Exit(1)
    return catalog


@models_app.command("list")
def list_models(catalog: CatalogOpt = None) -> None:
    """List the models of the catalogue. 列出模型"""
    cat = _catalog(catalog, strict=False)
    table = Table(title="监督模型 Supervision models")
    for col in ("id", "版本 version", "领域 prong", "措施 measure", "标题 title"):
        table.add_column(col)
    for model in cat.select([]):
        spec = model.spec
        shadow = cat.candidates.get(model.id)
        version = spec.version + (f" (shadow {shadow[-1].version})" if shadow else "")
        table.add_row(spec.id, version, spec.prong, spec.measure, f"{spec.title.zh} / {spec.title.en}")
    console.print(table)
    if cat.errors:
        raise typer.Exit(1)


@models_app.command("test")
def test_models(
    model_ids: Annotated[list[str] | None, typer.Argument(help="Models to test (default: all).")] = None,
    catalog: CatalogOpt = None,
) -> None:
    """Run every tests.yaml case (current and shadow versions). 运行模型测试用例"""
    cat = _catalog(catalog, strict=False)
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


def register(app: typer.Typer) -> None:
    """Add ``run``, ``models`` and ``leads`` to the main app."""
    app.add_typer(models_app, name="models")
