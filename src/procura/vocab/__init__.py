"""The one vocabulary: codes and their Chinese and English labels, from ``vocabulary.yaml``.

``codes("measures")`` lists a group's codes in display order, ``label(group,
code)`` gives one label (``lang="zh"`` or ``"en"``), ``both(group, code)`` the
"中文 English" form the CLI and documents print, and ``measures_for(prong)`` the
measures a lead of that prong may record. The file is validated when first read:
every entry needs both labels, and every measure a prong allows must be a measure.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from procura.errors import InvalidInput

LANGS = ("zh", "en")
GROUPS = (
    "prongs",
    "measures",
    "dismiss_reasons",
    "document_kinds",
    "lead_states",
    "actions",
    "roles",
    "office_levels",
    "quarantine_reasons",
)


@cache
def _vocabulary() -> dict[str, dict[str, dict[str, Any]]]:
    text = (resources.files("procura.vocab") / "vocabulary.yaml").read_text(encoding="utf-8")
    raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(raw, dict) or set(raw) != set(GROUPS):
        raise InvalidInput(f"vocabulary.yaml: needs exactly the groups {', '.join(GROUPS)}")
    for group, entries in raw.items():
        for code, entry in entries.items():
            if not isinstance(entry, dict) or not all(isinstance(entry.get(lang), str) for lang in LANGS):
                raise InvalidInput(f"vocabulary.yaml: {group}.{code} needs a zh and an en label")
    for prong, entry in raw["prongs"].items():
        unknown = set(entry.get("measures", ())) - set(raw["measures"])
        if unknown:
            raise InvalidInput(f"vocabulary.yaml: prongs.{prong} allows unknown measures {sorted(unknown)}")
    return raw


def _group(group: str) -> dict[str, dict[str, Any]]:
    vocabulary = _vocabulary()
    if group not in vocabulary:
        raise InvalidInput(f"no vocabulary group {group!r}; known: {', '.join(GROUPS)}")
    return vocabulary[group]


def codes(group: str) -> tuple[str, ...]:
    """The codes of ``group`` in display order."""
    return tuple(_group(group))


def label(group: str, code: str, lang: str = "zh") -> str:
    """The ``lang`` label of ``code``; the code itself when the vocabulary lacks it."""
    if lang not in LANGS:
        raise InvalidInput(f"language {lang!r}: one of {', '.join(LANGS)}")
    entry = _group(group).get(code)
    return code if entry is None else str(entry[lang])


def both(group: str, code: str) -> str:
    """``"中文 English"``, the bilingual label the CLI, pages and exports show."""
    entry = _group(group).get(code)
    return code if entry is None else f"{entry['zh']} {entry['en']}"


def reason(text: str, lang: str = "zh") -> str:
    """A quarantine reason in ``lang``: the label of the longest code the English text starts with.

    The text itself when no code matches (a reason the vocabulary does not know yet).
    """
    matches = [code for code in codes("quarantine_reasons") if text.startswith(code)]
    return label("quarantine_reasons", max(matches, key=len), lang) if matches else text


def labels(group: str) -> dict[str, str]:
    """Every code of ``group`` with its bilingual label."""
    return {code: both(group, code) for code in codes(group)}


def measures_for(prong: str) -> tuple[str, ...]:
    """The measures a lead of ``prong`` may record."""
    entry = _group("prongs").get(prong)
    if entry is None:
        raise InvalidInput(f"prong {prong!r}: one of {', '.join(codes('prongs'))}", {"field": "prong"})
    return tuple(entry.get("measures", ()))
