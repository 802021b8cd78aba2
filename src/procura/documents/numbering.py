"""Document numbers: ``磐检行建〔2026〕3号`` — office, 检, department, kind, year, sequence.

The office part is the first character of the issuing office's division
(磐安县 -> 磐); the department part names the prong (刑, 民, 行, 公); the kind
part comes from ``kinds.yaml``. The sequence is the next free one in the
register for that office, kind and year.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from procura.documents.kinds import DocumentKind
from procura.standard import regions
from procura.workflow.orm import IssuedDocument

DEPARTMENT_MARKS = {"criminal": "刑", "civil": "民", "administrative": "行", "public_interest": "公"}


def office_mark(office_id: str) -> str:
    """``330727-county`` -> ``磐`` (the first character of the division's name)."""
    region = regions.lookup(office_id.split("-", 1)[0])
    return region.name[:1] if region is not None else ""


def format_number(office_id: str, department: str, kind: DocumentKind, year: int, seq: int) -> str:
    """The printed number of the ``seq``-th ``kind`` document of an office's department in ``year``."""
    return f"{office_mark(office_id)}检{DEPARTMENT_MARKS.get(department, '')}{kind.abbr}〔{year}〕{seq}号"


def next_seq(session: Session, office_id: str, kind: str, year: int) -> int:
    """The next sequence number for (office, kind, year): one past the highest ever given."""
    highest = session.scalar(
        select(func.max(IssuedDocument.seq)).where(
            IssuedDocument.office_id == office_id, IssuedDocument.kind == kind, IssuedDocument.year == year
        )
    )
    return int(highest or 0) + 1
