from pathlib import Path

import pytest

from procura.link.roles import RoleError, load_roles

ARCHITECTURE_ROLES = {
    ("police_reports", "victim"), ("police_reports", "suspect"), ("criminal_cases", "suspect"),
    ("criminal_cases", "platform"), ("criminal_case_victims", "victim"), ("admin_penalties", "party"),
    ("medical_visits", "patient"), ("medical_visits", "hospital"), ("court_parties", "party"),
    ("app_reports", "operator"), ("platform_orders", "platform"),
}


def test_roles_match_the_architecture_contract() -> None:
    assert {(r.table, r.role) for r in load_roles()} == ARCHITECTURE_ROLES


def test_roles_read_validity_flags_of_identifiers() -> None:
    role = next(r for r in load_roles() if (r.table, r.role) == ("criminal_cases", "suspect"))
    assert {"suspect_id_no_valid", "suspect_uscc_valid", "case_no", "suspect_key"} <= role.columns()


def test_unknown_field_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "roles.yaml"
    bad.write_text("tables: {t: {key: [id]}}\nroles:\n  - {table: t, role: x, kind: person, "
                   "fields: {name: n, shoe_size: s}}\n", encoding="utf-8")
    with pytest.raises(RoleError, match="shoe_size"):
        load_roles(bad)


def test_bad_kind_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "roles.yaml"
    bad.write_text("tables: {t: {key: [id]}}\nroles:\n  - {table: t, role: x, kind: robot, "
                   "fields: {name: n}}\n", encoding="utf-8")
    with pytest.raises(RoleError, match="kind"):
        load_roles(bad)
