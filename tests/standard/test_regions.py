"""The shipped GB/T 2260 table and its lookups."""

from __future__ import annotations

import csv

from procura.standard import regions


def test_table_is_complete_and_consistent() -> None:
    table = regions.all_regions()
    levels = [r.level for r in table]
    assert levels.count("province") == 34
    assert levels.count("county") >= 2800
    codes = {r.code for r in table}
    for r in table:
        assert len(r.code) == 6 and r.code.isdigit()
        assert r.level in regions.LEVELS
        if r.level != "province":
            assert r.parent_code in codes
    # Every county's XXXX00 city exists, as the standard's jurisdiction rule expects.
    for r in table:
        if r.level == "county":
            assert regions.city_code(r.code) in codes


def test_lookups() -> None:
    assert regions.name("330110") == "余杭区"
    assert regions.full_name("330110") == "浙江省杭州市余杭区"
    assert regions.full_name("110105") == "北京市朝阳区"
    city = regions.city("330110")
    assert city is not None and city.name == "杭州市"
    prov = regions.province("330110")
    assert prov is not None and prov.code == "330000"
    assert regions.city("330000") is None
    assert regions.lookup("999999") is None and not regions.is_known(None)
    assert {r.code for r in regions.children("330100")} >= {"330110", "330102"}


def test_regenerating_from_the_source_package_gives_the_shipped_file(tmp_path) -> None:
    from procura.standard.region_source import write_csv

    target = tmp_path / "regions.csv"
    write_csv(target)
    assert target.read_text(encoding="utf-8") == regions.table_path().read_text(encoding="utf-8")
    with target.open(encoding="utf-8") as fh:
        assert next(csv.reader(fh)) == ["code", "name", "level", "parent_code"]
