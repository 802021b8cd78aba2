"""The standard tables as the generator writes them: columns, keys and value kinds.

The column lists follow ``spec/data-standard.md`` field for field; the kinds say
which formatting variants (``noise``) and which malformations may be applied.
"""

from __future__ import annotations

COLUMNS: dict[str, tuple[str, ...]] = {
    "police_reports": (
        "report_id",
        "region_code",
        "police_unit",
        "received_at",
        "offense_type",
        "victim_name",
        "victim_id_no",
        "victim_birth_date",
        "victim_phone",
        "suspect_name",
        "suspect_id_no",
        "description",
        "views_count",
        "reposts_count",
        "filed",
        "filed_at",
        "police_case_no",
        "not_filed_reason",
    ),
    "criminal_cases": (
        "case_no",
        "suspect_key",
        "region_code",
        "charge",
        "suspect_name",
        "suspect_id_no",
        "suspect_uscc",
        "stage",
        "decision_date",
        "records_count",
        "illegal_gain",
        "victims_count",
        "platform_name",
        "platform_uscc",
        "civil_pil_filed",
        "admin_referral_sent",
    ),
    "criminal_case_victims": (
        "case_no",
        "victim_key",
        "victim_name",
        "victim_id_no",
        "victim_birth_date",
        "victim_phone",
        "disability",
        "loss_amount",
    ),
    "admin_penalties": (
        "penalty_id",
        "agency_type",
        "region_code",
        "decided_at",
        "party_type",
        "party_name",
        "party_id_no",
        "party_uscc",
        "violation_type",
        "illegal_business_volume",
        "illegal_gain",
        "records_count",
        "fine_amount",
        "transferred",
        "transferred_at",
    ),
    "medical_visits": (
        "visit_id",
        "hospital_uscc",
        "hospital_name",
        "region_code",
        "patient_name",
        "patient_id_no",
        "patient_birth_date",
        "patient_sex",
        "patient_phone",
        "visit_date",
        "icd10",
        "diagnosis_text",
    ),
    "court_cases": (
        "case_no",
        "court_code",
        "region_code",
        "case_type",
        "cause",
        "filed_at",
        "closed_at",
        "closing_method",
        "claim_amount",
        "summary",
    ),
    "court_parties": ("case_no", "party_key", "role", "name", "id_no", "uscc", "phone", "address"),
    "app_reports": (
        "report_id",
        "app_name",
        "operator_name",
        "operator_uscc",
        "operator_region_code",
        "region_code",
        "reported_at",
        "issue_type",
        "description",
        "users_affected",
    ),
    "platform_orders": (
        "order_id",
        "platform_uscc",
        "platform_name",
        "user_ref",
        "user_registered_at",
        "member_level",
        "device_os",
        "city_code",
        "sku",
        "ordered_at",
        "list_price",
        "paid_price",
        "coupon_amount",
    ),
}

