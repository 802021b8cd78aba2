"""Response deadlines of measures, from settings (``"2M"`` months, ``"7D"`` days)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from procura.config import Settings
from procura.errors import InvalidInput


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clipped to the month's end (31 Jan + 1M = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def parse_period(text: str) -> tuple[int, str]:
    """``"2M"`` -> (2, "M"); ``"7D"`` -> (7, "D"); a InvalidInput otherwise."""
    value = text.strip().upper()
    if len(value) < 2 or value[-1] not in "MD" or not value[:-1].isdigit():
        raise InvalidInput(
            f"measure deadline {text!r}: a number followed by M (months) or D (days)",
            {"field": "measure_deadlines"},
        )
    return int(value[:-1]), value[-1]


def default_deadline(settings: Settings, kind: str, issued: date) -> date | None:
    """The configured response deadline for a measure issued on ``issued``, or None."""
    period = settings.measure_deadlines.get(kind)
    if not period:
        return None
    count, unit = parse_period(period)
    return add_months(issued, count) if unit == "M" else issued + timedelta(days=count)
