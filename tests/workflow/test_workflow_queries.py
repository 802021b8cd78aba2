"""The one lead query: region filters follow the GB/T 2260 tree; lookups by id or fingerprint."""

from __future__ import annotations

import pytest
from ops_fixtures import make_lead
from sqlalchemy.orm import Session

from procura.access.principal import SYSTEM, Principal
from procura.errors import InvalidInput, NotFound
from procura.standard import regions
from procura.workflow.queries import LeadFilter, find_lead, lead_records, list_leads

P = dict[str, Principal]


def test_a_city_code_selects_its_counties_everywhere(db: Session, people: P) -> None:
    make_lead(db, "L-yuhang", office="330110-county", score=0.2)
    make_lead(db, "L-xihu", office="330106-county")
    make_lead(db, "L-ningbo", office="330205-county")
    make_lead(db, "L-henan", office="410102-county")
    db.commit()

    def ids(region: str) -> set[str]:
        return {lead.id for lead in lead_records(db, SYSTEM, LeadFilter(region=region))}

    assert ids("330100") == {"L-yuhang", "L-xihu"}
    assert ids("330000") == {"L-yuhang", "L-xihu", "L-ningbo"}
    assert ids("330110") == {"L-yuhang"}
    # The queue a chief sees uses the same filter, within the jurisdiction.
    page = list_leads(db, people["city_chief"], LeadFilter(region="330100"))
    assert {s.id for s in page.items} == {"L-yuhang", "L-xihu"}
    with pytest.raises(InvalidInput, match="six-digit"):
        lead_records(db, SYSTEM, LeadFilter(region="33"))


def test_the_region_tree() -> None:
    assert "330110" in regions.within("330100") and "330100" in regions.within("330100")
    assert "330110" not in regions.within("330200")
    assert {"429004", "429000"} <= regions.within("420000") and "429004" in regions.within("429000")
    assert len(regions.within("330000")) > len(regions.within("330100")) > 10
    assert regions.within("999999") == frozenset({"999999"})


def test_a_lead_is_found_by_id_or_fingerprint_prefix(db: Session, people: P) -> None:
    lead = make_lead(db, "L-1", fingerprint="abcdef0123456789")
    db.commit()
    assert find_lead(db, SYSTEM, "L-1") is lead
    assert find_lead(db, SYSTEM, "abcdef0123") is lead
    with pytest.raises(NotFound):
        find_lead(db, SYSTEM, "nothing")
    with pytest.raises(NotFound):
        find_lead(db, people["sibling_chief"], "L-1")
