"""The "facts found" of a document, one sentence per evidence row.

Each table has a fixed sentence (``facts.yaml``) filled only with the fields the
addressee needs. Victims and patients always appear as surname + 某, as does
anyone who was a minor at the time; other people and organisations appear by
name. Identity numbers, phones, addresses, birth dates and diagnoses are never
filled in, and free text passes through :func:`procura.access.masking.scrub`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from typing import Any

import yaml

from procura import clock
from procura.access.masking import age_on, birth_from_id_no, clean, mask_name, scrub
from procura.documents.language import one_language
from procura.standard import regions
from procura.warehouse.evidence import EvidenceRow
from procura.warehouse.keys import key_of

MAX_FACTS = 20
# A raw code (``minors_info``) that must never reach a document as it is.
_CODE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
# Fields holding a person's name that is always masked, and those masked only for minors.
_ALWAYS_MASKED = ("victim_name", "patient_name")
# Fields whose values must never reach a document, even quoted inside free text.
_SECRET_FIELDS = ("address", "phone", "id_no", "diagnosis", "icd10", "user_ref")


@cache
def _phrasebook() -> dict[str, Any]:
    text = (resources.files("procura.documents") / "facts.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


class _Writer:
    """Formats the values of one document's evidence in one language."""

    def __init__(self, lang: str, rows: Sequence[EvidenceRow]) -> None:
        self.lang = lang
        self.book = _phrasebook()
        self.names = [name for row in rows for name in _people(row)]
        self.secrets = [
            str(value)
            for row in rows
            for column, value in row.values.items()
            if value and any(part in column for part in _SECRET_FIELDS)
        ]
        self.decisions = {
            str(r.values.get("case_no")): r.values.get("decision_date")
            for r in rows
            if r.table == "criminal_cases" and r.values.get("decision_date")
        }

    def word(self, key: str, **values: Any) -> str:
        return str(self.book["words"][key][self.lang]).format(**values)

    @property
    def unknown(self) -> str:
        return self.word("unknown")

    def day(self, value: Any) -> str:
        if isinstance(value, datetime):
            value = value.date()
        if not isinstance(value, date):
            return clean(value, 20) or self.unknown
        return f"{value.year}年{value.month}月{value.day}日" if self.lang == "zh" else value.isoformat()

    def money(self, value: Any) -> str:
        try:
            amount = Decimal(str(value))
        except (InvalidOperation, ValueError):
            return self.unknown
        return self.word("yuan", amount=f"{amount:,.2f}")

    def count(self, value: Any, unit_zh: str = "") -> str:
        """A count with its Chinese measure word (条, 人, 次); the English sentence carries its own noun."""
        if not isinstance(value, int | float | Decimal):
            return self.unknown
        return f"{int(value):,}{unit_zh if self.lang == 'zh' else ''}"

    def label(self, group: str, value: Any) -> str:
        """The label of a code; an unknown code reads as the group's ``other`` (never the raw code)."""
        labels = self.book["labels"].get(group, {})
        entry = labels.get(value)
        if entry is None and _CODE.match(str(value or "")):
            entry = labels.get("other")
        return str(entry[self.lang]) if entry else (self.text(value) if value else self.unknown)

    def text(self, value: Any, limit: int = 60) -> str:
        """A short field (a name of a body, a case number): identity numbers and phones withheld."""
        value = one_language(clean(value, 10_000), self.lang)
        return scrub(value, (), limit=limit, lang=self.lang, free_text=False) or self.unknown

    def desc(self, value: Any) -> str:
        text = one_language(clean(value, 10_000), self.lang)
        summary = scrub(text, self.names, limit=200, lang=self.lang, secrets=self.secrets)
        return self.word("desc", text=summary) if summary else ""

    def age(self, values: dict[str, Any], birth_field: str, id_field: str, on: Any) -> str:
        years = age_on(self.birth(values, birth_field, id_field), _as_date(on))
        return self.word("age", n=years) if years is not None else self.unknown

    @staticmethod
    def birth(values: dict[str, Any], birth_field: str, id_field: str) -> date | None:
        return _as_date(values.get(birth_field)) or birth_from_id_no(values.get(id_field))

    def person(self, values: dict[str, Any], name_field: str, id_field: str, on: Any, always: bool) -> str:
        name = values.get(name_field)
        if not name:
            return self.unknown
        years = age_on(self.birth(values, "", id_field), _as_date(on))
        if always or (years is not None and years < 18):
            return mask_name(name) or self.unknown
        return self.text(name, 60)

    def ref(self, key: dict[str, Any]) -> str:
        return scrub(key_of(key), lang=self.lang, limit=80, free_text=False)


