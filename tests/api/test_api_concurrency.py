"""Serving many readers at once (ADR 0566): the audit append at commit, the queue's cached total.

On SQLite and on PostgreSQL (through the non-owner app role): concurrent lead
reads keep one chain that verifies, with one entry per read; a read's entry
is written with its transaction and not before; a rolled back read leaves
none; the queue total follows a change committed in this process at once and
is counted once per jurisdiction and filter otherwise.
"""

from __future__ import annotations

import threading

from api_world import World, username
from sqlalchemy import func, select

from procura.access import audit
from procura.access.auth import authenticate
from procura.access.orm import AuditEntry
from procura.access.principal import Principal
from procura.db import session_scope
from procura.workflow import counts, queries


def _principal(world: World, name: str) -> Principal:
    """The user's principal the way the API finds it: from their session token."""
    with session_scope(world.sessions) as session:
        return authenticate(session, world.settings, world.tokens[name])


def _reads_of(world: World, lead_id: str) -> int:
    with session_scope(world.sessions) as session:
        query = select(func.count()).where(AuditEntry.action == "lead.read", AuditEntry.object_id == lead_id)
        return int(session.execute(query).scalar_one())


def test_concurrent_lead_reads_keep_one_verifiable_chain(world: World) -> None:
    leads = [world.lead() for _ in range(3)]
    chief = _principal(world, username("chief", "own"))
    failures: list[BaseException] = []

    def read(n: int) -> None:
        try:
            for i in range(8):
                with session_scope(world.sessions) as session:
                    queries.get_lead(session, chief, leads[(n + i) % len(leads)])
        except BaseException as exc:  # reported below, not lost in the thread
            failures.append(exc)

    threads = [threading.Thread(target=read, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sum(_reads_of(world, lead) for lead in leads) == 32
    with session_scope(world.sessions) as session:
        report = audit.verify(session)
    assert report.ok, report.problems


def test_a_read_is_audited_in_its_own_transaction_at_commit(world: World) -> None:
    lead = world.lead()
    chief = _principal(world, username("chief", "own"))
    with world.sessions() as session:
        queries.get_lead(session, chief, lead)
        session.flush()
        # Not yet in the chain: the head is locked and the entry written inside commit.
        pending = select(func.count()).where(AuditEntry.object_id == lead, AuditEntry.action == "lead.read")
        assert session.execute(pending).scalar_one() == 0
        session.rollback()  # the read failed later on: no page was sent, no entry stays
    assert _reads_of(world, lead) == 0
    with session_scope(world.sessions) as session:
        queries.get_lead(session, chief, lead)
    assert _reads_of(world, lead) == 1
    with session_scope(world.sessions) as session:
        assert audit.verify(session).ok


def test_a_savepoint_rolled_back_keeps_the_outer_read_audited(world: World) -> None:
    lead = world.lead()
    chief = _principal(world, username("chief", "own"))
    with session_scope(world.sessions) as session:
        queries.get_lead(session, chief, lead)
        with session.begin_nested() as nested:
            nested.rollback()
    assert _reads_of(world, lead) == 1


def test_the_queue_total_follows_a_change_committed_here(world: World) -> None:
    chief = _principal(world, username("chief", "own"))
    with session_scope(world.sessions) as session:
        before = queries.list_leads(session, chief, limit=1).total
    world.lead()  # a new lead in the chief's office, committed by another session
    with session_scope(world.sessions) as session:
        assert queries.list_leads(session, chief, limit=1).total == before + 1


def test_a_first_read_does_not_empty_the_count_cache(world: World) -> None:
    lead = world.lead()
    chief = _principal(world, username("chief", "own"))
    with session_scope(world.sessions) as session:
        queries.list_leads(session, chief, limit=1)
    calls: list[int] = []
    with session_scope(world.sessions) as session:
        queries.get_lead(session, chief, lead)  # creates the lead's workflow row: no total changes
    with session_scope(world.sessions) as session:
        scope_total = queries.list_leads(session, chief, limit=1).total
        key = (
            str(session.get_bind().engine.url),
            chief.office_id,
            False,
            queries.astuple(queries.LeadFilter()),
            queries.clock.today(),
        )
        assert counts.totals.get(key, lambda: calls.append(1) or -1) == scope_total
    assert calls == []


def test_count_cache_keeps_a_total_for_its_ttl_and_drops_all_on_clear() -> None:
    now = [100.0]
    cache = counts.CountCache(ttl=5.0, clock=lambda: now[0])
    counted: list[str] = []

    def count(value: int):  # type: ignore[no-untyped-def]
        return lambda: counted.append("x") or value

    assert cache.get("a", count(7)) == 7
    now[0] += 4.9
    assert cache.get("a", count(8)) == 7  # a change elsewhere shows within the TTL
    now[0] += 0.2
    assert cache.get("a", count(8)) == 8
    cache.clear()
    assert cache.get("a", count(9)) == 9
    assert len(counted) == 3
