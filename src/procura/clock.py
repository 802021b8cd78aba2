"""The one clock: Beijing time for dates people see, UTC for stored moments.

Procuratorates keep Beijing time, so "today" (deadlines, overdue checks, the
age of a minor, a document's issue date) is the date in Asia/Shanghai whatever
the host's time zone. Stored moments are aware UTC: SQLite hands back naive
datetimes and PostgreSQL aware ones; ``as_utc`` makes both aware UTC so expiry
checks and audit hashes agree on every database. Every layer may import this
module; nothing else reads the host clock.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

# Procuratorates keep Beijing time: deadlines and "today" are dates there.
OFFICE_TZ = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    """The current moment, aware, in Beijing time."""
    return datetime.now(OFFICE_TZ)


def utcnow() -> datetime:
    """The current time, aware UTC."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in Beijing time (deadlines, overdue checks)."""
    return datetime.now(OFFICE_TZ).date()


def local_date(value: datetime) -> date:
    """The Beijing-time date of a moment."""
    return as_utc(value).astimezone(OFFICE_TZ).date()


def as_utc(value: datetime) -> datetime:
    """``value`` as aware UTC (naive values are taken as UTC)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def stamp(value: datetime) -> str:
    """A canonical text form of a time, to microseconds (used in hashes)."""
    return as_utc(value).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
