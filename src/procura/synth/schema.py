"""The standard tables as the generator writes them: columns, keys and value kinds.

The column lists follow ``spec/data-standard.md`` field for field; the kinds say
which formatting variants (``noise``) and which malformations may be applied.
"""

from __future__ import annotations

from procura.standard import standard
from procura.warehouse.keys import join_key

# Tables in the order of the data standard's page: the order files are written in.
TABLES: tuple[str, ...] = (
    "police_reports",
    "criminal_cases",
    "criminal_case_victims",
    "admin_penalties",
    "medical_visits",
    "court_cases",
    "court_parties",
    "app_reports",
    "platform_orders",
)

# Columns, keys and required fields come from the standard's YAML, never a second copy.
_STANDARD = standard()
COLUMNS: dict[str, tuple[str, ...]] = {t: _STANDARD[t].field_names for t in TABLES}
PRIMARY_KEYS: dict[str, tuple[str, ...]] = {t: _STANDARD[t].primary_key for t in TABLES}
REQUIRED: dict[str, tuple[str, ...]] = {
    t: tuple(f.name for f in _STANDARD[t].fields if f.required) for t in TABLES
}

# Extra (non-standard) columns some agencies send; ingest must keep them.
EXTRA_COLUMNS: dict[str, tuple[str, ...]] = {
    "medical_visits": ("department",),
    "platform_orders": ("channel",),
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
    return join_key(key[field] for field in PRIMARY_KEYS[table])
