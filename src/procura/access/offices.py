"""Offices (procuratorates) built from the GB/T 2260 table, and jurisdiction.

Every region of ``procura.standard`` gets one office ``<code>-<level>``; the
office tree follows the region tree. An office's jurisdiction is itself and
every office below it (``office_closure``), never a sibling.
"""

from __future__ import annotations

from sqlalchemy import Connection, func, insert, select
from sqlalchemy.orm import Session

from procura.access.orm import Office, OfficeClosure
from procura.errors import InvalidInput, NotFound
from procura.standard import regions


def office_id(region_code: str, level: str) -> str:
    """The id of the office of a region at a level (``330110-county``)."""
    return f"{region_code}-{level}"


def parse_office_id(value: str) -> tuple[str, str]:
    """Split ``330110-county`` into region and level; a InvalidInput when malformed."""
    region_code, _, level = value.partition("-")
    region = regions.lookup(region_code)
    if region is None or level != region.level:
        raise InvalidInput(
            f"unknown office {value!r}: expected <GB/T 2260 code>-<level>, e.g. 330110-county"
        )
    return region_code, level


def office_name(region_code: str) -> str:
    """The office's Chinese name (``浙江省杭州市余杭区人民检察院``)."""
    return f"{regions.full_name(region_code) or region_code}人民检察院"


def _rows() -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    offices: list[dict[str, object]] = []
    closure: list[dict[str, object]] = []
    for region in regions.all_regions():
        own = office_id(region.code, region.level)
        parent = regions.lookup(region.parent_code)
        offices.append(
            {
                "id": own,
                "region_code": region.code,
                "level": region.level,
                "name": office_name(region.code),
                "parent_id": office_id(parent.code, parent.level) if parent else None,
            }
        )
        depth, current = 0, regions.lookup(region.code)
        while current is not None:
            closure.append(
                {"ancestor_id": office_id(current.code, current.level), "descendant_id": own, "depth": depth}
            )
            depth, current = depth + 1, regions.lookup(current.parent_code)
    return offices, closure


def sync_offices(conn: Connection) -> int:
    """Insert every office of the region table that is missing; return how many were added."""
    offices, closure = _rows()
    existing = set(conn.execute(select(Office.id)).scalars())
    new_offices = [row for row in offices if row["id"] not in existing]
    if not new_offices:
        return 0
    # Parents first, so the self-reference holds on databases that check it at once.
    order = {"province": 0, "city": 1, "county": 2}
    new_offices.sort(key=lambda row: order[str(row["level"])])
    conn.execute(insert(Office), new_offices)
    new_ids = {row["id"] for row in new_offices}
    conn.execute(insert(OfficeClosure), [row for row in closure if row["descendant_id"] in new_ids])
    return len(new_offices)


def offices_in_sync(conn: Connection) -> bool:
    """True when the office table has one office per region."""
    count = conn.execute(select(func.count()).select_from(Office)).scalar_one()
    return bool(count == len(regions.all_regions()))


def get_office(session: Session, value: str) -> Office:
    """The office with this id, or NotFound."""
    parse_office_id(value)
    office = session.get(Office, value)
    if office is None:
        raise NotFound(f"office {value} is not in the operational store")
    return office


def within(ancestor: str, office: str) -> bool:
    """True when ``office`` is ``ancestor`` or lies below it (pure, from the region table)."""
    region_code, _, _ = office.partition("-")
    current = regions.lookup(region_code)
    while current is not None:
        if office_id(current.code, current.level) == ancestor:
            return True
        current = regions.lookup(current.parent_code)
    return False


def parent_office(value: str) -> str | None:
    """The office one level up, or None for a province."""
    region_code, _ = parse_office_id(value)
    parent = regions.parent(region_code)
    return office_id(parent.code, parent.level) if parent else None


def jurisdiction_query(ancestor: str):  # type: ignore[no-untyped-def]
    """A SELECT of every office id in ``ancestor``'s jurisdiction (for IN clauses)."""
    return select(OfficeClosure.descendant_id).where(OfficeClosure.ancestor_id == ancestor)


def list_offices(session: Session, under: str | None = None, depth: int | None = None) -> list[Office]:
    """Offices under ``under`` (all when None), down to ``depth`` levels, sorted by id."""
    query = select(Office).order_by(Office.region_code)
    if under is not None:
        get_office(session, under)
        sub = select(OfficeClosure.descendant_id).where(OfficeClosure.ancestor_id == under)
        if depth is not None:
            sub = sub.where(OfficeClosure.depth <= depth)
        query = query.where(Office.id.in_(sub))
    elif depth is not None:
        query = query.where(Office.level.in_(["province", "city", "county"][: depth + 1]))
    return list(session.scalars(query))
