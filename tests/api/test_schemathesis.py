"""schemathesis over every operation of the API, for several roles (ADR 0575).

Each role signs in and schemathesis generates requests for every operation of
``/api/v1/openapi.json`` (examples, coverage of boundaries and unsupported
methods, random fuzzing), bounded so the whole run stays within about a minute.
Every answer must pass schemathesis's checks: no 5xx, the body matches the
documented response schema, the status code is documented for the operation
(every 4xx the API can return is listed), the content type is documented, and a
405 carries ``Allow``.

Generated path parameters rarely name anything real, so part of the cases get a
real lead, user, model or document kind substituted (chosen from the
generated value, so Hypothesis still shrinks and replays deterministically).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import schemathesis
from api_world import PASSWORD, World, build_world
from argon2 import PasswordHasher
from ops_fixtures import PgStore, postgres_database
from schemathesis.checks import load_all_checks
from schemathesis.core.result import Ok
from schemathesis.pytest.lazy import get_all_tests

from procura.access import auth
from procura.config import Settings
from procura.web import create_app

# Roles the run signs in as: a county handler, a city chief, an analyst, an admin, an auditor.
ROLES = ("handler_child", "chief_own", "analyst_own", "admin_own", "auditor_own")
MAX_EXAMPLES = 5
# The coverage phase (every boundary value, missing and invalid auth, every unsupported
# method) runs for one role; the others get random fuzzing only.
COVERAGE_ROLE = "chief_own"
# On PostgreSQL (issue 10 item 7: at least three roles), random fuzzing only, to bound the time:
# a handler below the lead's office, a chief (unmasking, measures) and an admin (users).
POSTGRES_ROLES = ("handler_child", "chief_own", "admin_own")


def _pick(value: object, choices: list[str]) -> str | None:
    """A real value for about two thirds of the generated ones (deterministic in the value)."""
    digest = hashlib.sha256(repr(value).encode()).digest()
    if digest[0] % 3 == 0 or not choices:
        return None
    return choices[digest[1] % len(choices)]


@contextmanager
def _fuzz_world(settings: Settings, store: PgStore | None = None) -> Iterator[World]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        world = build_world(settings, *((store.factory, store.system) if store else ()))
        world.leads = [  # type: ignore[attr-defined]
            world.lead(state)
            for state in ("new", "accepted", "investigating", "awaiting_response", "rectified")
        ] + [world.lead("new", office="330106-county")]
        yield world


@pytest.fixture(scope="module")
def fuzz_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with _fuzz_world(Settings(home=tmp_path_factory.mktemp("api-schemathesis"))) as world:
        yield world


@pytest.fixture(scope="module")
def pg_fuzz_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The same world on PostgreSQL, used through the non-owner app role under row-level security."""
    settings = Settings(home=tmp_path_factory.mktemp("api-schemathesis-pg"))
    with postgres_database(settings) as store, _fuzz_world(settings, store) as world:
        yield world


def _run(world: World, role: str, coverage: bool) -> dict[str, str]:
    """Every operation's generated cases as ``role``; the failures by operation."""
    config = schemathesis.Config.from_dict(
        {
            "generation": {"max-examples": MAX_EXAMPLES, "database": "none"},
            "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
            "headers": {"Authorization": f"Bearer {world.tokens[role]}"},
            "request-timeout": 120,  # a PDF under a loaded CI machine is slow, not an error
            # One unsupported method per path is enough to see the 405 and its Allow.
            "phases": {"coverage": {"enabled": coverage, "unexpected-methods": ["options", "put"]}},
            # The schema types a field as a string where the service wants one of a
            # vocabulary (department, office, measure kind, purpose): such a
            # request is refused with a documented 422, not accepted (ADR 0575).
            "checks": {"positive_data_acceptance": {"enabled": False}},
        }
    )
    # The app `procura serve` runs: the API with the workbench's error handlers in front.
    app = create_app(world.settings, world.sessions)
    # Loaded from the app object, not over HTTP: a loaded machine may take seconds to build it.
    schema = schemathesis.openapi.from_dict(app.openapi(), config=config)
    schema.app = app
    load_all_checks()
    leads: list[str] = world.leads  # type: ignore[attr-defined]
    substitutes = {
        "lead_id": leads,
        # Never one of the roles signed in here: an admin's PATCH could disable them.
        "username": [name for name in world.tokens if name not in ROLES],
        "model_id": ["unfiled-online-defamation", "minor-victim-no-support"],
        "kind": ["auto", "case_filing_notice", "procuratorial_suggestion"],
    }

    def check(case: schemathesis.Case) -> None:
        params = case.path_parameters or {}
        for name, choices in substitutes.items():
            if name in params:
                real = _pick(params[name], choices)
                if real is not None:
                    params[name] = real
        alerts = case.operation.path.endswith("/trends/alerts")
        if alerts and not (case.query or {}).get("series") and _pick(case.query, ["police_reports"]):
            # Alerts over every series take seconds each: most cases name one series.
            case.query = {**(case.query or {}), "series": ["police_reports"]}
        headers = case.headers or {}
        if case.operation.path.endswith("/auth/logout") and world.tokens[role] in headers.get(
            "Authorization", ""
        ):
            # Signing out would end the session every later case uses: sign out a fresh one.
            headers["Authorization"] = f"Bearer {_fresh_token(world, role)}"
        case.call_and_validate()

    failures: dict[str, str] = {}
    for result in get_all_tests(schema=schema, test_func=check, settings=None, given_kwargs={}):
        if not isinstance(result, Ok):
            failures[str(result.err())] = "invalid schema"
            continue
        operation, test = result.ok()
        try:
            test()
        except (Exception, BaseExceptionGroup) as exc:
            failures[operation.label] = _describe(exc)[:4000]
    return failures


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_conforms(fuzz_world: World, role: str) -> None:
    failures = _run(fuzz_world, role, coverage=role == COVERAGE_ROLE)
    assert not failures, "\n\n".join(f"{label}\n{text}" for label, text in failures.items())


@pytest.mark.postgres
@pytest.mark.parametrize("role", POSTGRES_ROLES)
def test_every_operation_conforms_on_postgres(pg_fuzz_world: World, role: str) -> None:
    """Random fuzzing on PostgreSQL: the database's own errors (RLS refusals, privileges,
    constraint and type errors a SQLite store never raises) must never become a 5xx."""
    failures = _run(pg_fuzz_world, role, coverage=False)
    assert not failures, "\n\n".join(f"{label}\n{text}" for label, text in failures.items())


def _describe(exc: BaseException) -> str:
    if isinstance(exc, BaseExceptionGroup):
        return "\n".join(_describe(inner) for inner in exc.exceptions)
    return f"{type(exc).__name__}: {exc}"


def _fresh_token(world: World, role: str) -> str:
    response = world.call("POST", "/auth/login", None, json={"username": role, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])
