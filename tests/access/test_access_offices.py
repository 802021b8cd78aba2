"""Offices from GB/T 2260: ids, tree, jurisdiction."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from procura.access.offices import list_offices, office_name, parent_office, parse_office_id, within
from procura.access.orm import Office
from procura.errors import InvalidInput
from procura.standard import regions


def test_every_region_has_one_office(db: Session) -> None:
    assert db.scalar(select(func.count()).select_from(Office)) == len(regions.all_regions())
    office = db.get(Office, "330110-county")
    assert office is not None and office.parent_id == "330100-city" and office.name == office_name("330110")


def test_ids_are_region_and_level() -> None:
    assert parse_office_id("330110-county") == ("330110", "county")
    for bad in ("330110-city", "999999-county", "330110", "x"):
        with pytest.raises(InvalidInput):
            parse_office_id(bad)


def test_jurisdiction_is_self_and_below_never_siblings_or_above() -> None:
    assert within("330110-county", "330110-county")
    assert within("330100-city", "330110-county")
    assert within("330000-province", "330110-county")
    assert not within("330106-county", "330110-county")
    assert not within("330110-county", "330100-city")
    assert not within("320000-province", "330110-county")
    assert parent_office("330110-county") == "330100-city" and parent_office("330000-province") is None


def test_listing_under_an_office(db: Session) -> None:
    hangzhou = list_offices(db, under="330100-city")
    ids = {o.id for o in hangzhou}
    assert "330110-county" in ids and "330100-city" in ids and "330200-city" not in ids
    assert [o.id for o in list_offices(db, under="330000-province", depth=0)] == ["330000-province"]
    assert len(list_offices(db, depth=0)) == 34
