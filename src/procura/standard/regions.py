"""The GB/T 2260 administrative-division table and lookups on it.

The table (``data/regions.csv``: ``code,name,level,parent_code``) holds every
current province, city and county-level unit. The standard derives
jurisdiction from a six-digit code: province ``XX0000``, city ``XXXX00``,
county the code itself.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

LEVELS = ("province", "city", "county")


@dataclass(frozen=True)
class Region:
    """One administrative division."""

    code: str
    name: str
    level: str
    parent_code: str | None


def table_path() -> Path:
    """Path of the shipped region table."""
    return Path(str(resources.files("procura.standard") / "data" / "regions.csv"))


@cache
def _table() -> dict[str, Region]:
    with table_path().open(encoding="utf-8", newline="") as fh:
        return {
            row["code"]: Region(row["code"], row["name"], row["level"], row["parent_code"] or None)
            for row in csv.DictReader(fh)
        }


def all_regions() -> list[Region]:
    """Every region, sorted by code."""
    return list(_table().values())


def lookup(code: str | None) -> Region | None:
    """The region with this six-digit code, or None."""
    if not code:
        return None
    return _table().get(code)


def is_known(code: str | None) -> bool:
    """True when ``code`` is a current GB/T 2260 code."""
    return lookup(code) is not None


def name(code: str | None) -> str | None:
    """The region's name (``330110`` -> ``余杭区``), or None when unknown."""
    region = lookup(code)
    return region.name if region else None


def parent(code: str | None) -> Region | None:
    """The region one level up, or None."""
    region = lookup(code)
    return lookup(region.parent_code) if region else None


def province_code(code: str) -> str:
    """``XX0000`` for any six-digit code."""
    return code[:2] + "0000"


def city_code(code: str) -> str:
    """``XXXX00`` for a city or county code; a province code is returned as is."""
    return code if code.endswith("0000") else code[:4] + "00"


def province(code: str | None) -> Region | None:
    """The province a code lies in."""
    return lookup(province_code(code)) if code else None


def city(code: str | None) -> Region | None:
    """The city a county or city code lies in; None for a province code."""
    if not code or code.endswith("0000"):
        return None
    return lookup(city_code(code))


def full_name(code: str | None) -> str | None:
    """Province, city and county names joined (``浙江省杭州市余杭区``)."""
    region = lookup(code)
    if region is None:
        return None
    parts: list[str] = []
    current: Region | None = region
    while current is not None:
        if current.name not in ("市辖区", "县", "省直辖县级行政区划"):
            parts.append(current.name)
        current = lookup(current.parent_code)
    return "".join(reversed(parts))


def children(code: str) -> list[Region]:
    """The regions directly under ``code``."""
    return [r for r in _table().values() if r.parent_code == code]


@cache
def _children_index() -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for region in _table().values():
        if region.parent_code:
            index.setdefault(region.parent_code, []).append(region.code)
    return {code: tuple(kids) for code, kids in index.items()}


@cache
def within(code: str) -> frozenset[str]:
    """``code`` and every region below it in the GB/T 2260 tree (a city: its counties).

    Membership follows the table's parent links rather than digit prefixes, so it
    holds for province-administered counties (``429004`` 仙桃 under ``429000``
    and ``420000``) as for any other. An unknown code selects itself only.
    """
    found = {code}
    pending = [code]
    while pending:
        kids = _children_index().get(pending.pop(), ())
        found.update(kids)
        pending.extend(kids)
    return frozenset(found)
