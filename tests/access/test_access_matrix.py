"""Authorization matrix of the service layer: role x office relation x operation -> allowed or denied."""

from __future__ import annotations

import pytest
from ops_fixtures import make_lead, make_user  # on sys.path via tests/access/conftest.py
from sqlalchemy.orm import Session

from procura.access.errors import Forbidden, NotFound
from procura.access.principal import ROLES
from procura.workflow import feedback, queries, service

LEAD_OFFICE = "330100-city"
# Where the acting user sits relative to the lead's office (Hangzhou city).
RELATIONS = {
    "own": "330100-city",
    "parent": "330000-province",
    "child": "330110-county",
    "sibling": "330200-city",
}
# Cells: "y" allowed, "n" denied; per operation the columns are own, parent, child, sibling office.
# "stats" = the lead is counted in the user's model statistics.
MATRIX = """
role             read:o p c s  accept:o p c s  stats:o p c s
handler               y y n n         y n n n        n n n n
department_head       y y n n         y n n n        y y n n
chief                 y y n n         y n n n        y y n n
analyst               y y n n         n n n n        y y n n
auditor               n n n n         n n n n        n n n n
admin                 n n n n         n n n n        n n n n
"""
OPS = ("read", "accept", "stats")


def _cases() -> list[tuple[str, str, str, bool]]:
    rows = [line.split() for line in MATRIX.strip().splitlines()[1:]]
    cases = []
    for row in rows:
        cells = iter(c for c in row[1:] if c in ("y", "n"))
        for op in OPS:
            for relation in RELATIONS:
                cases.append((row[0], op, relation, next(cells) == "y"))
    return cases


CASES = _cases()


def test_the_matrix_covers_every_role() -> None:
    assert {c[0] for c in CASES} == set(ROLES) and len(CASES) == len(ROLES) * len(OPS) * len(RELATIONS)


@pytest.mark.parametrize(
    ("role", "op", "relation", "allowed"), CASES, ids=[f"{r}-{o}-{x}" for r, o, x, _ in CASES]
)
def test_authorization(db: Session, role: str, op: str, relation: str, allowed: bool) -> None:
    make_lead(db, "L-1", office=LEAD_OFFICE)
    who = make_user(db, "someone", RELATIONS[relation], "criminal", role)
    if op == "read":
        action = lambda: queries.get_lead(db, who, "L-1")  # noqa: E731
    elif op == "accept":
        action = lambda: service.triage(db, who, "L-1", "accept")  # noqa: E731
    else:
        action = lambda: [r.leads for r in feedback.model_stats(db, who)]  # noqa: E731
    if op == "stats" and role in ("analyst", "department_head", "chief"):
        # Stats are readable; "allowed" means the lead is counted.
        assert action() == ([1] if allowed else [])
    elif allowed:
        action()
    else:
        with pytest.raises((Forbidden, NotFound)):
            action()
