"""The queue's total, counted once per jurisdiction and filter for a few seconds (ADR 0566).

Counting a jurisdiction's leads reads every lead row the filters leave (and,
on PostgreSQL, evaluates the row-security predicate on each): it cost more
than the page itself. Totals are kept per *scope* — the database, the
principal's office (what the jurisdiction and row security depend on), system
or not, the filters and the day — for ``TTL`` seconds, so two hundred users of
a dozen offices cost a dozen counts every few seconds, not two hundred.

A commit in this process that changed leads or their workflow (a new lead, a
transfer, an action, a measure, a renamed handler …) empties the cache at
once, so a user sees their own change in the total. A change made by another
process (a second ``serve`` worker, a model run) shows within ``TTL``
seconds. The page's rows are never cached: only the number above them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

from sqlalchemy import Connection, Engine, event

from procura.access.orm import User
from procura.leads.orm import Lead
from procura.workflow.orm import LeadEvent, LeadLink, LeadWork, Measure

TTL = 5.0
# Rows whose change can change a queue total (filters by status, office, department, stage, handler …).
COUNTED = (Lead, LeadWork, LeadEvent, Measure, LeadLink, User)
COUNTED_TABLES = frozenset(c.__tablename__ for c in COUNTED)
# Execution option of a write that leaves every total unchanged (the first read's workflow row).
UNCHANGED = "procura_counts_unchanged"
_DIRTY = "procura_counts_dirty"


class CountCache:
    """Totals by scope key, each for ``ttl`` seconds; ``clear`` drops them all."""

    def __init__(self, ttl: float = TTL, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        self._lock = threading.Lock()
        self._totals: dict[Hashable, tuple[float, int, int]] = {}
        self._generation = 0

    def get(self, key: Hashable, count: Callable[[], int]) -> int:
        """The cached total of ``key``, or ``count()`` (stored unless the cache was cleared meanwhile)."""
        now = self.clock()
        with self._lock:
            found = self._totals.get(key)
            generation = self._generation
        if found is not None and found[0] > now and found[1] == generation:
            return found[2]
        total = count()
        with self._lock:
            if self._generation == generation:
                if len(self._totals) > 10_000:  # many distinct filters: start over rather than grow
                    self._totals.clear()
                self._totals[key] = (now + self.ttl, generation, total)
        return total

    def clear(self) -> None:
        with self._lock:
            self._generation += 1
            self._totals.clear()


totals = CountCache()


@event.listens_for(Engine, "after_execute")
def _note_write(
    conn: Connection, statement: Any, _multi: Any, _params: Any, options: Any, _result: Any
) -> None:
    """A write to a counted table (ORM flush, bulk or Core statement) marks the connection's transaction."""
    if not getattr(statement, "is_dml", False):
        return
    if options.get(UNCHANGED) or statement._execution_options.get(UNCHANGED):
        return
    if getattr(getattr(statement, "table", None), "name", None) in COUNTED_TABLES:
        conn.info[_DIRTY] = True


@event.listens_for(Engine, "commit")
def _clear_after_change(conn: Connection) -> None:
    if conn.info.pop(_DIRTY, False):
        totals.clear()


@event.listens_for(Engine, "rollback")
def _forget_change(conn: Connection) -> None:
    conn.info.pop(_DIRTY, None)
