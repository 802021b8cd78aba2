"""The standard's YAML files: complete, checked on load, exported as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from procura.standard.schema import StandardError, export_json, load_tables, parse_table, standard

SPEC_TABLES = {
    "police_reports": 18,
    "criminal_cases": 16,
    "criminal_case_victims": 8,
    "admin_penalties": 15,
    "medical_visits": 12,
    "court_cases": 10,
    "court_parties": 8,
    "app_reports": 10,
    "platform_orders": 13,
}
PRIMARY_KEYS = {
    "police_reports": ("report_id",),
    "criminal_cases": ("case_no", "suspect_key"),
    "criminal_case_victims": ("case_no", "victim_key"),
    "admin_penalties": ("penalty_id",),
    "medical_visits": ("visit_id",),
    "court_cases": ("case_no",),
    "court_parties": ("case_no", "party_key"),
    "app_reports": ("report_id",),
    "platform_orders": ("order_id",),
}


def test_every_table_and_field_of_the_spec_is_declared() -> None:
    tables = standard()
    assert {n: len(t.fields) for n, t in tables.items()} == SPEC_TABLES
    assert {n: t.primary_key for n, t in tables.items()} == PRIMARY_KEYS
    assert tables["platform_orders"].field("ordered_at").column_type == "TIMESTAMP"
    assert tables["police_reports"].field("victim_id_no").flagged
    assert "victim_id_no_valid" in dict(tables["police_reports"].columns())
    assert tables["criminal_cases"].field("stage").values[-1] == "judged"


def test_export_is_json_with_columns() -> None:
    data = json.loads(export_json())
    names = [t["name"] for t in data["tables"]]
    assert sorted(names) == sorted(SPEC_TABLES)
    police = data["tables"][names.index("police_reports")]
    assert {"name": "_row_hash", "type": "VARCHAR"} in police["columns"]


BASE = {
    "table": "t",
    "title": {"zh": "表", "en": "t"},
    "primary_key": ["id"],
    "fields": [{"name": "id", "kind": "id", "required": True}],
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"fields": [{"name": "id", "kind": "uuid", "required": True}]}, "unknown kind"),
        ({"primary_key": ["nope"]}, "is not a field"),
        ({"fields": [{"name": "id", "kind": "id"}]}, "must be required"),
        (
            {"fields": [{"name": "id", "kind": "id", "required": True}, {"name": "e", "kind": "enum"}]},
            "needs 'values'",
        ),
        ({"fields": [{"name": "id", "kind": "id", "required": True}] * 2}, "duplicate fields"),
        ({"fields": [{"name": "id", "kind": "id", "required": True, "colour": 1}]}, "unknown keys"),
        ({"title": None, "fields": None} | {"primary_key": ["id"]}, ""),
    ],
)
def test_broken_declarations_are_refused_with_the_file_named(change: dict, message: str) -> None:
    raw = {**BASE, **change}
    if raw.get("fields") is None:
        raw.pop("fields")
        message = "missing 'fields'"
    with pytest.raises(StandardError, match=message):
        parse_table("t.yaml", raw)


def test_file_name_must_match_table(tmp_path: Path) -> None:
    (tmp_path / "other.yaml").write_text(yaml.safe_dump(BASE), encoding="utf-8")
    with pytest.raises(StandardError, match=r"must live in t\.yaml"):
        load_tables(tmp_path)
