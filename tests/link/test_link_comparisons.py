"""The pre-filtered comparison levels select exactly the pairs of the plain edit distance (ADR 0114)."""

from __future__ import annotations

import datetime as dt

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from procura.link.model import _date_edits, _edits

_text = st.text(alphabet="0123456789X张王李伟芳", max_size=20)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_text, _text), min_size=1, max_size=60), st.integers(1, 3))
def test_pigeonhole_filter_keeps_every_pair_within_the_distance(pairs: list[tuple[str, str]], k: int) -> None:
    con = duckdb.connect()
    # Near pairs too: b as a with up to three edits, so both outcomes are exercised.
    rows = [*pairs, *((a, a[1:] + "7") for a, _ in pairs), *((a, a[:3] + "9" + a[4:]) for a, _ in pairs)]
    got = con.execute(
        f"SELECT list(({_edits('a', 'b', k)}) IS TRUE ORDER BY i), list(levenshtein(a, b) <= {k} ORDER BY i) "
        "FROM (SELECT unnest(?) AS a, unnest(?) AS b, unnest(range(?)) AS i)",
        [[a for a, _ in rows], [b for _, b in rows], len(rows)],
    ).fetchall()
    assert got[0][0] == got[0][1]


_dates = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_dates, _dates), min_size=1, max_size=60), st.integers(1, 2))
def test_date_filter_keeps_every_pair_within_the_distance(
    pairs: list[tuple[dt.date, dt.date]], k: int
) -> None:
    con = duckdb.connect()
    near = [(a, a.replace(day=min(a.day + 9, 28) if a.day < 20 else a.day - 10)) for a, _ in pairs]
    rows = [*pairs, *near, *((a, a.replace(year=max(1, a.year - 10))) for a, _ in pairs)]
    sql = _date_edits(k).replace("birth_date_l", "l").replace("birth_date_r", "r")
    got = con.execute(
        f"SELECT list(({sql}) IS TRUE ORDER BY i), "
        f"list(levenshtein(CAST(l AS VARCHAR), CAST(r AS VARCHAR)) <= {k} ORDER BY i) "
        "FROM (SELECT unnest(?) AS l, unnest(?) AS r, unnest(range(?)) AS i)",
        [[a for a, _ in rows], [b for _, b in rows], len(rows)],
    ).fetchall()
    assert got[0][0] == got[0][1]


def test_date_filter_binds_for_untyped_nulls_and_text() -> None:
    """Splink's score_pair passes a missing date as an untyped NULL; FEBRL-like data may bring text."""
    con = duckdb.connect()
    sql = _date_edits(2)
    assert con.execute(f"SELECT ({sql}) IS TRUE FROM (SELECT NULL AS birth_date_l, NULL AS birth_date_r)"
                       ).fetchall() == [(False,)]
    rows = [("19900105", "19900150"), ("1990-01-05", "1991-11-05"), ("19900105", "20011231")]
    got = con.execute(
        f"SELECT list(({sql}) IS TRUE), list(levenshtein(birth_date_l, birth_date_r) <= 2) "
        "FROM (SELECT unnest(?) AS birth_date_l, unnest(?) AS birth_date_r)",
        [[a for a, _ in rows], [b for _, b in rows]],
    ).fetchall()
    assert got[0][0] == got[0][1] == [True, True, False]
