"""Authorization matrix of the service layer: role x office relation x operation -> allowed or denied."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from ops_fixtures import make_lead, make_user  # on sys.path via tests/access/conftest.py
from sqlalchemy.orm import Session

from procura.access.principal import ROLES
from procura.config import Settings
from procura.errors import Forbidden, NotFound
from procura.workflow import dossier, feedback, queries, service

LEAD_OFFICE = "330100-city"
# Where the acting user sits relative to the lead's office (Hangzhou city).
RELATIONS = {
    "own": "330100-city",
    "parent": "330000-province",
    "child": "330110-county",
    "sibling": "330200-city",
}
# Cells: "y" allowed, "n" denied; per operation the columns are own, parent, child, sibling office.
# "stats" = the lead is counted in the user's model statistics; "unmask" is asked on a lead with
# no handler yet (so only heads of its department and the chief qualify).
MATRIX = """
role             read:o p c s  accept:o p c s  assign:o p c s  escalate:o p c s  unmask:o p c s  stats:o p c s
handler               y y n n         y n n n         n n n n           n n n n         n n n n        n n n n
department_head       y y n n         y n n n         y n n n           y n n n         y n n n        y y n n
chief                 y y n n         y n n n         y n n n           y n n n         y n n n        y y n n
analyst               y y n n         n n n n         n n n n           n n n n         n n n n        y y n n
auditor               n n n n         n n n n         n n n n           n n n n         n n n n        n n n n
admin                 n n n n         n n n n         n n n n           n n n n         n n n n        n n n n
"""
OPS = ("read", "accept", "assign", "escalate", "unmask", "stats")


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
def test_authorization(
    db: Session, settings: Settings, role: str, op: str, relation: str, allowed: bool
) -> None:
    make_lead(db, "L-1", office=LEAD_OFFICE, status="accepted" if op in ("assign", "escalate") else "new")
    make_user(db, "worker", LEAD_OFFICE, "criminal", "handler")
    who = make_user(db, "someone", RELATIONS[relation], "criminal", role)
    actions: dict[str, Callable[[], object]] = {
        "read": lambda: queries.get_lead(db, who, "L-1"),
        "accept": lambda: service.triage(db, who, "L-1", "accept"),
        "assign": lambda: service.assign(db, who, "L-1", "worker"),
        "escalate": lambda: service.escalate(db, who, "L-1"),
        "unmask": lambda: dossier.unmask(db, settings, who, "L-1", "review: check the record"),
        "stats": lambda: [r.leads for r in feedback.model_stats(db, who)],
    }
    if op == "stats" and role in ("analyst", "department_head", "chief"):
        # Stats are readable; "allowed" means the lead is counted.
        assert actions[op]() == ([1] if allowed else [])
    elif allowed:
        actions[op]()
    else:
        with pytest.raises((Forbidden, NotFound)):
            actions[op]()
