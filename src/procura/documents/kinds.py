"""The kinds of formal document, loaded from ``kinds.yaml`` and validated."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any

import yaml

from procura import vocab
from procura.errors import InvalidInput

LANGS = ("zh", "en")


class DocumentError(InvalidInput):
    """A document cannot be drafted (unknown kind or language, missing template, bad input)."""


@dataclass(frozen=True)
class DocumentKind:
    """One kind of formal document and its fixed wording."""

    id: str
    measures: tuple[str, ...]
    abbr: str
    deadline_days: int | None
    deadline_months: int | None
    title: dict[str, str]
    basis: dict[str, tuple[str, ...]]
    request: dict[str, str]
    reply: dict[str, str]
    addressee: dict[str, str] | None = None

    def deadline_from(self, issued_on: date) -> date | None:
        """The default reply deadline for a document issued on ``issued_on``."""
        if self.deadline_days is not None:
            return issued_on + timedelta(days=self.deadline_days)
        if self.deadline_months is not None:
            month0 = issued_on.month - 1 + self.deadline_months
            year, month = issued_on.year + month0 // 12, month0 % 12 + 1
            day = min(issued_on.day, calendar.monthrange(year, month)[1])
            return date(year, month, day)
        return None


def _bilingual(raw: dict[str, Any], field: str, kind_id: str) -> dict[str, Any]:
    value = raw.get(field)
    if not isinstance(value, dict) or set(value) != set(LANGS):
        raise DocumentError(f"kinds.yaml: {kind_id}.{field} needs exactly the languages {LANGS}")
    return value


def _parse(kind_id: str, raw: dict[str, Any]) -> DocumentKind:
    deadline = raw.get("deadline") or {}
    if not isinstance(deadline, dict) or set(deadline) - {"days", "months"}:
        raise DocumentError(f"kinds.yaml: {kind_id}.deadline must be null, {{days: N}} or {{months: N}}")
    measures = raw.get("measures")
    if not isinstance(measures, list) or not isinstance(raw.get("abbr"), str):
        raise DocumentError(f"kinds.yaml: {kind_id} needs a list of measures (may be empty) and abbr")
    basis = _bilingual(raw, "basis", kind_id)
    return DocumentKind(
        id=kind_id,
        measures=tuple(measures),
        abbr=raw["abbr"],
        deadline_days=deadline.get("days"),
        deadline_months=deadline.get("months"),
        title={lang: vocab.label("document_kinds", kind_id, lang) for lang in LANGS},
        basis={lang: tuple(lines) for lang, lines in basis.items()},
        request={k: " ".join(v.split()) for k, v in _bilingual(raw, "request", kind_id).items()},
        reply=_bilingual(raw, "reply", kind_id),
        addressee=_bilingual(raw, "addressee", kind_id) if "addressee" in raw else None,
    )


@cache
def all_kinds() -> dict[str, DocumentKind]:
    """Every document kind by id."""
    text = (resources.files("procura.documents") / "kinds.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    if set(raw) != set(vocab.codes("document_kinds")):
        raise DocumentError("kinds.yaml: the kinds must be the document_kinds of vocabulary.yaml")
    return {kind_id: _parse(kind_id, entry) for kind_id, entry in raw.items()}


def get_kind(kind_id: str) -> DocumentKind:
    """The kind ``kind_id``; a clear error naming the known kinds otherwise."""
    kinds = all_kinds()
    if kind_id not in kinds:
        raise DocumentError(f"unknown document kind {kind_id!r}; known: {', '.join(sorted(kinds))}")
    return kinds[kind_id]


def kind_for_measure(measure: str) -> DocumentKind:
    """The document kind that drafts ``measure`` (e.g. ``case_filing_notice``)."""
    for kind in all_kinds().values():
        if measure in kind.measures:
            return kind
    raise DocumentError(f"no document drafts the measure {measure!r}")
