"""``governance_report``: the one call behind ``procura report governance`` and the API."""

from __future__ import annotations

import re

import pandas as pd
from sqlalchemy.orm import Session

from procura.access import audit
from procura.access.policy import require_role
from procura.access.principal import LEAD_READERS, Principal
from procura.config import Settings
from procura.errors import InvalidInput
from procura.reports.facts import ReportFacts, gather
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


def governance_facts(
    settings: Settings, session: Session, principal: Principal, start: str, end: str
) -> ReportFacts:
    require_role(principal, LEAD_READERS, "read governance reports")
    check_period(start, end)
    return gather(settings, session, principal, start, end)


def governance_report(
    settings: Settings, session: Session, principal: Principal, start: str, end: str
) -> tuple[bytes, ReportFacts]:
    """The PDF and the facts behind it; the read is audited."""
    facts = governance_facts(settings, session, principal, start, end)
    pdf = render(facts)
    audit.record(
        session, principal, "governance_report", "office", facts.office, details={"period": f"{start}..{end}"}
    )
    return pdf, facts
