"""Formatting noise: every variant the data standard says ingest must accept.

``render`` turns a clean table into the strings an agency would send: canonical
forms for most cells and, for a share of them, one of the accepted variants
(lower-case ``x``, spaces, full-width digits, 15-digit numbers, 12-digit region
codes, the date and money spellings, boolean words, stray spaces in names).
Variants never change a value's meaning after normalization.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from procura.synth.schema import KINDS, PRIMARY_KEYS

FULLWIDTH = str.maketrans(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ"
    "ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ",
)
SHARE = {
    "id_no": 0.15,
    "uscc": 0.12,
    "region": 0.08,
    "date": 0.2,
    "timestamp": 0.1,
    "money": 0.15,
    "bool": 0.35,
    "name": 0.05,
    "phone": 0.08,
}
BOOL_WORDS = {"one": ("1", "0"), "yn": ("Y", "N"), "zh": ("是", "否"), "yesno": ("yes", "no")}
EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def _id_variant(values: pd.Series, variant: str) -> pd.Series:
    if variant == "lower_x":
        return values.str.replace("X", "x", regex=False)
    if variant == "spaces":
        return values.str[:6] + " " + values.str[6:14] + " " + values.str[14:]
    if variant == "hyphens":
        return values.str[:6] + "-" + values.str[6:14] + "-" + values.str[14:]
    if variant == "fullwidth":
        return values.str.translate(FULLWIDTH)
    if variant == "legacy15":
        return values.str[:6] + values.str[8:17]
    if variant == "lower":
        return values.str.lower()
    raise ValueError(f"unknown identifier variant {variant!r}")


def _usable(values: pd.Series, variant: str) -> pd.Series:
    """Where a variant applies (15-digit numbers exist only for people born in the 1900s)."""
    if variant == "legacy15":
        return (values.str.len() == 18) & (values.str[6:8] == "19")
    if variant == "lower_x":
        return values.str.endswith("X")
    return pd.Series(True, index=values.index)


def _date_variant(values: pd.Series, variant: str) -> pd.Series:
    d = pd.to_datetime(values)
    y, m, day = d.dt.year.astype(str), d.dt.month.astype(str), d.dt.day.astype(str)
    if variant == "slash":
        return y + "/" + m + "/" + day
    if variant == "compact":
        return d.dt.strftime("%Y%m%d")
    if variant == "chinese":
        return y + "年" + m + "月" + day + "日"
    if variant == "iso_datetime":
        return d.dt.strftime("%Y-%m-%dT00:00:00")
    if variant == "excel":
        return ((d - EXCEL_EPOCH).dt.days).astype(str)
    raise ValueError(f"unknown date variant {variant!r}")


def _money_variant(values: pd.Series, variant: str) -> pd.Series:
    v = values.astype(float)
    if variant == "thousands":
        return v.map(lambda x: f"{x:,.2f}")
    if variant == "yuan_sign":
        return "¥" + v.map(lambda x: f"{x:.2f}".rstrip("0").rstrip("."))
    if variant == "wan":
        return (v / 10000).map(lambda x: f"{x:.4f}".rstrip("0").rstrip(".")) + "万"
    raise ValueError(f"unknown money variant {variant!r}")


def canonical(values: pd.Series, kind: str) -> pd.Series:
    """The standard spelling of each value (None stays None)."""
    present = values.notna()
    out = pd.Series(None, index=values.index, dtype=object)
    if not present.any():
        return out
    v = values[present]
    if kind == "date":
        out[present] = pd.to_datetime(v).dt.strftime("%Y-%m-%d")
    elif kind == "timestamp":
        out[present] = pd.to_datetime(v).dt.strftime("%Y-%m-%d %H:%M:%S")
    elif kind == "money":
        out[present] = v.astype(float).map(lambda x: f"{x:.2f}")
    elif kind == "bool":
        out[present] = v.map(lambda x: "true" if bool(x) else "false")
    elif kind == "count":
        out[present] = v.astype("int64").astype(str)
    else:
        out[present] = v.astype(str)
    return out


VARIANTS: dict[str, tuple[str, ...]] = {
    "id_no": ("lower_x", "spaces", "hyphens", "fullwidth", "legacy15"),
    "uscc": ("lower", "spaces", "fullwidth"),
    "region": ("twelve",),
    "date": ("slash", "compact", "chinese", "iso_datetime"),
    "timestamp": ("iso_t",),
    "money": ("thousands", "yuan_sign", "wan"),
    "bool": tuple(BOOL_WORDS),
    "name": ("surrounding", "inner_space"),
    "phone": ("spaced", "plus86", "hyphens"),
}


def _digit_typo(number: str) -> str:
    """One body digit mistyped (the check character then fails); the position follows the digits."""
    at = sum(map(int, number[:17])) % 17
    return number[:at] + str((int(number[at]) + 1) % 10) + number[at + 1:]


def _swap(number: str) -> str:
    """Two adjacent, different body digits swapped (the check character then fails)."""
    start = sum(map(int, number[:17])) % 16
    for at in [*range(start, 16), *range(start)]:
        if number[at] != number[at + 1]:
            return number[:at] + number[at + 1] + number[at] + number[at + 2:]
    return number


# Clerks' typos in an identity number: forced by scenarios, never random formatting.
ID_TYPOS = {"digit_typo": _digit_typo, "swap": _swap}


def apply_variant(text: pd.Series, clean: pd.Series, kind: str, variant: str) -> pd.Series:
    """``text`` (canonical spellings) rewritten in ``variant``; cells it cannot apply to stay as they are."""
    if text.empty:
        return text
    if kind in ("id_no", "uscc"):
        if kind == "uscc" and variant == "spaces":
            return text.str[:6] + " " + text.str[6:12] + " " + text.str[12:]
        if variant == "bad_check":
            return text.str[:-1] + np.where(text.str[-1] == "1", "2", "1")
        if variant in ID_TYPOS:
            return text.map(ID_TYPOS[variant])
        return text.where(~_usable(text, variant), _id_variant(text, variant))
    if kind == "region":
        return text + "000000"
    if kind == "date":
        return _date_variant(clean, variant)
    if kind == "timestamp":
        return text.str.replace(" ", "T", regex=False)
    if kind == "money":
        if variant == "wan":
            whole = (clean.astype(float) % 1000 == 0) & (clean.astype(float) > 0)
            return text.where(~whole, _money_variant(clean, "wan"))
        return _money_variant(clean, variant)
    if kind == "bool":
        yes, no = BOOL_WORDS[variant]
        return clean.map(lambda x: yes if bool(x) else no).astype(object)
    if kind == "phone":
        mobile = text.str.len() == 11
        if variant == "plus86":
            return text.where(~mobile, "+86 " + text)
        sep = " " if variant == "spaced" else "-"
        return text.where(~mobile, text.str[:3] + sep + text.str[3:7] + sep + text.str[7:])
    if kind == "name":
        if variant == "surrounding":
            return " " + text + " "
        return text.where(text.str.len() < 2, text.str[:1] + " " + text.str[1:])
    raise ValueError(f"unknown kind {kind!r}")


@dataclass
class _Draws:
    """One column's random choices, drawn over the whole table (bools and small codes, not strings)."""

    options: np.ndarray  # the variant names the codes index
    chosen: np.ndarray  # present and drawn below the column kind's share
    codes: np.ndarray  # int8 index into ``options``
    half: np.ndarray | None  # id numbers: the coin that gives lower-case x to numbers ending in X
    typo: np.ndarray | None  # identifiers: the 1% draw of a wrong check character


