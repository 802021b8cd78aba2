"""Reviewer judgements: data that overrides the model on every later run.

A judgement says two mentions are the *same* entity, *different* entities, or
that the reviewer is *unsure*. It is stored in the warehouse table
``_link_judgements`` with who decided and when; the latest judgement of a pair
counts. ``same`` joins the two entities, ``different`` keeps them apart,
``unsure`` only records that the pair was looked at.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from procura import clock
from procura.errors import InvalidInput
from procura.warehouse import probes

DECISIONS = ("same", "different", "unsure")

_CREATE = """
CREATE TABLE IF NOT EXISTS _link_judgements (
    left_ref VARCHAR NOT NULL, right_ref VARCHAR NOT NULL, decision VARCHAR NOT NULL,
    user_name VARCHAR NOT NULL, decided_at TIMESTAMP NOT NULL, note VARCHAR
)
"""


class JudgementError(InvalidInput):
    """A judgement names an unknown mention or decision."""


@dataclass(frozen=True, order=True)
class MentionRef:
    """A mention by its table, record key and role: ``police_reports:R-1:victim``."""

    table_name: str
    record_key: str
    role: str

    @classmethod
    def parse(cls, text: str) -> MentionRef:
        table, sep, rest = text.strip().partition(":")
        key, sep2, role = rest.rpartition(":")
        if not (sep and sep2 and table and key and role):
            raise JudgementError(f"mention {text!r}: expected TABLE:KEY:ROLE, e.g. police_reports:R-1:victim")
        return cls(table, key, role)

    def __str__(self) -> str:
        return f"{self.table_name}:{self.record_key}:{self.role}"


@dataclass(frozen=True)
class Judgement:
    """One stored decision on a pair of mentions."""

    left: MentionRef
    right: MentionRef
    decision: str
    user_name: str
    decided_at: datetime
    note: str | None = None


def ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``_link_judgements`` if it does not exist."""
    con.execute(_CREATE)


def mention_kind(con: duckdb.DuckDBPyConnection, ref: MentionRef) -> str:
    """The kind of a mention of the last link run; unknown mentions raise ``JudgementError``."""
    if not probes.has_table(con, "_link_input"):
        raise JudgementError("no linkage yet: run `procura link` first")
    row = con.execute(
        "SELECT kind FROM _link_input WHERE table_name = ? AND record_key = ? AND role = ?",
        [ref.table_name, ref.record_key, ref.role],
    ).fetchone()
    if row is None:
        raise JudgementError(f"mention {ref}: no such mention in the last link run")
    return str(row[0])


def record(
    con: duckdb.DuckDBPyConnection, a: MentionRef, b: MentionRef, decision: str, user: str,
    note: str | None = None,
) -> Judgement:
    """Store a decision on the pair (a, b); it takes effect on the next ``procura link``."""
    if decision not in DECISIONS:
        raise JudgementError(f"decision {decision!r}: must be one of {', '.join(DECISIONS)}")
    if not user.strip():
        raise JudgementError("user: a judgement needs the reviewer's name")
    if a == b:
        raise JudgementError(f"mention {a}: a pair needs two different mentions")
    kinds = {mention_kind(con, a), mention_kind(con, b)}
    if len(kinds) > 1 and decision == "same":
        raise JudgementError(f"mentions {a} and {b}: a person and an organisation cannot be the same")
    left, right = sorted((a, b))
    ensure_table(con)
    judgement = Judgement(left, right, decision, user.strip(), clock.utcnow().replace(tzinfo=None), note)
    con.execute(
        "INSERT INTO _link_judgements VALUES (?, ?, ?, ?, ?, ?)",
        [str(left), str(right), decision, judgement.user_name, judgement.decided_at, note],
    )
    return judgement


def latest(con: duckdb.DuckDBPyConnection) -> list[Judgement]:
    """The latest judgement of every judged pair, oldest first."""
    ensure_table(con)
    rows = con.execute(
        "SELECT left_ref, right_ref, decision, user_name, decided_at, note FROM ("
        "  SELECT *, row_number() OVER (PARTITION BY left_ref, right_ref ORDER BY decided_at DESC,"
        "         rowid DESC) AS r FROM _link_judgements) WHERE r = 1 ORDER BY decided_at"
    ).fetchall()
    return [
        Judgement(MentionRef.parse(lr), MentionRef.parse(rr), d, u, t, n) for lr, rr, d, u, t, n in rows
    ]
