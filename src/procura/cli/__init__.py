"""The ``procura`` command line: one Typer app, one module per area, loaded on demand.

Commands only parse arguments, call a service function and print; the work
happens in the packages they call. ``procura --help`` imports no area module:
``COMMANDS`` names each top-level command's area and one-line help, and the area
is imported only when one of its commands runs (``tests/cli`` checks the table
against the real commands). ``--workspace`` is global and may stand anywhere on
the line. A ``ProcuraError`` from any command is printed as one red line with
its code, and the process exits 1 (2 for a failed sign-in).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Annotated, Any, ClassVar, NamedTuple

import typer
from typer._click.core import Command, Context  # typer vendors click
from typer.core import TyperCommand, TyperGroup


class Area(NamedTuple):
    modules: tuple[str, ...]
    help: str


# Top-level command -> the area modules that define it, and its one-line help.
COMMANDS: dict[str, Area] = {
    "ingest": Area(("ingest",), "导入数据 Load agency files into the warehouse (bad rows go to quarantine)."),
    "status": Area(("ingest",), "仓库状态 Tables, row counts, batches and quarantine by reason."),
    "quarantine": Area(("ingest",), "隔离区 Quarantined rows: list and show."),
    "standard": Area(("ingest",), "数据标准 The data standard."),
    "synth": Area(
        ("synth",),
        ("合成数据 Generate a synthetic dataset with planted violations and its truth file."),
    ),
    "evaluate": Area(("synth",), "评估 Score leads and entity resolution against a truth file."),
    "link": Area(("link",), "Entity resolution 实体识别: one id for every person and organisation."),
    "lake": Area(("lake",), "数据湖 Parquet lake: partitioned Parquet and a manifest (export, verify)."),
    "run": Area(("models",), "Run supervision models over the warehouse and store their leads. 运行监督模型"),
    "models": Area(("models",), "Supervision models (监督模型): list, show, test, diff, promote, docs."),
    "leads": Area(
        ("leads",),
        (
            "Leads (监督线索): list, show, export — signed in, in your jurisdiction, masked unless a "
            "purpose is given; prosecutors work leads with `procura lead`."
        ),
    ),
    "lead": Area(("workflow",), "线索办理 Lead workflow (signed in): queue, show, triage … close."),
    "login": Area(("access",), "登录 Sign in; the session token is kept in the workspace."),
    "logout": Area(("access",), "退出 Sign out and forget the token."),
    "whoami": Area(("access",), "当前用户 Who is signed in."),
    "passwd": Area(("access",), "修改密码 Change your password (you are signed out everywhere)."),
    "offices": Area(
        ("access",),
        ("检察院 Offices (GB/T 2260 region + level); without options the provincial offices."),
    ),
    "users": Area(("access",), "用户 Users: add, list, disable, enable, demo."),
    "db": Area(("access",), "业务库 Operational database: upgrade, grant, current."),
    "audit": Area(("access",), "审计日志 Audit log: list, verify, rotate-key."),
    "serve": Area(
        ("serve",),
        "启动工作台与接口 Start the browser workbench (/) and the REST API (OpenAPI at /api/v1/docs).",
    ),
    "document": Area(
        ("serve",),
        ("文书 Draft a lead's formal document (DOCX/PDF) as the signed-in user; the drafting is audited."),
    ),
    "agency": Area(("exchange",), "协作单位 Agencies and their API keys (admins)."),
    "finalise": Area(
        ("exchange",),
        "定稿编号 Finalise a measure's documents: one per addressee, numbered from the register.",
    ),
    "verify": Area(("exchange",), "核实回复 Verify an agency's reply before closing the lead."),
    "remind": Area(
        ("exchange",),
        "到期提醒与回头看 Notify deadlines near or past; link look-back recurrences (idempotent; cron).",
    ),
    "demo": Area(("demo",), "演示 Run the whole pipeline on a synthetic dataset and show the result."),
    "similar": Area(("similar",), "类案检索 Similar-case search."),
    "trends": Area(("similar",), "趋势分析 Trends and change alerts."),
    "classes": Area(("classes",), "类案监督 Classes of leads and one measure per class."),
    "report": Area(("report",), "报告 Reports."),
}
GLOBAL_OPTIONS = ("--workspace", "-w")


def hoist_global_options(args: Sequence[str]) -> list[str]:
    """Move ``--workspace X`` (or ``-w X``, ``--workspace=X``) to the front, wherever it stands."""
    front: list[str] = []
    rest: list[str] = []
    items = list(args)
    i = 0
    while i < len(items):
        arg = items[i]
        if arg == "--":
            rest += items[i:]
            break
        if arg in GLOBAL_OPTIONS and i + 1 < len(items):
            front += ["--workspace", items[i + 1]]
            i += 2
            continue
        if arg.startswith("--workspace="):
            front.append(arg)
        else:
            rest.append(arg)
        i += 1
    return front + rest


class ProcuraGroup(TyperGroup):
    """The top-level group: lazy areas, a global ``--workspace``, one way to print errors."""

    loaded: ClassVar[set[str]] = set()

    def list_commands(self, ctx: Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        found = super().get_command(ctx, cmd_name)
        if found is not None or cmd_name not in COMMANDS:
            return found
        # Listing (help, completion) gets a stand-in; running a command loads its area.
        return TyperCommand(cmd_name, help=COMMANDS[cmd_name].help, callback=None)

    def resolve_command(self, ctx: Context, args: list[str]) -> tuple[str | None, Command | None, list[str]]:
        if args and args[0] in COMMANDS:
            load_command(self, args[0])
        return super().resolve_command(ctx, args)

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_global_options(args))

    def invoke(self, ctx: Context) -> Any:
        from procura.errors import AuthenticationError, ProcuraError

        try:
            return super().invoke(ctx)
        except ProcuraError as exc:
            from rich.console import Console
            from rich.markup import escape

            Console(stderr=True).print(
                f"[red]错误 error[/red] ({exc.code}): {escape(exc.message)}", highlight=False
            )
            raise typer.Exit(2 if isinstance(exc, AuthenticationError) else 1) from exc


app = typer.Typer(
    name="procura",
    cls=ProcuraGroup,
    help="procura — legal-supervision data platform (法律监督数据平台).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # Plain help: rendering it with rich costs more than the rest of ``--help`` together.
    rich_markup_mode=None,
)


@app.callback()
def main(
    ctx: typer.Context,
    workspace: Annotated[
        Path | None,
        typer.Option(
            "--workspace",
            "-w",
            help="Workspace folder (default: $PROCURA_HOME or ./procura-workspace); "
            "accepted before or after any command.",
        ),
    ] = None,
) -> None:
    """procura — legal-supervision data platform (法律监督数据平台)."""
    from procura.config import get_settings

    # The workspace holds personal data: files it creates are the owner's alone (0600, folders 0700).
    os.umask(0o077)
    ctx.obj = get_settings(workspace)


def _area(name: str) -> ModuleType:
    # Static imports, so the import graph (and import-linter) sees every edge.
    if name == "ingest":
        from procura.cli import ingest

        return ingest
    if name == "synth":
        from procura.cli import synth

        return synth
    if name == "link":
        from procura.cli import link

        return link
    if name == "lake":
        from procura.cli import lake

        return lake
    if name == "models":
        from procura.cli import models

        return models
    if name == "leads":
        from procura.cli import leads

        return leads
    if name == "workflow":
        from procura.cli import workflow

        return workflow
    if name == "access":
        from procura.cli import access

        return access
    if name == "serve":
        from procura.cli import serve

        return serve
    if name == "similar":
        from procura.cli import similar

        return similar
    if name == "classes":
        from procura.cli import classes

        return classes
    if name == "report":
        from procura.cli import report

        return report
    if name == "exchange":
        from procura.cli import exchange

        return exchange
    from procura.cli import demo

    return demo


def load_command(group: TyperGroup, name: str) -> None:
    """Register the areas defining ``name`` and put its real command into ``group``."""
    for area in COMMANDS[name].modules:
        if area not in ProcuraGroup.loaded:
            _area(area).register(app)
            ProcuraGroup.loaded.add(area)
    full = typer.main.get_group(app)
    group.commands[name] = full.commands[name]


def load_all() -> TyperGroup:
    """The whole command tree, every area loaded (the docs generator and tests use it)."""
    group = typer.main.get_group(app)
    for name in COMMANDS:
        load_command(group, name)
    return group
