"""Record keys: a row's primary-key values joined by ``|``, in SQL and in Python.

``mentions.record_key`` and a lead's ``anchor_keys`` (``table:key``) use this
form; a model's evidence reference carries the same values as a dict by column.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from procura.warehouse.schema import q

SEPARATOR = "|"


def key_sql(columns: Sequence[str], alias: str = "") -> str:
    """SQL for a row's record key from ``columns`` (NULL parts are skipped)."""
    prefix = f"{alias}." if alias else ""
    parts = ", ".join(f"CAST({prefix}{q(c)} AS VARCHAR)" for c in columns)
    return f"concat_ws('{SEPARATOR}', {parts})"


def join_key(values: Iterable[Any]) -> str:
    """The record key of these primary-key values."""
    return SEPARATOR.join(str(v) for v in values)


def key_of(key: Mapping[str, Any]) -> str:
    """The record key of an evidence reference's key dict (its values in order)."""
    return join_key(key.values())


def split_key(columns: Sequence[str], record_key: str) -> dict[str, str] | None:
    """``{column: value}`` of a record key, or None when the parts do not fit ``columns``."""
    parts = str(record_key).split(SEPARATOR)
    if len(parts) != len(columns):
        return None
    return dict(zip(columns, parts, strict=True))
