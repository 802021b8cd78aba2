"""Time in the operational store: always UTC, comparable across databases.

SQLite hands back naive datetimes and PostgreSQL aware ones; ``as_utc`` makes
both aware UTC so expiry checks and audit hashes agree on every database.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

# Procuratorates keep Beijing time: deadlines and "today" are dates there.
OFFICE_TZ = ZoneInfo("Asia/Shanghai")


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
