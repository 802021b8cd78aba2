"""Every reason ingest can write has a Chinese label in the vocabulary (the data page shows it)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import procura
from procura import vocab
from procura.ingest import readers
from procura.standard import kinds

SOURCES = Path(procura.__file__).parent


def _written_reasons() -> set[str]:
    """Reason texts as ingest and the standard's SQL write them."""
    found: set[str] = {kinds.UNKNOWN_ENUM, readers.NOT_UTF8}
    for folder in ("standard", "ingest"):
        for path in (SOURCES / folder).glob("*.py"):
            text = path.read_text(encoding="utf-8")
            found |= set(re.findall(r"THEN '([a-z][^']*)'", text))
            found |= set(re.findall(r'"(not an? [^"]+)"', text))
    found |= set(readers._reject_reason(kind, "") for kind in ("MISSING COLUMNS", "TOO MANY COLUMNS"))
    return found


@pytest.mark.parametrize("text", sorted(_written_reasons()))
def test_each_written_reason_has_a_chinese_label(text: str) -> None:
    assert re.search(r"[\u4e00-\u9fff]", vocab.reason(text, "zh")), text


def test_a_reason_with_details_takes_the_label_of_its_start() -> None:
    assert vocab.reason("value too long (12 characters, more than the limit of 10)") == "值过长"
    formula = "spreadsheet formula after clean-up (possible formula injection)"
    assert vocab.reason(formula).startswith("清洗后")
    assert vocab.reason("something new") == "something new"
