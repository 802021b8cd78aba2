"""Truly malformed rows (about 0.5%): values no normalizer can repair.

Only background rows are spoiled, so quarantining them changes no model's
answer; each is listed in the truth file with file, row, field and reason.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SHARE = 0.005
# table -> [(field, bad value, reason)]
SPOILERS: dict[str, list[tuple[str, str, str]]] = {
    "police_reports": [
        ("received_at", "2025-02-30", "impossible date"),
        ("region_code", "3301", "region code of 4 digits"),
        ("offense_type", "", "required field empty"),
        ("filed", "也许", "not a boolean"),
    ],
    "criminal_cases": [
        ("region_code", "33O106", "region code with a letter O"),
        ("charge", "", "required field empty"),
        ("decision_date", "2024-13-01", "month 13"),
    ],
    "criminal_case_victims": [
        ("loss_amount", "约一万", "not an amount"),
        ("victim_birth_date", "1990-02-30", "impossible date"),
    ],
    "admin_penalties": [
        ("decided_at", "上周三", "not a date"),
        ("transferred", "unknown", "not a boolean"),
        ("party_type", "", "required field empty"),
    ],
    "medical_visits": [
        ("visit_date", "2024/02/31", "impossible date"),
        ("icd10", "", "required field empty"),
        ("region_code", "33010", "region code of 5 digits"),
    ],
    "court_cases": [("case_type", "", "required field empty"), ("filed_at", "2025-00-10", "month 0")],
    "court_parties": [("role", "", "required field empty")],
    "app_reports": [("reported_at", "20251345", "not a date"), ("issue_type", "", "required field empty")],
    "platform_orders": [
        ("ordered_at", "2025-02-29 10:00:00", "29 February in a common year"),
        ("paid_price", "abc", "not an amount"),
    ],
}


def choose(table: str, background: np.ndarray, rng: np.random.Generator) -> list[tuple[int, str, str, str]]:
    """Rows to spoil: (row index, field, bad value, reason), from background rows only."""
    candidates = np.flatnonzero(background)
    n = max(1, round(SHARE * len(background)))
    if len(candidates) == 0:
        return []
    rows = np.sort(rng.choice(candidates, size=min(n, len(candidates)), replace=False))
    spoilers = SPOILERS[table]
    picks = rng.integers(0, len(spoilers), size=len(rows))
    return [(int(row), *spoilers[pick]) for row, pick in zip(rows, picks, strict=True)]


def apply(text: pd.DataFrame, spoiled: list[tuple[int, str, str, str]]) -> None:
    """Write the bad values into the rendered table."""
    for row, field, value, _reason in spoiled:
        text.iat[row, text.columns.get_loc(field)] = value