def _people(row: EvidenceRow) -> list[str]:
    """The names of natural persons in one row (organisations excluded)."""
    v = row.values
    fields = [*_ALWAYS_MASKED]
    if not v.get("suspect_uscc"):
        fields.append("suspect_name")
    if v.get("party_type") != "org":
        fields.append("party_name")
    if row.table == "court_parties" and not v.get("uscc"):
        fields.append("name")
    return [str(v[f]) for f in fields if v.get(f)]


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def _medical(w: _Writer, v: dict[str, Any], ref: str) -> dict[str, str]:
    return {
        "date": w.day(v.get("visit_date")),
        "hospital": w.text(v.get("hospital_name")),
        "patient": w.person(v, "patient_name", "patient_id_no", None, True),
        "age": w.age(v, "patient_birth_date", "patient_id_no", v.get("visit_date")),
        "ref": ref,
    }


def _police(w: _Writer, v: dict[str, Any], ref: str) -> dict[str, str]:
    suspect = w.person(v, "suspect_name", "suspect_id_no", v.get("received_at"), False)
    if v.get("filed"):
        filed = w.word("filed")
    elif v.get("not_filed_reason"):
        filed = w.word("not_filed_reason", reason=w.text(v.get("not_filed_reason"), 80))
    else:
        filed = w.word("not_filed")
    return {
        "date": w.day(v.get("received_at")),
        "unit": w.text(v.get("police_unit")),
        "victim": w.person(v, "victim_name", "victim_id_no", None, True),
        "offense": w.label("offense_type", v.get("offense_type")),
        "suspect": w.word("suspect", name=suspect) if v.get("suspect_name") else "",
        "views": w.count(v.get("views_count"), "次"),
        "reposts": w.count(v.get("reposts_count"), "次"),
        "filed": filed,
        "desc": w.desc(v.get("description")),
        "ref": ref,
    }


def _criminal(w: _Writer, v: dict[str, Any], ref: str) -> dict[str, str]:
    suspect = (
        w.text(v.get("suspect_name"))
        if v.get("suspect_uscc")
        else w.person(v, "suspect_name", "suspect_id_no", v.get("decision_date"), False)
    )
    return {
        "ref": w.text(v.get("case_no"), 60),
        "suspect": suspect,
        "charge": w.label("offense_type", v.get("charge")),
        "stage": w.label("stage", v.get("stage")),
        "date": w.day(v.get("decision_date")),
        "records": w.count(v.get("records_count"), "条"),
        "victims": w.count(v.get("victims_count"), "人"),
        "gain": w.money(v.get("illegal_gain")),
    }


def _victim(w: _Writer, v: dict[str, Any], ref: str) -> dict[str, str]:
    on = w.decisions.get(str(v.get("case_no"))) or clock.today()
    return {
        "case": w.text(v.get("case_no"), 60),
        "victim": w.person(v, "victim_name", "victim_id_no", None, True),
        "age": w.age(v, "victim_birth_date", "victim_id_no", on),
        "disability": w.word("disabled") if v.get("disability") else "",
        "loss": w.money(v.get("loss_amount")),
    }


