"""Who a lead's documents go to: the actual bodies named in its evidence (``addressees.yaml``).

A lead about two police reports taken by two different police bureaux gets one
document for each bureau; a hospital's report failure goes to the health
authority of the hospital's county; a pricing lead goes to the platform operator
and to the market regulator of the city. Names are built only from fields that
identify bodies, never from a person's data.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

import yaml

from procura.access.masking import scrub
from procura.documents.content import place_name
from procura.documents.kinds import DocumentError
from procura.documents.language import one_language
from procura.warehouse.evidence import EvidenceRow

_FIELD = re.compile(r"^(?:(region|label:[a-z_]+):)?([a-z_][a-z0-9_]*)$")


@cache
def _rules() -> dict[str, Any]:
    text = (resources.files("procura.documents") / "addressees.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    for model_id, rules in data.items():
        if model_id == "agency_body":
            continue
        for rule in rules:
            if set(rule) != {"table", "zh", "en"}:
                raise DocumentError(f"addressees.yaml: {model_id}: a rule needs exactly table, zh and en")
            for pattern in (rule["zh"], rule["en"]):
                for _, field, _, _ in string.Formatter().parse(pattern):
                    if field is not None and not _FIELD.match(field):
                        raise DocumentError(f"addressees.yaml: {model_id}: bad field {field!r}")
    return data


def _value(field: str, values: dict[str, Any], lang: str) -> str | None:
    match = _FIELD.match(field)
    assert match is not None  # checked when loaded
    how, column = match.groups()
    raw = values.get(column)
    if raw is None or str(raw).strip() == "":
        return None
    if how == "region":
        return place_name(str(raw), lang)
    if how is not None:
        group = how.split(":", 1)[1]
        entry = _rules().get(group, {}).get(raw) or _rules().get(group, {}).get("other")
        return str(entry[lang]) if entry else None
    return one_language(scrub(raw, (), limit=80, lang=lang, free_text=False), lang)


def _fill(pattern: str, values: dict[str, Any], lang: str) -> str | None:
    out = []
    for literal, field, _, _ in string.Formatter().parse(pattern):
        out.append(literal)
        if field is not None:
            value = _value(field, values, lang)
            if not value:
                return None
            out.append(value)
    return "".join(out).strip() or None


def resolve(model_id: str, rows: Sequence[EvidenceRow], lang: str = "zh") -> list[str]:
    """The distinct bodies a ``model_id`` lead citing ``rows`` is addressed to, in evidence order."""
    found: list[str] = []
    for rule in _rules().get(model_id, []):
        for row in rows:
            if row.table != rule["table"] or not row.found:
                continue
            name = _fill(rule[lang], row.values, lang)
            if name and name not in found:
                found.append(name)
    return found
