"""The ``procura`` command line: one Typer app, one module per area.

Commands only parse arguments, call a service function and print; the work
happens in the packages they call.
"""

from __future__ import annotations

import importlib
import sys
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
AREAS = ("ingest", "synth", "link", "models", "workflow", "serve", "demo")
# Top-level command -> the area that registers it. When ``procura`` runs one of
# these, only its area is imported: the areas pull in pandas, SQLAlchemy,
# Alembic, pypinyin… and importing all of them cost about 2 s per command
# (ADR 0110). Any other command, ``--help`` and in-process use import every area.
COMMAND_AREAS = {
    "ingest": "ingest",
    "status": "ingest",
    "quarantine": "ingest",
    "standard": "ingest",
    "synth": "synth",
    "evaluate": "synth",
    "link": "link",
    "run": "models",
    "models": "models",
    "leads": "models",
    "serve": "serve",
    "document": "serve",
    "demo": "demo",
}


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


def invoked_area(argv: list[str]) -> str | None:
    """The one area a ``procura`` command line needs, or None (import them all)."""
    if not argv or Path(argv[0]).name not in ("procura", "__main__.py"):
        return None
    args = iter(argv[1:])
    for arg in args:
        if arg in ("--workspace", "-w"):
            next(args, None)
        elif not arg.startswith("-"):
            return COMMAND_AREAS.get(arg)
    return None


def _register_areas(argv: list[str]) -> None:
    only = invoked_area(argv)
    for area in (only,) if only else AREAS:
        try:
            module = importlib.import_module(f"procura.cli.{area}")
        except ModuleNotFoundError as exc:
            if exc.name != f"procura.cli.{area}":
                raise
            continue
        module.register(app)


_register_areas(sys.argv)