def _penalty(w: _Writer, v: dict[str, Any], ref: str) -> dict[str, str]:
    is_org = v.get("party_type") == "org"
    party = (
        w.text(v.get("party_name"))
        if is_org
        else w.person(v, "party_name", "party_id_no", v.get("decided_at"), False)
    )
    return {
        "date": w.day(v.get("decided_at")),
        "agency": w.label("agency_type", v.get("agency_type")),
        "party": party,
        "ref": ref,
        "violation": w.label("violation_type", v.get("violation_type")),
        "volume": w.money(v.get("illegal_business_volume")),
        "gain": w.money(v.get("illegal_gain")),
        "records": w.count(v.get("records_count"), "条"),
        "fine": w.money(v.get("fine_amount")),
        "transferred": w.word("transferred" if v.get("transferred") else "not_transferred"),
    }


def _court_case(w: _Writer, v: dict[str, Any], ref: str) -> dict[str, str]:
    closed = (
        w.word(
            "closed",
            date=w.day(v.get("closed_at")),
            method=w.label("closing_method", v.get("closing_method")),
        )
        if v.get("closed_at") or v.get("closing_method")
        else w.word("open")
    )
    return {
        "court": w.text(v.get("court_code")),
        "date": w.day(v.get("filed_at")),
        "ref": ref,
        "case_type": w.label("case_type", v.get("case_type")),
        "cause": w.label("cause", v.get("cause")),
        "closed": closed,
        "desc": w.desc(v.get("summary")),
    }


def _court_party(w: _Writer, v: dict[str, Any], ref: str) -> dict[str, str]:
    name = w.text(v.get("name")) if v.get("uscc") else w.person(v, "name", "id_no", clock.today(), False)
    return {"case": w.text(v.get("case_no"), 60), "role": w.label("role", v.get("role")), "name": name}


def _app(w: _Writer, v: dict[str, Any], ref: str) -> dict[str, str]:
    return {
        "date": w.day(v.get("reported_at")),
        "region": regions.name(v.get("region_code")) or w.unknown,
        "app": w.text(v.get("app_name")),
        "operator": w.text(v.get("operator_name")),
        "ref": ref,
        "issue": w.label("issue_type", v.get("issue_type")),
        "users": w.count(v.get("users_affected"), "人"),
        "desc": w.desc(v.get("description")),
    }


def _order(w: _Writer, v: dict[str, Any], ref: str) -> dict[str, str]:
    return {
        "ref": ref,
        "platform": w.text(v.get("platform_name") or v.get("platform_uscc")),
        "date": w.day(v.get("ordered_at")),
        "city": regions.name(v.get("city_code")) or w.unknown,
        "sku": w.text(v.get("sku")),
        "list_price": w.money(v.get("list_price")),
        "paid_price": w.money(v.get("paid_price")),
    }


_FIELDS: dict[str, Callable[[_Writer, dict[str, Any], str], dict[str, str]]] = {
    "medical_visits": _medical,
    "police_reports": _police,
    "criminal_cases": _criminal,
    "criminal_case_victims": _victim,
    "admin_penalties": _penalty,
    "court_cases": _court_case,
    "court_parties": _court_party,
    "app_reports": _app,
    "platform_orders": _order,
}


def fact_sentences(rows: Sequence[EvidenceRow], lang: str = "zh", limit: int = MAX_FACTS) -> list[str]:
    """One minimised sentence per found evidence row (at most ``limit``, then a count of the rest)."""
    writer = _Writer(lang, rows)
    found = [row for row in rows if row.found and row.table in _FIELDS]
    sentences = []
    for row in found[:limit]:
        fields = _FIELDS[row.table](writer, row.values, writer.ref(row.key))
        sentences.append(str(_phrasebook()["sentences"][row.table][lang]).format(**fields).strip())
    if len(found) > limit:
        sentences.append(writer.word("more", n=len(found) - limit))
    return sentences


def person_names(rows: Sequence[EvidenceRow]) -> list[str]:
    """Every person's name in ``rows``: free text elsewhere in a document is scrubbed of them."""
    return _Writer("zh", rows).names
