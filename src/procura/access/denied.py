"""Denied attempts in the audit log, rate-limited per user and address (ADR 0562).

A 403 or 404 on a lead, or a refused unmasking, is written as one
``access.denied`` entry in its own transaction (the request's own work is
rolled back). Probing must not flood the log: at most ``per_minute`` entries
per user and address in a minute; the next entry written counts those left out.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from procura.access import audit
from procura.access.orm import AuditEntry
from procura.access.principal import Principal
from procura.clock import utcnow
from procura.db import session_scope

PER_MINUTE = 10


class Limiter(Protocol):
    """Admits an attempt of a (user, address) key: None when left out, else how many were before it."""

    def admit(self, key: tuple[str, str]) -> int | None: ...


class DeniedLimiter:
    """Per key (user, address), how many entries this minute and how many were left out."""

    def __init__(self, per_minute: int = PER_MINUTE, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._lock = threading.Lock()
        self._windows: dict[tuple[str, str], tuple[float, int, int]] = {}

    def admit(self, key: tuple[str, str]) -> int | None:
        """None when this attempt is left out; else how many were left out before it."""
        now = self.clock()
        with self._lock:
            start, written, skipped = self._windows.get(key, (now, 0, 0))
            if now - start >= 60:
                start, written = now, 0
            if written >= self.per_minute:
                self._windows[key] = (start, written, skipped + 1)
                return None
            self._windows[key] = (start, written + 1, 0)
            return skipped


class AuditLogLimiter:
    """The same limit for short-lived processes (each CLI command): counted in the log itself.

    At most ``per_minute`` ``access.denied`` entries of the (user, address) in
    the last minute; the ones left out are not counted (no process outlives them).
    """

    def __init__(self, factory: sessionmaker[Session], per_minute: int = PER_MINUTE) -> None:
        self.factory = factory
        self.per_minute = per_minute

    def admit(self, key: tuple[str, str]) -> int | None:
        user, ip = key
        with session_scope(self.factory) as session:
            recent = session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(
                    AuditEntry.action == "access.denied",
                    AuditEntry.actor == user,
                    AuditEntry.ip == ip,
                    AuditEntry.at >= utcnow() - timedelta(minutes=1),
                )
            )
        return None if (recent or 0) >= self.per_minute else 0


def record_denied(
    factory: sessionmaker[Session],
    limiter: Limiter,
    principal: Principal | None,
    ip: str,
    what: str,
    details: dict[str, object],
) -> bool:
    """Write one ``access.denied`` entry unless the limiter leaves it out; True when written."""
    user = principal.username if principal else "anonymous"
    skipped = limiter.admit((user, ip))
    if skipped is None:
        return False
    with session_scope(factory) as session:
        audit.record(
            session,
            principal,
            "access.denied",
            "request",
            what[:64],
            ip=ip,
            details={**details, "left_out_before": skipped},
        )
    return True
