"""The warehouse schema as the engines see it: tables, typed columns, primary keys.

The standard tables follow docs/architecture.md; entity tables are written by
``procura link``. Models read only these, and test fixtures are created from
them, so a fixture row that gives two columns still has every other column,
NULL, with its warehouse type.
"""

from __future__ import annotations

from functools import cache

# Warehouse types by the standard's value kinds (docs/architecture.md).
_KIND_TYPES = {
    "text": "VARCHAR",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "money": "DECIMAL(18,2)",
    "count": "BIGINT",
    "bool": "BOOLEAN",
    "double": "DOUBLE",
    "list": "VARCHAR[]",
}

# Fields whose kind is not plain text, by field name; identity fields get a
# ``<field>_valid`` flag beside them.
_DATES = {
    "received_at", "filed_at", "decision_date", "decided_at", "transferred_at", "visit_date",
    "closed_at", "reported_at", "victim_birth_date", "patient_birth_date", "birth_date",
}
_TIMESTAMPS = {"ordered_at", "user_registered_at"}
_MONEY = {
    "illegal_gain", "illegal_business_volume", "fine_amount", "loss_amount", "claim_amount",
    "list_price", "paid_price", "coupon_amount",
}
_COUNTS = {"views_count", "reposts_count", "records_count", "victims_count", "users_affected", "mentions"}
_BOOLS = {"filed", "civil_pil_filed", "admin_referral_sent", "disability", "transferred"}
_IDENTITY = {
    "victim_id_no", "suspect_id_no", "party_id_no", "patient_id_no", "id_no",
    "suspect_uscc", "platform_uscc", "party_uscc", "hospital_uscc", "uscc", "operator_uscc",
}

STANDARD_FIELDS: dict[str, tuple[str, ...]] = {
    "police_reports": (
        "report_id", "region_code", "police_unit", "received_at", "offense_type", "victim_name",
        "victim_id_no", "victim_birth_date", "victim_phone", "suspect_name", "suspect_id_no",
        "description", "views_count", "reposts_count", "filed", "filed_at", "police_case_no",
        "not_filed_reason",
    ),
    "criminal_cases": (
        "case_no", "suspect_key", "region_code", "charge", "suspect_name", "suspect_id_no",
        "suspect_uscc", "stage", "decision_date", "records_count", "illegal_gain", "victims_count",
        "platform_name", "platform_uscc", "civil_pil_filed", "admin_referral_sent",
    ),
    "criminal_case_victims": (
        "case_no", "victim_key", "victim_name", "victim_id_no", "victim_birth_date", "victim_phone",
        "disability", "loss_amount",
    ),
    "admin_penalties": (
        "penalty_id", "agency_type", "region_code", "decided_at", "party_type", "party_name",
        "party_id_no", "party_uscc", "violation_type", "illegal_business_volume", "illegal_gain",
        "records_count", "fine_amount", "transferred", "transferred_at",
    ),
    "medical_visits": (
        "visit_id", "hospital_uscc", "hospital_name", "region_code", "patient_name", "patient_id_no",
        "patient_birth_date", "patient_sex", "patient_phone", "visit_date", "icd10", "diagnosis_text",
    ),
    "court_cases": (
        "case_no", "court_code", "region_code", "case_type", "cause", "filed_at", "closed_at",
        "closing_method", "claim_amount", "summary",
    ),
    "court_parties": ("case_no", "party_key", "role", "name", "id_no", "uscc", "phone", "address"),
    "app_reports": (
        "report_id", "app_name", "operator_name", "operator_uscc", "operator_region_code", "region_code",
        "reported_at", "issue_type", "description", "users_affected",
    ),
    "platform_orders": (
        "order_id", "platform_uscc", "platform_name", "user_ref", "user_registered_at", "member_level",
        "device_os", "city_code", "sku", "ordered_at", "list_price", "paid_price", "coupon_amount",
    ),
}

PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
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

ENTITY_COLUMNS: dict[str, dict[str, str]] = {
    "mentions": {
        "table_name": "VARCHAR", "record_key": "VARCHAR", "role": "VARCHAR", "kind": "VARCHAR",
        "entity_id": "VARCHAR", "probability": "DOUBLE", "rule": "VARCHAR",
    },
    "entities": {
        "entity_id": "VARCHAR", "kind": "VARCHAR", "name": "VARCHAR", "id_no": "VARCHAR",
        "uscc": "VARCHAR", "birth_date": "DATE", "sex": "VARCHAR", "phone": "VARCHAR", "mentions": "BIGINT",
    },
}

PROVENANCE_COLUMNS: dict[str, str] = {
    "_extra": "JSON", "_batch_id": "VARCHAR", "_source_file": "VARCHAR",
    "_source_row": "BIGINT", "_row_hash": "VARCHAR",
}


def _kind(field: str) -> str:
    for names, kind in (
        (_DATES, "date"), (_TIMESTAMPS, "timestamp"), (_MONEY, "money"),
        (_COUNTS, "count"), (_BOOLS, "bool"),
    ):
        if field in names:
            return kind
    return "text"


@cache
def table_columns(table: str) -> dict[str, str]:
    """Column name -> warehouse type of a model-readable table (standard or entity)."""
    if table in ENTITY_COLUMNS:
        return dict(ENTITY_COLUMNS[table])
    if table not in STANDARD_FIELDS:
        raise KeyError(f"unknown table {table!r}")
    columns: dict[str, str] = {}
    for field in STANDARD_FIELDS[table]:
        columns[field] = _KIND_TYPES[_kind(field)]
        if field in _IDENTITY:
            columns[f"{field}_valid"] = "BOOLEAN"
    columns.update(PROVENANCE_COLUMNS)
    return columns


def readable_tables() -> frozenset[str]:
    """Every table a rule may read: the standard tables, ``mentions`` and ``entities``."""
    return frozenset(STANDARD_FIELDS) | frozenset(ENTITY_COLUMNS)


def primary_key(table: str) -> tuple[str, ...]:
    """The primary-key fields of a standard table, in record-key order."""
    if table not in PRIMARY_KEYS:
        raise KeyError(f"table {table!r} has no primary key in the standard")
    return PRIMARY_KEYS[table]