# Extra (non-standard) columns some agencies send; ingest must keep them.
EXTRA_COLUMNS: dict[str, tuple[str, ...]] = {
    "medical_visits": ("department",),
    "platform_orders": ("channel",),
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

REQUIRED: dict[str, tuple[str, ...]] = {
    "police_reports": ("report_id", "region_code", "received_at", "offense_type", "filed"),
    "criminal_cases": ("case_no", "suspect_key", "region_code", "charge", "stage"),
    "criminal_case_victims": ("case_no", "victim_key"),
    "admin_penalties": (
        "penalty_id",
        "agency_type",
        "region_code",
        "decided_at",
        "party_type",
        "violation_type",
        "transferred",
    ),
    "medical_visits": ("visit_id", "hospital_uscc", "region_code", "visit_date", "icd10"),
    "court_cases": ("case_no", "court_code", "region_code", "case_type", "cause"),
    "court_parties": ("case_no", "party_key", "role"),
    "app_reports": ("report_id", "app_name", "region_code", "reported_at", "issue_type"),
    "platform_orders": (
        "order_id",
        "platform_uscc",
        "user_ref",
        "city_code",
        "sku",
        "ordered_at",
        "paid_price",
    ),
}

# Value kinds of the fields that carry formatting variants.
KINDS: dict[str, dict[str, str]] = {
    "police_reports": {
        "region_code": "region",
        "received_at": "date",
        "victim_name": "name",
        "victim_id_no": "id_no",
        "victim_birth_date": "date",
        "suspect_name": "name",
        "suspect_id_no": "id_no",
        "filed": "bool",
        "victim_phone": "phone",
        "filed_at": "date",
    },
    "criminal_cases": {
        "region_code": "region",
        "suspect_name": "name",
        "suspect_id_no": "id_no",
        "suspect_uscc": "uscc",
        "decision_date": "date",
        "illegal_gain": "money",
        "platform_uscc": "uscc",
        "civil_pil_filed": "bool",
        "admin_referral_sent": "bool",
        "platform_name": "name",
    },
    "criminal_case_victims": {
        "victim_name": "name",
        "victim_id_no": "id_no",
        "victim_birth_date": "date",
        "disability": "bool",
        "loss_amount": "money",
        "victim_phone": "phone",
    },
    "admin_penalties": {
        "region_code": "region",
        "decided_at": "date",
        "party_name": "name",
        "party_id_no": "id_no",
        "party_uscc": "uscc",
        "illegal_business_volume": "money",
        "illegal_gain": "money",
        "fine_amount": "money",
        "transferred": "bool",
        "transferred_at": "date",
    },
    "medical_visits": {
        "hospital_uscc": "uscc",
        "region_code": "region",
        "patient_name": "name",
        "patient_id_no": "id_no",
        "patient_birth_date": "date",
        "visit_date": "date",
        "hospital_name": "name",
        "patient_phone": "phone",
    },
    "court_cases": {
        "region_code": "region",
        "filed_at": "date",
        "closed_at": "date",
        "claim_amount": "money",
    },
    "court_parties": {"name": "name", "id_no": "id_no", "uscc": "uscc", "phone": "phone"},
    "app_reports": {
        "operator_uscc": "uscc",
        "operator_region_code": "region",
        "region_code": "region",
        "reported_at": "date",
        "operator_name": "name",
    },
    "platform_orders": {
        "platform_uscc": "uscc",
        "user_registered_at": "timestamp",
        "ordered_at": "timestamp",
        "list_price": "money",
        "paid_price": "money",
        "coupon_amount": "money",
        "city_code": "region",
        "platform_name": "name",
    },
}

# Mention roles (docs/architecture.md): table -> role -> entity column in the clean frame.
ROLES: dict[str, dict[str, str]] = {
    "police_reports": {"victim": "_e_victim", "suspect": "_e_suspect"},
    "criminal_cases": {"suspect": "_e_suspect", "platform": "_e_platform"},
    "criminal_case_victims": {"victim": "_e_victim"},
    "admin_penalties": {"party": "_e_party"},
    "medical_visits": {"patient": "_e_patient", "hospital": "_e_hospital"},
    "court_parties": {"party": "_e_party"},
    "app_reports": {"operator": "_e_operator"},
    "platform_orders": {"platform": "_e_platform"},
}

# Default file format per table: a mix, as agencies send them.
FORMATS: dict[str, str] = {
    "police_reports": "csv",
    "criminal_cases": "xlsx",
    "criminal_case_victims": "csv",
    "admin_penalties": "xlsx",
    "medical_visits": "jsonl",
    "court_cases": "csv",
    "court_parties": "jsonl",
    "app_reports": "xlsx",
    "platform_orders": "csv",
}

# Encodings of CSV files other than plain UTF-8 (both must be accepted by ingest).
CSV_ENCODINGS: dict[str, str] = {"police_reports": "utf-8-sig", "criminal_case_victims": "gb18030"}


def record_key(table: str, key: dict[str, str]) -> str:
    """The record key: primary-key values joined by ``|`` in key order."""
    return "|".join(str(key[field]) for field in PRIMARY_KEYS[table])