@dataclass
class Plan:
    """Every random choice of one table's rendering, so rows can then be rendered in any slices."""

    table: str
    kinds: dict[str, str]
    draws: dict[str, _Draws]
    forced: dict[str, list[tuple[int, str]]]
    background: np.ndarray


def draw(
    table: str,
    clean: pd.DataFrame,
    rng: np.random.Generator,
    forced: dict[tuple[int, str], str],
    fmt: str,
    counts: tuple[str, ...],
    background: np.ndarray,
) -> Plan:
    """Draw the table's variants column by column, in the order (and amounts) ``render`` always has.

    ``rng.choice`` over an array draws ``rng.integers(0, len)``; drawing the
    integers directly keeps the stream and stores one byte per cell.
    """
    kinds = {column: KINDS.get(table, {}).get(column, "count" if column in counts else "text")
             for column in clean.columns}
    draws: dict[str, _Draws] = {}
    n = len(clean)
    for column in clean.columns:
        kind = kinds[column]
        if kind not in VARIANTS or column in PRIMARY_KEYS[table]:
            continue
        present = clean[column].notna().to_numpy()
        chosen = present & (rng.random(n) < SHARE[kind])
        options = VARIANTS[kind] + (("excel",) if kind == "date" and fmt == "xlsx" else ())
        codes = rng.integers(0, len(options), size=n).astype(np.int8)
        half = rng.random(n) < 0.5 if kind == "id_no" else None
        typo = rng.random(n) < 0.01 if kind in ("id_no", "uscc") else None
        draws[column] = _Draws(np.array(options, dtype="<U12"), chosen, codes, half, typo)
    by_column: dict[str, list[tuple[int, str]]] = {}
    for (row, col), variant in forced.items():
        by_column.setdefault(col, []).append((row, variant))
    return Plan(table, kinds, draws, by_column, np.asarray(background, dtype=bool))


def render_rows(plan: Plan, clean: pd.DataFrame, start: int) -> pd.DataFrame:
    """Rows ``start`` … ``start + len(clean)`` of the table as strings, following ``plan``."""
    stop = start + len(clean)
    out = pd.DataFrame(index=clean.index)
    for column in clean.columns:
        kind = plan.kinds[column]
        values = clean[column]
        text = canonical(values, kind)
        d = plan.draws.get(column)
        if d is not None:
            chosen = d.chosen[start:stop].copy()
            picks = d.options[d.codes[start:stop]]
            if d.half is not None:
                # Numbers ending in X are the ones a lower-case x can spoil: give it half of them.
                ends_x = text.fillna("").str.endswith("X").to_numpy()
                picks = np.where(chosen & ends_x & d.half[start:stop], "lower_x", picks)
            for row, variant in plan.forced.get(column, []):
                if start <= row < stop:
                    chosen[row - start], picks[row - start] = True, variant
            if d.typo is not None:
                present = values.notna().to_numpy()
                typo = present & plan.background[start:stop] & ~chosen & d.typo[start:stop]
                chosen, picks = chosen | typo, np.where(typo, "bad_check", picks)
            for variant in np.unique(picks[chosen]):
                mask = chosen & (picks == variant)
                text[mask] = apply_variant(text[mask], values[mask], kind, str(variant))
        out[column] = text
    return out


def render(
    table: str,
    clean: pd.DataFrame,
    rng: np.random.Generator,
    forced: dict[tuple[int, str], str],
    fmt: str,
    counts: tuple[str, ...],
    background: np.ndarray,
) -> pd.DataFrame:
    """The table as strings, with random variants and the ``forced`` (row, column) -> variant cells.

    About 1% of the identifiers in ``background`` rows also get a wrong check
    character (a clerk's typo): kept by ingest, flagged invalid, still the same entity.
    The same as ``draw`` then ``render_rows`` over all rows; ``write`` renders in slices.
    """
    plan = draw(table, clean, rng, forced, fmt, counts, background)
    return render_rows(plan, clean, 0)
