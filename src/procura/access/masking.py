"""Masking of sensitive personal data, applied by default on every read.

Identity numbers, diagnoses, addresses and phone numbers are always masked;
birth dates keep the year; the names of minors, of patients and of victims of
sexual offences become surname + 某 (the courts' rule for published judgments).
Free text has identity and mobile numbers masked, and known names replaced.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from procura import clock
from procura.standard import id_no_birth_date

MASK = "[已遮蔽 masked]"
COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "长孙",
    "宇文",
    "司徒",
    "夏侯",
    "轩辕",
    "令狐",
    "端木",
    "南宫",
    "独孤",
    "百里",
    "呼延",
)
SEXUAL_OFFENCES = frozenset({"sexual_assault_minor"})
MINOR_AGE = 18
# Any run of 15 or more digits (identity numbers, also bank cards): keep the first six.
ID_NO_RE = re.compile(r"(?<![0-9])([0-9]{6})[0-9]{8,}[0-9Xx](?![0-9])")
MOBILE_RE = re.compile(r"(?<![0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9])")
# Person-name fields and the birth-date field that tells whether the person is a minor.
NAME_FIELDS = {
    "victim_name": "victim_birth_date",
    "patient_name": "patient_birth_date",
    "name": "birth_date",
    "party_name": None,
    "suspect_name": None,
}
ALWAYS_MASKED_NAMES = frozenset({"patient_name"})
DIAGNOSIS_FIELDS = frozenset({"icd10", "icd", "diagnosis_text", "diagnosis"})
TEXT_FIELDS = frozenset({"description", "summary", "not_filed_reason", "note", "explanation"})
EVENT_DATE_FIELDS = ("visit_date", "received_at", "decision_date", "decided_at", "filed_at", "reported_at")


def mask_id_no(value: str | None) -> str | None:
    """Keep the six-digit region, hide the birth date, sequence and check digit."""
    if not value:
        return value
    text = str(value)
    return text[:6] + "*" * max(len(text) - 6, 0) if len(text) > 6 else "*" * len(text)


def mask_name(value: str | None) -> str | None:
    """Surname + 某 (``张三`` -> ``张某``, ``欧阳娜娜`` -> ``欧阳某``); Latin names keep the initial."""
    if not value:
        return value
    text = str(value).strip()
    for surname in COMPOUND_SURNAMES:
        if text.startswith(surname) and len(text) > len(surname):
            return surname + "某"
    if text[:1].isascii():
        return text[:1] + "."
    return text[:1] + "某"


def mask_phone(value: str | None) -> str | None:
    """``13812345678`` -> ``138****5678``; other numbers keep their last two digits."""
    if not value:
        return value
    text = str(value)
    if len(text) == 11 and text.isdigit():
        return text[:3] + "****" + text[-4:]
    return "*" * max(len(text) - 2, 0) + text[-2:]


def mask_text(value: str | None, names: dict[str, str] | None = None) -> str | None:
    """Mask identity and mobile numbers in free text, and replace each known name by its mask."""
    if not value:
        return value
    text = ID_NO_RE.sub(lambda m: m.group(1) + "*" * (len(m.group(0)) - 6), str(value))
    text = MOBILE_RE.sub(lambda m: m.group(1) + "****" + m.group(2), text)
    for name in sorted(names or {}, key=len, reverse=True):
        if name and len(name) > 1:
            text = text.replace(name, (names or {})[name])
    return text


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def is_minor(birth: Any, on: Any) -> bool:
    """True when a person born on ``birth`` is under 18 on ``on`` (today when unknown)."""
    born = _as_date(birth)
    if born is None:
        return False
    when = _as_date(on) or clock.today()
    age = when.year - born.year - ((when.month, when.day) < (born.month, born.day))
    return age < MINOR_AGE


def _birth_of(row: dict[str, Any], name_field: str) -> Any:
    """The person's birth date: the record's birth-date field, else digits 7-14 of its identity number
    (a minor known to an agency only by identity number is still a minor)."""
    birth_field = NAME_FIELDS[name_field]
    if birth_field is not None and row.get(birth_field):
        return row[birth_field]
    id_no = row.get(name_field[: -len("name")] + "id_no")
    return id_no_birth_date(str(id_no).strip().upper()) if id_no else None


def _event_date(row: dict[str, Any]) -> Any:
    return next((row[f] for f in EVENT_DATE_FIELDS if row.get(f)), None)


def _sexual(row: dict[str, Any], sexual_context: bool) -> bool:
    return (
        sexual_context or row.get("offense_type") in SEXUAL_OFFENCES or row.get("charge") in SEXUAL_OFFENCES
    )


def mask_record(row: dict[str, Any], sexual_context: bool = False) -> tuple[dict[str, Any], dict[str, str]]:
    """A masked copy of one record (warehouse row or lead subject) and the replacements it made
    (names, diagnoses, addresses: original -> masked) for the caller to apply to related free text."""
    out = dict(row)
    names: dict[str, str] = {}
    for field, value in row.items():
        if value is None or value == "":
            continue
        if field.endswith("id_no"):
            out[field] = mask_id_no(str(value))
        elif field in DIAGNOSIS_FIELDS or "address" in field:
            out[field] = MASK
            # The same diagnosis or address quoted in free text goes too.
            if isinstance(value, str) and len(value) > 2:
                names[value] = MASK
        elif field.endswith("phone"):
            out[field] = mask_phone(str(value))
        elif field.endswith("birth_date"):
            born = _as_date(value)
            out[field] = f"{born.year}-**-**" if born else MASK
        elif field in NAME_FIELDS:
            birth = _birth_of(row, field)
            minor = birth is not None and is_minor(birth, _event_date(row))
            victim = field in ("victim_name", "name") and _sexual(row, sexual_context)
            if minor or victim or field in ALWAYS_MASKED_NAMES:
                masked = mask_name(str(value)) or ""
                out[field] = masked
                names[str(value)] = masked
    for field, value in out.items():
        if isinstance(value, str) and field in TEXT_FIELDS:
            out[field] = mask_text(value, names)
    return out, names
