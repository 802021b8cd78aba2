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

from sqlalchemy.orm import Session, sessionmaker

from procura.access import audit
from procura.access.principal import Principal
from procura.db import session_scope


class DeniedLimiter:
    """Per key (user, address), how many entries this minute and how many were left out."""

    def __init__(self, per_minute: int = 10, clock: Callable[[], float] = time.monotonic) -> None:
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


def record_denied(
    factory: sessionmaker[Session],
    limiter: DeniedLimiter,
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
