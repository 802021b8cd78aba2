"""The ``procura`` command line: one Typer app, one module per area.

Commands only parse arguments, call a service function and print; the work
happens in the packages they call.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Annotated

import typer

from procura.config import get_settings

app = typer.Typer(
    name="procura",
    help="procura — legal-supervision data platform (法律监督数据平台).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

# Each area module defines ``register(app)``; a module not written yet is skipped.
AREAS = ("ingest", "synth", "link", "models", "workflow", "exchange", "serve", "demo")


@app.callback()
def main(
    ctx: typer.Context,
    workspace: Annotated[
        Path | None,
        typer.Option(
            "--workspace", "-w", help="Workspace folder (default: $PROCURA_HOME or ./procura-workspace)."
        ),
    ] = None,
) -> None:
    """procura — legal-supervision data platform (法律监督数据平台)."""
    ctx.obj = get_settings(workspace)


def _register_areas() -> None:
    for area in AREAS:
        try:
            module = importlib.import_module(f"procura.cli.{area}")
        except ModuleNotFoundError as exc:
            if exc.name != f"procura.cli.{area}":
                raise
            continue
        module.register(app)


_register_areas()
