"""回头看 (look-back): once a body answered a measure, does the problem recur there?

A lead is re-examined against every non-shadow run of its model on data newer
than the response (``as_of`` after the response date: the agency's own dated
reply when it came through the exchange). ADR 0523 and 0528:

- ``recurred``: such a run found a *new* lead (first found by a run after the
  response) of the same model about the same subject entity — never by the
  generic target text, which every lead to "the court" shares, and never a
  lead on the same anchor (a linked lead spawned in another prong).
- ``persists``: such a run found this very lead again **and** at least one of
  its anchoring records was delivered (stored new or changed) by a batch that
  finished after the response. A later run over the same, older data proves
  nothing: that is ``unconfirmed`` (no fresh data on the anchoring facts yet).
- ``clear``: later runs found neither. ``pending``: no later run yet.

``record_lookbacks`` (run by ``procura remind``) stores what it finds: each
recurring lead gets a ``lookback`` link to the original lead and its measure,
and a recurring lead nobody has touched yet is routed to the office and
department that handle the original, so it lands in their queue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from procura.access import audit
from procura.access.principal import SYSTEM
from procura.clock import OFFICE_TZ, as_utc, local_date, utcnow
from procura.config import Settings
from procura.db import system_scope
from procura.exchange.orm import Reply
from procura.leads.orm import Lead, ModelRun, RunFinding
from procura.warehouse.evidence import delivered_at
from procura.workflow.lifecycle import TERMINAL
from procura.workflow.orm import LeadLink, LeadWork, Measure
from procura.workflow.scope import work_of
from procura.workflow.views import Lookback


def _settings(session: Session, settings: Settings | None) -> Settings | None:
    if settings is not None:
        return settings
    found = session.info.get("settings")
    return found if isinstance(found, Settings) else None


def lookback(session: Session, lead: Lead, settings: Settings | None = None) -> Lookback:
    """The look-back state of ``lead`` (computed on read from later model runs and the warehouse)."""
    answered = session.execute(
        select(Measure.id, Measure.response_at)
        .where(Measure.lead_id == lead.id, Measure.response_at.is_not(None))
        .order_by(Measure.response_at.desc(), Measure.id.desc())
    ).first()
    if answered is None:
        return Lookback(status="not_applicable")
    measure_id, responded = answered
    assert responded is not None
    stated = session.scalar(
        select(func.max(Reply.response_date))
        .join(Measure, Measure.id == Reply.measure_id)
        .where(Measure.lead_id == lead.id, Reply.verdict.is_not(None))
    )
    since = stated or local_date(responded)
    # Facts count as delivered after the response when their batch finished after the recorded
    # response, or after the end of the agency's stated response day, whichever is earlier.
    cutoff = as_utc(responded)
    if stated is not None:
        cutoff = min(cutoff, datetime.combine(stated + timedelta(days=1), time(), OFFICE_TZ))
    later = list(
        session.scalars(
            select(ModelRun.id).where(
                ModelRun.model_id == lead.model_id,
                ModelRun.shadow.is_(False),
                ModelRun.as_of > since,
            )
        )
    )
    if not later:
        return Lookback(status="pending", responded_at=responded, measure_id=measure_id)
    same_subject = Lead.id == lead.id
    if lead.subject_entity_id:
        same_subject = or_(same_subject, Lead.subject_entity_id == lead.subject_entity_id)
    found = (
        select(Lead.id, Lead.anchor, Lead.first_run_id)
        .join(RunFinding, RunFinding.fingerprint == Lead.fingerprint)
        .where(RunFinding.run_id.in_(later), Lead.model_id == lead.model_id, same_subject)
        .distinct()
        .order_by(Lead.id)
    )
    rows = session.execute(found).all()
    again = any(hit == lead.id for hit, _, _ in rows)
    # A recurrence is a lead first found after the response (not an older one about the same
    # subject), on other facts than this lead's own anchor.
    others = [
        hit
        for hit, anchor, first in rows
        if hit != lead.id and anchor != lead.anchor and (first is None or first in later)
    ]
    fresh: list[str] = []
    if again:
        found_settings = _settings(session, settings)
        refs = list(lead.anchor or [])
        if found_settings is not None and refs:
            times = delivered_at(found_settings.warehouse_path, refs)
            fresh = [
                f"{ref.get('table')}:{','.join(str(v) for v in dict(ref.get('key') or {}).values())}"
                for ref, when in zip(refs, times, strict=True)
                if when is not None and when > cutoff
            ]
    if others:
        status = "recurred"
    elif again:
        status = "persists" if fresh else "unconfirmed"
    else:
        status = "clear"
    hits = others + ([lead.id] if again and fresh else [])
    return Lookback(
        status=status,
        responded_at=responded,
        measure_id=measure_id,
        later_runs=len(later),
        recurrences=sorted(hits),
        fresh_facts=fresh,
    )


@dataclass
class LookbackSweep:
    """What one ``record_lookbacks`` pass stored."""

    examined: int = 0
    linked: list[tuple[str, str]] = field(default_factory=list)
    routed: list[str] = field(default_factory=list)


def record_lookbacks(session: Session, settings: Settings | None = None) -> LookbackSweep:
    """Store the look-back's findings: link recurring leads to the original and route them there.

    Idempotent: a link (from, to, measure) is stored once; only a lead still ``new`` and
    unassigned is routed.
    """
    system_scope(session)
    sweep = LookbackSweep()
    answered = session.scalars(
        select(Lead)
        .join(Measure, Measure.lead_id == Lead.id)
        .where(Measure.response_at.is_not(None))
        .distinct()
    )
    for original in list(answered):
        sweep.examined += 1
        state = lookback(session, original, settings)
        if state.status != "recurred" or state.measure_id is None:
            continue
        home = session.get(LeadWork, original.id)
        for lead_id in state.recurrences:
            if lead_id == original.id:
                continue
            exists = session.scalar(
                select(LeadLink.id).where(
                    LeadLink.from_lead_id == lead_id,
                    LeadLink.to_lead_id == original.id,
                    LeadLink.kind == "lookback",
                )
            )
            if exists is not None:
                continue
            session.add(
                LeadLink(
                    from_lead_id=lead_id,
                    to_lead_id=original.id,
                    kind="lookback",
                    measure_id=state.measure_id,
                    at=utcnow(),
                )
            )
            sweep.linked.append((lead_id, original.id))
            recurring = session.get(Lead, lead_id)
            if recurring is None or recurring.status in TERMINAL or recurring.status != "new":
                continue
            work = work_of(session, recurring)
            office = home.office_id if home is not None else original.office
            department = home.department if home is not None else original.prong
            if work.handler_id is None and (work.office_id, work.department) != (office, department):
                work.office_id, work.department, work.updated_at = office, department, utcnow()
                sweep.routed.append(lead_id)
            audit.record(
                session,
                SYSTEM,
                "lead.lookback",
                "lead",
                lead_id,
                details={"original": original.id, "measure_id": state.measure_id, "office": work.office_id},
            )
    session.flush()
    return sweep
