"""The authorization matrix: every role x office relation x endpoint -> allowed or denied.

Users sit in the office handling the lead (``own``), in the same office but
another department (``own_other_dept``), in an office below it (``child``),
beside it (``sibling``) or above it (``parent``). The expected table is
written from docs/api.md and spec/workflow.md, independently of the code:

- reading a lead: handler, department head, chief and analyst of an office
  whose jurisdiction holds the lead (own office, any department, or above);
- triage, measures, responses, closing, unmasking and documents: case workers
  (handler, department head, chief) of the handling office and department;
  once a lead has a handler, no other handler; the chief covers every department;
- assigning, transferring, escalating and designating: department heads and
  the chief of the handling office;
- model statistics: analysts and heads, over their own jurisdiction;
- the audit log: auditors read it, auditors and admins verify it; users:
  admins within their jurisdiction.

A denial is 401/403/404; anything else (409, 422, 500) fails the test, so a
wrongly prepared lead cannot pass for a denial.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from api_world import LEAD_OFFICE, RELATIONS, World, username

from procura.access.principal import ROLES

RELS = tuple(RELATIONS)
VISIBLE = ("own", "own_other_dept", "parent")
READERS = ("handler", "department_head", "chief", "analyst")
CASE_WORKERS = ("handler", "department_head", "chief")
HEADS = ("department_head", "chief")
Cells = frozenset[tuple[str, str]]


def cells(roles: tuple[str, ...], rels: tuple[str, ...]) -> Cells:
    return frozenset(itertools.product(roles, rels))


READ = cells(READERS, VISIBLE)
CASE = cells(CASE_WORKERS, ("own",)) | {("chief", "own_other_dept")}
HEAD = cells(HEADS, ("own",)) | {("chief", "own_other_dept")}
EVERYONE = cells(ROLES, RELS)
_new_users = itertools.count(1)
STATS_MODEL = "matrix-stats"
DOSSIER = "case_handling: 移送卷宗 dossier to court"
VERIFY = "review: 核实身份 verify identity"


def _has_lead(body: Any, lead: str) -> bool:
    return any(item["id"] == lead for item in body["items"])


def _counts_the_model(body: Any, lead: str) -> bool:
    return any(item["model_id"] == STATS_MODEL and item["leads"] for item in body)


def _has_target_user(body: Any, lead: str) -> bool:
    return any(item["username"] == "target_user" for item in body)


@dataclass(frozen=True)
class Endpoint:
    """One endpoint, the lead state it needs, and who may call it."""

    name: str
    method: str
    path: str
    allowed: Cells
    state: str | None = "investigating"
    consumes: bool = False
    body: Callable[[], dict[str, Any]] | None = None
    params: dict[str, Any] = field(default_factory=dict)
    visible: Callable[[Any, str], bool] | None = None
    model: str = "unfiled-online-defamation"


ENDPOINTS = (
    Endpoint("list leads", "GET", "/leads", READ, params={"limit": 500}, visible=_has_lead),
    Endpoint("get lead", "GET", "/leads/{lead}", READ),
    Endpoint("history", "GET", "/leads/{lead}/history", READ),
    Endpoint("evidence", "GET", "/leads/{lead}/evidence", READ),
    Endpoint("bundle", "GET", "/leads/{lead}/bundle", READ),
    Endpoint(
        "bundle in clear", "POST", "/leads/{lead}/bundle", CASE, body=lambda: {"purpose": DOSSIER}
    ),
    Endpoint(
        "triage accept", "POST", "/leads/{lead}/triage", CASE, "new", True, lambda: {"decision": "accept"}
    ),
    Endpoint(
        "dismiss", "POST", "/leads/{lead}/dismiss", CASE, "new", True, lambda: {"reason": "false_match"}
    ),
    Endpoint(
        "assign", "POST", "/leads/{lead}/assign", HEAD, "accepted", True, lambda: {"handler": "handler_own"}
    ),
    Endpoint(
        "transfer", "POST", "/leads/{lead}/transfer", HEAD, "accepted", True, lambda: {"department": "civil"}
    ),
    Endpoint(
        "spawn",
        "POST",
        "/leads/{lead}/spawn",
        CASE,
        "investigating",
        True,
        lambda: {"department": "public_interest"},
    ),
    Endpoint("escalate", "POST", "/leads/{lead}/escalate", HEAD, "accepted", True, dict),
    Endpoint(
        "designate", "POST", "/leads/{lead}/designate", HEAD, "new", True, lambda: {"office": "330106-county"}
    ),
    Endpoint(
        "measure",
        "POST",
        "/leads/{lead}/measures",
        CASE,
        "investigating",
        True,
        lambda: {"kind": "case_filing_notice"},
    ),
    Endpoint(
        "response",
        "POST",
        "/leads/{lead}/responses",
        CASE,
        "awaiting_response",
        True,
        lambda: {"rectified": True},
    ),
    Endpoint("close", "POST", "/leads/{lead}/close", CASE, "rectified", True, dict),
    Endpoint(
        "unmask", "POST", "/leads/{lead}/unmask", CASE, body=lambda: {"purpose": VERIFY}
    ),
    Endpoint("document", "GET", "/leads/{lead}/documents/auto", CASE, params={"format": "docx"}),
    Endpoint(
        "model stats",
        "GET",
        "/models/stats",
        cells(("analyst", *HEADS), VISIBLE),
        visible=_counts_the_model,
        model=STATS_MODEL,
    ),
    Endpoint("audit log", "GET", "/audit", cells(("auditor",), RELS), None),
    Endpoint("audit verify", "GET", "/audit/verify", cells(("auditor", "admin"), RELS), None),
    Endpoint("list users", "GET", "/users", cells(("admin",), VISIBLE), None, visible=_has_target_user),
    Endpoint(
        "add user",
        "POST",
        "/users",
        cells(("admin",), VISIBLE),
        None,
        body=lambda: {
            "username": f"new_user_{next(_new_users)}",
            "password": "long-enough-1",
            "office_id": LEAD_OFFICE,
            "department": "criminal",
            "role": "handler",
        },
    ),
    Endpoint("get user", "GET", "/users/target_user", cells(("admin",), VISIBLE), None),
    Endpoint(
        "enable user",
        "PATCH",
        "/users/target_user",
        cells(("admin",), VISIBLE),
        None,
        body=lambda: {"active": True},
    ),
    Endpoint("offices", "GET", "/offices", EVERYONE, None, params={"under": LEAD_OFFICE, "depth": 1}),
    Endpoint("me", "GET", "/auth/me", EVERYONE, None),
    Endpoint("model catalogue", "GET", "/models", EVERYONE, None),
    Endpoint("document kinds", "GET", "/documents/kinds", EVERYONE, None),
)
MATRIX_SIZE = len(ENDPOINTS) * len(ROLES) * len(RELS)


def test_the_matrix_covers_every_endpoint_role_and_office_relation() -> None:
    assert MATRIX_SIZE == 29 * 6 * 5 == 870
    assert len({e.name for e in ENDPOINTS}) == len(ENDPOINTS)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_authorization_matrix(world: World, endpoint: Endpoint) -> None:
    lead = world.lead(endpoint.state, model_id=endpoint.model) if endpoint.state else ""
    observed: dict[tuple[str, str], str] = {}
    problems: list[str] = []
    for role, rel in itertools.product(ROLES, RELS):
        path = endpoint.path.format(lead=lead)
        response = world.call(
            endpoint.method,
            path,
            username(role, rel),
            json=endpoint.body() if endpoint.body else None,
            params=endpoint.params,
        )
        status = response.status_code
        if status in (200, 201, 204):
            shown = endpoint.visible is None or endpoint.visible(response.json(), lead)
            observed[role, rel] = "allow" if shown else "deny"
            if shown and endpoint.consumes:
                lead = world.lead(endpoint.state or "new", model_id=endpoint.model)
        elif status in (401, 403, 404):
            observed[role, rel] = "deny"
            # Out of jurisdiction, a lead reader learns nothing: not even that the lead exists.
            on_lead = "{lead}" in endpoint.path
            if on_lead and rel in ("child", "sibling") and role in READERS and status != 404:
                problems.append(f"{role}/{rel}: {status} instead of 404")
        else:
            problems.append(f"{role}/{rel}: unexpected {status} {response.text[:200]}")
    expected = {cell: ("allow" if cell in endpoint.allowed else "deny") for cell in observed}
    wrong = sorted(
        f"{role}/{rel}: expected {expected[role, rel]}, got {observed[role, rel]}"
        for role, rel in observed
        if observed[role, rel] != expected[role, rel]
    )
    assert not problems, problems
    assert not wrong, wrong
    assert len(observed) == len(ROLES) * len(RELS)
