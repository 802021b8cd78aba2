"""Time in the operational store: always UTC, comparable across databases.

SQLite hands back naive datetimes and PostgreSQL aware ones; ``as_utc`` makes
both aware UTC so expiry checks and audit hashes agree on every database.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time, aware UTC."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """``value`` as aware UTC (naive values are taken as UTC)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def stamp(value: datetime) -> str:
    """A canonical text form of a time, to microseconds (used in hashes)."""
    return as_utc(value).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
