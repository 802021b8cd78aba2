"""Commands: ``classes list|show|act|respond`` — classes of leads and one measure per class (类案监督)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from procura.classes.service import LeadClass, class_measure, class_response, get_class, list_classes
from procura.classes.typical import draft_from_typical
from procura.cli import access as base
from procura.models.loader import load_catalog

classes_app = typer.Typer(help="类案监督 Classes of leads and one measure per class.", no_args_is_help=True)
ClassArg = Annotated[str, typer.Argument(help="类案编号 Class id (K-…).")]


def _print(classes: list[LeadClass], title: str) -> None:
    rows = [
        [
            c.id,
            c.model_id,
            c.grouping,
            c.key,
            len(c.members),
            ", ".join(f"{k} {v}" for k, v in c.states.items()),
        ]
        for c in classes
    ]
    base.table(title, ["类案 class", "模型 model", "依据 by", "键 key", "件数 leads", "状态 states"], rows)


@classes_app.command("list")
def list_cmd(
    ctx: typer.Context,
    model: Annotated[str | None, typer.Option(help="模型 Model id.")] = None,
    by: Annotated[str, typer.Option(help="body|region|point")] = "body",
    min_size: Annotated[int, typer.Option(min=1)] = 2,
) -> None:
    """类案列表 Classes of leads in your jurisdiction."""
    with base.unit(ctx) as (settings, db):
        found = list_classes(db, settings, base.me(settings, db), model, by, min_size)
    _print(found, f"类案 Lead classes · {len(found)}")


@classes_app.command("show")
def show_cmd(ctx: typer.Context, cid: ClassArg) -> None:
    """类案详情 A class and its member leads."""
    with base.unit(ctx) as (settings, db):
        cls = get_class(db, settings, base.me(settings, db), cid)
    _print([cls], f"类案 {cls.id}")
    base.console.print("成员 members: " + ", ".join(cls.members))


@classes_app.command("act")
def act_cmd(
    ctx: typer.Context,
    cid: ClassArg,
    kind: Annotated[str, typer.Option(help="措施 Measure kind.")] = "procuratorial_suggestion",
    addressee: Annotated[
        str | None, typer.Option(help="受文单位 Addressee (default: the class's body).")
    ] = None,
    requested: Annotated[str, typer.Option(help="建议内容 What is requested.")] = "",
    note: Annotated[str, typer.Option(help="说明 Note.")] = "",
) -> None:
    """类案监督 One measure for every member of the class."""
    with base.unit(ctx) as (settings, db):
        cls = class_measure(db, settings, base.me(settings, db), cid, kind, addressee, requested, note=note)
    base.done(f"{kind} for {len(cls.members)} leads of class {cls.id}")


@classes_app.command("respond")
def respond_cmd(
    ctx: typer.Context,
    cid: ClassArg,
    rectified: Annotated[bool, typer.Option("--rectified/--not-rectified", help="已整改 Rectified?")] = True,
    note: Annotated[str, typer.Option(help="说明 Note.")] = "",
) -> None:
    """类案回复 The addressee's response for the whole class (rectified members are closed)."""
    with base.unit(ctx) as (settings, db):
        cls = class_response(db, settings, base.me(settings, db), cid, rectified, note)
    base.done(f"class {cls.id}: " + ", ".join(f"{k} {v}" for k, v in cls.states.items()))


@classes_app.command("typical")
def typical_cmd(
    ctx: typer.Context,
    lead: Annotated[str, typer.Argument(help="已办理的线索 A handled lead.")],
    catalog: Annotated[
        Path | None, typer.Option(help="模型目录 Catalogue folder (default: built-in).")
    ] = None,
    note: Annotated[str, typer.Option(help="说明 Why it is typical.")] = "",
) -> None:
    """典型案例 Mark a handled lead typical and draft the next (shadow) version of its model."""
    with base.unit(ctx) as (settings, db):
        cat = load_catalog([catalog], builtin=False) if catalog else load_catalog()
        draft = draft_from_typical(db, base.me(settings, db), cat, lead, note)
    base.done(f"shadow {draft.model_id} v{draft.version} drafted in {draft.path}")
    base.console.print(
        f"next: procura run --shadow --models {draft.model_id}; procura models diff {draft.model_id}"
    )


def register(app: typer.Typer) -> None:
    app.add_typer(classes_app, name="classes")
