"""``governance_report``: the one call behind ``procura report governance`` and the API."""

from __future__ import annotations

import re

import pandas as pd
from sqlalchemy.orm import Session

from procura.access import audit
from procura.access.policy import require_role
from procura.access.principal import LEAD_READERS, Principal
from procura.classes.service import get_class
from procura.config import Settings
from procura.errors import InvalidInput, NotFound
from procura.models.loader import builtin_catalog
from procura.reports.facts import Focus, ReportFacts, gather
from procura.reports.pdf import render

MAX_MONTHS = 60
_MONTH = re.compile(r"[12]\d{3}-(0[1-9]|1[0-2])")


def check_period(start: str, end: str) -> None:
    """Months ``YYYY-MM``, start not after end, at most five years."""
    bad = InvalidInput(f"period must be months YYYY-MM, got {start!r}..{end!r}")
    if not (_MONTH.fullmatch(start) and _MONTH.fullmatch(end)):
        # pandas reads '' as NaT (a 500 before) and many other shapes as some month.
        raise bad
    try:
        first, last = pd.Period(start, freq="M"), pd.Period(end, freq="M")
    except (ValueError, OverflowError) as exc:
        raise bad from exc
    if first > last:
        raise InvalidInput(f"start {start} is after end {end}")
    if (last - first).n >= MAX_MONTHS:
        raise InvalidInput(f"a report covers at most {MAX_MONTHS} months")


def focus_of(
    settings: Settings, session: Session, principal: Principal, model: str | None, class_id: str | None
) -> Focus | None:
    """The leads a report is about: one model's, one class's (in the jurisdiction), or all (None)."""
    if model and class_id:
        raise InvalidInput("一份报告针对一个模型或一个类案 a report is of one model or one class, not both")
    if class_id:
        cls = get_class(session, settings, principal, class_id)
        title = f"{model_name(cls.model_id)} · {cls.key}（{len(cls.members)}件）"
        return Focus("class", cls.id, title, cls.model_id, tuple(cls.members))
    if model:
        if model not in builtin_catalog().models:
            raise NotFound(f"未知模型 unknown model {model!r}")
        return Focus("model", model, model_name(model), model=model)
    return None


def model_name(model_id: str) -> str:
    found = builtin_catalog().models.get(model_id)
    return f"{found.spec.title.zh}（{model_id}）" if found else model_id


def governance_facts(
    settings: Settings,
    session: Session,
    principal: Principal,
    start: str,
    end: str,
    model: str | None = None,
    class_id: str | None = None,
) -> ReportFacts:
    require_role(principal, LEAD_READERS, "read governance reports")
    check_period(start, end)
    focus = focus_of(settings, session, principal, model, class_id)
    return gather(settings, session, principal, start, end, focus)


def report_name(facts: ReportFacts) -> str:
    """The report's file name: office, model or class, period."""
    scope = f"-{facts.scope_key}" if facts.scope != "office" else ""
    return f"governance-{facts.office}{scope}-{facts.start}-{facts.end}.pdf"


def governance_report(
    settings: Settings,
    session: Session,
    principal: Principal,
    start: str,
    end: str,
    model: str | None = None,
    class_id: str | None = None,
) -> tuple[bytes, ReportFacts]:
    """The PDF and the facts behind it; the read is audited."""
    facts = governance_facts(settings, session, principal, start, end, model, class_id)
    pdf = render(facts)
    details = {"period": f"{start}..{end}"}
    if facts.scope != "office":
        details[facts.scope] = facts.scope_key
    audit.record(session, principal, "governance_report", "office", facts.office, details=details)
    return pdf, facts
