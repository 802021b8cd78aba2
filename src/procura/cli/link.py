"""``procura link``: entity resolution, its explanations, review and export."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import duckdb
import typer
from rich.console import Console
from rich.table import Table

from procura.config import Settings
from procura.link.judgements import DECISIONS, JudgementError, MentionRef, record
from procura.link.service import open_warehouse, run_link

# The review commands' modules (sign-in, audit: SQLAlchemy) are imported where used, so
# that `procura link` itself does not pay for them (ADR 0115).
if TYPE_CHECKING:
    from procura.access.principal import Principal
    from procura.link.explain import Explanation
    from procura.link.review import ReviewPair

console = Console(emoji=False, highlight=False)
link_app = typer.Typer(
    help="Entity resolution 实体识别: one id for every person and organisation.",
    invoke_without_command=True,
    no_args_is_help=False,
)


def _fail(message: str) -> None:
    console.print(f"[red]错误 error:[/red] {message}", soft_wrap=True)
    raise typer.Exit(code=2)


def _open(settings: Settings) -> duckdb.DuckDBPyConnection:
    try:
        return open_warehouse(settings)
    except duckdb.IOException as exc:
        _fail(f"warehouse {settings.warehouse_path}: cannot open ({str(exc).splitlines()[0]})")
        raise


# Linkage details are personal data of the whole province: analysts only, signed in (ADR 0564).
LINK_REVIEWERS = ("analyst",)
PurposeOpt = Annotated[
    str | None,
    typer.Option("--purpose", help="查看目的 '<purpose>: <why>' — numbers in clear, audited."),
]


def _reviewer(ctx: typer.Context, action: str, object_id: str, purpose: str | None = None) -> Principal:
    """The signed-in analyst; the access (and a purpose, when given) is audited."""
    from procura.access import audit
    from procura.access.policy import require_role
    from procura.access.purposes import check_purpose
    from procura.cli import access as base

    audited = f"{action.replace('.', ' ')} {object_id}"
    with base.unit(ctx, audited, unmasking=purpose is not None) as (settings, session):
        who = base.me(settings, session)
        require_role(who, LINK_REVIEWERS, action)
        checked = check_purpose(purpose) if purpose is not None else ""
        audit.record(session, who, action, "link", object_id[:64], purpose=checked)
    return who


def _masked(ex: Explanation) -> Explanation:
    """The explanation with identity numbers and phones masked, as the review list shows them."""
    from procura.access.masking import mask_text
    from procura.link.review import mask

    ex.stage_one = mask_text(ex.stage_one)
    for step in ex.steps:
        if step.field in ("id_no", "phone"):
            keep = (6, 4) if step.field == "id_no" else (3, 4)
            step.value_left = mask(step.value_left, *keep) or ""
            step.value_right = mask(step.value_right, *keep) or ""
    return ex


def _parse(text: str) -> MentionRef:
    try:
        return MentionRef.parse(text)
    except JudgementError as exc:
        _fail(str(exc))
        raise


@link_app.callback()
def link(
    ctx: typer.Context,
    retrain: Annotated[bool, typer.Option("--retrain", help="Train the model again 重新训练模型.")] = False,
) -> None:
    """Link every mention 链接全部提及 (run when no subcommand is given)."""
    if ctx.invoked_subcommand is not None:
        return
    settings: Settings = ctx.obj
    con = _open(settings)
    try:
        report = run_link(con, settings, retrain=retrain)
    except ValueError as exc:
        _fail(str(exc))
    finally:
        con.close()
    table = Table(title="实体链接 Entity resolution")
    table.add_column("项目 item")
    table.add_column("数量 value", justify="right")
    for label, value in (
        ("提及 mentions", report.mentions),
        ("人员档案 person profiles", report.profiles),
        ("人员实体 person entities", report.person_entities),
        ("机构实体 organisation entities", report.org_entities),
        ("评分对 scored pairs", report.scored_pairs),
        ("拒绝的链接 refused links", report.links_refused),
        ("人工判断 judgements applied", report.judgements),
        ("模型 model", report.model),
        ("耗时 seconds", f"{report.seconds:.1f}"),
    ):
        table.add_row(label, str(value))
    console.print(table)


def _print_explanation(ex: Explanation) -> None:
    verdict = "同一实体 same entity" if ex.same_entity else "不同实体 different entities"
    console.print(f"{ex.left} → {ex.entity_left} (规则 rule: {ex.rule_left})\n"
                  f"{ex.right} → {ex.entity_right} (规则 rule: {ex.rule_right})\n[bold]{verdict}[/bold]")
    if ex.stage_one:
        console.print(f"第一阶段 stage one: {ex.stage_one}")
    if ex.judgement:
        j = ex.judgement
        console.print(f"人工判断 judgement: {j.decision} by {j.user_name} at {j.decided_at:%Y-%m-%d %H:%M}")
    for line in ex.constraints:
        console.print(f"约束 constraint: {line}")
    for line in ex.attachment:
        console.print(f"归并依据 attachment: {line}")
    if not ex.steps:
        if ex.kind == "person":
            console.print("无模型 no trained model: run `procura link` first")
        return
    table = Table(title="匹配权重 match weights (Splink waterfall)")
    for col in ("字段 field", "级别 level", "左 left", "右 right", "m", "u", "权重 weight"):
        table.add_column(col)
    for step in ex.steps:
        table.add_row(
            step.field, step.label, step.value_left, step.value_right,
            "" if step.m_probability is None else f"{step.m_probability:.4f}",
            "" if step.u_probability is None else f"{step.u_probability:.6f}",
            f"{step.match_weight:+.2f}",
        )
    console.print(table)
    console.print(f"最终 final: weight {ex.match_weight:+.2f}, probability 概率 {ex.probability:.4f}")
    joined, apart = ex.evidence()
    console.print(f"支持合并 joined by: {'; '.join(joined) or '—'}")
    console.print(f"反对合并 kept apart by: {'; '.join(apart) or '—'}")


@link_app.command("explain")
def explain_cmd(
    ctx: typer.Context,
    a: Annotated[str, typer.Argument(help="TABLE:KEY:ROLE, e.g. police_reports:R-1:victim")],
    b: Annotated[str, typer.Argument(help="TABLE:KEY:ROLE")],
    purpose: PurposeOpt = None,
) -> None:
    """Explain why two mentions are linked or not (analysts; masked unless --purpose) 解释两条提及的匹配."""
    from procura.link.explain import explain

    left, right = _parse(a), _parse(b)
    _reviewer(ctx, "link.explain", f"{a}~{b}", purpose)
    con = _open(ctx.obj)
    try:
        ex = explain(con, ctx.obj, left, right)
        _print_explanation(ex if purpose is not None else _masked(ex))
    except JudgementError as exc:
        _fail(str(exc))
    finally:
        con.close()


def _pair_table(pairs: list[ReviewPair]) -> Table:
    table = Table(title="待复核 pairs to review")
    columns = ("#", "概率 p", "提及 mention", "姓名 name", "证件 id", "出生 birth", "电话 phone", "同一 same")
    for col in columns:
        table.add_column(col)
    for i, pair in enumerate(pairs, 1):
        for side, first in ((pair.left, True), (pair.right, False)):
            table.add_row(
                str(i) if first else "", f"{pair.probability:.3f}" if first else "", str(side.ref),
                side.name or "", side.id_no or "", str(side.birth_date or ""), side.phone or "",
                ("是 yes" if pair.same_entity else "否 no") if first else "",
            )
    return table


@link_app.command("review")
def review_cmd(
    ctx: typer.Context,
    low: Annotated[float | None, typer.Option(help="Band low end (default: link_review_low).")] = None,
    high: Annotated[float | None, typer.Option(help="Band high end (default: link_review_high).")] = None,
    limit: Annotated[int, typer.Option(help="At most this many pairs.")] = 20,
    interactive: Annotated[
        bool, typer.Option("--interactive", "-i", help="Decide each pair 逐对判断.")
    ] = False,
    purpose: PurposeOpt = None,
) -> None:
    """List uncertain pairs; with --interactive, record same/different/unsure 复核不确定的匹配.

    Analysts, signed in; the reviewer recorded is the signed-in user.
    """
    from procura.link.review import uncertain_pairs

    settings: Settings = ctx.obj
    user = _reviewer(ctx, "link.review", "uncertain pairs", purpose).username
    con = _open(settings)
    try:
        low = settings.link_review_low if low is None else low
        high = settings.link_review_high if high is None else high
        pairs = uncertain_pairs(con, low, high, limit, purpose is not None)
        if not pairs:
            console.print("没有待复核的配对 no pairs to review")
            return
        console.print(_pair_table(pairs))
        if not interactive:
            return
        choices = {"s": "same", "d": "different", "u": "unsure"}
        for i, pair in enumerate(pairs, 1):
            answer = typer.prompt(f"#{i} same/different/unsure/skip/quit [s/d/u/n/q]", default="n")
            if answer.lower().startswith("q"):
                break
            decision = choices.get(answer.lower()[:1])
            if decision:
                record(con, pair.left.ref, pair.right.ref, decision, user)
                console.print(f"已记录 recorded: {decision}")
    except (JudgementError, ValueError) as exc:
        _fail(str(exc))
    finally:
        con.close()


@link_app.command("judge")
def judge_cmd(
    ctx: typer.Context,
    a: Annotated[str, typer.Argument(help="TABLE:KEY:ROLE")],
    b: Annotated[str, typer.Argument(help="TABLE:KEY:ROLE")],
    decision: Annotated[str, typer.Argument(help=f"One of: {', '.join(DECISIONS)}")],
    note: Annotated[str | None, typer.Option(help="Why 理由.")] = None,
) -> None:
    """Record a judgement on a pair as the signed-in analyst; it applies from the next run 记录人工判断."""
    left, right = _parse(a), _parse(b)
    user = _reviewer(ctx, "link.judge", f"{a}~{b}").username
    con = _open(ctx.obj)
    try:
        j = record(con, left, right, decision, user, note)
    except JudgementError as exc:
        _fail(str(exc))
    finally:
        con.close()
    console.print(f"已记录 recorded: {j.left} ~ {j.right} = {j.decision} ({j.user_name}); "
                  "run `procura link` to apply 重新运行以生效")


@link_app.command("export")
def export_cmd(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="Output format (csv).")] = "csv",
    out: Annotated[Path | None, typer.Option(help="Output file (default: out/mentions.csv).")] = None,
) -> None:
    """Write table,key,role,entity_id,probability 导出链接结果."""
    from procura.link.export import ExportError, export_mentions

    settings: Settings = ctx.obj
    path = out or settings.out_dir / f"mentions.{fmt}"
    con = _open(settings)
    try:
        count = export_mentions(con, path, fmt)
    except ExportError as exc:
        _fail(str(exc))
    finally:
        con.close()
    console.print(f"已导出 exported {count} mentions → {path}")


def register(app: typer.Typer) -> None:
    """Add the ``link`` command group."""
    app.add_typer(link_app, name="link")
