"""Valid identifiers, vectorized: resident identity numbers (GB 11643) and USCCs (GB 32100).

Both are computed over whole numpy arrays so that hundreds of thousands of
numbers cost a few milliseconds; ``python-stdnum`` checks them in the tests.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
ID_CHECK = np.array(list("10X98765432"))
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])
ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2])


def _digits(strings: np.ndarray, width: int) -> np.ndarray:
    """A (n, width) int matrix of the digits of equal-length digit strings."""
    raw = np.asarray(strings, dtype=f"<U{width}")
    codes = raw.view(np.uint32).reshape(len(raw), width)
    return codes.astype(np.int64) - ord("0")


def id_check_digits(body17: np.ndarray) -> np.ndarray:
    """Check characters of 17-digit identity-number bodies."""
    if len(body17) == 0:
        return np.array([], dtype="<U1")
    total = _digits(body17, 17) @ ID_WEIGHTS
    return ID_CHECK[total % 11]


def make_id_numbers(
    region: np.ndarray, birth: pd.Series | np.ndarray, sex: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """18-char identity numbers for people born in ``region`` on ``birth``; sex 'M' gets an odd sequence."""
    birth_str = pd.to_datetime(pd.Series(birth)).dt.strftime("%Y%m%d").to_numpy(dtype=str)
    seq = rng.integers(0, 500, size=len(region)) * 2 + np.where(np.asarray(sex) == "M", 1, 0)
    seq_str = np.char.zfill(seq.astype(str), 3)
    body = np.char.add(np.char.add(np.asarray(region, dtype=str), birth_str), seq_str)
    return np.char.add(body, id_check_digits(body))


def to_legacy_15(id18: pd.Series) -> pd.Series:
    """The 15-digit legacy form (no century, no check digit) of 18-char numbers born 19xx."""
    return id18.str[:6] + id18.str[8:17]


def org_code_check(body8: np.ndarray) -> np.ndarray:
    """Check characters of 8-digit organisation codes (GB 11714)."""
    total = _digits(body8, 8) @ ORG_WEIGHTS
    value = 11 - total % 11
    return np.where(value == 10, "X", np.where(value == 11, "0", value.astype(str)))


def uscc_check_digits(body17: np.ndarray) -> np.ndarray:
    """Check characters of 17-character USCC bodies."""
    raw = np.asarray(body17, dtype="<U17")
    lookup = np.full(128, -1, dtype=np.int64)
    for index, char in enumerate(USCC_ALPHABET):
        lookup[ord(char)] = index
    values = lookup[raw.view(np.uint32).reshape(len(raw), 17)]
    total = values @ USCC_WEIGHTS
    return np.array(list(USCC_ALPHABET))[(31 - total % 31) % 31]


def make_usccs(region: np.ndarray, kind: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Valid USCCs; ``kind`` is the two-character authority+type prefix ('91' company, '12' institution)."""
    n = len(region)
    org8 = np.char.zfill(rng.integers(0, 10**8, size=n).astype(str), 8)
    org9 = np.char.add(org8, org_code_check(org8))
    body = np.char.add(np.char.add(np.asarray(kind, dtype=str), np.asarray(region, dtype=str)), org9)
    return np.char.add(body, uscc_check_digits(body))


def corrupt_check(values: pd.Series) -> pd.Series:
    """The same numbers with a wrong last character (for checksum-failure cases)."""
    last = values.str[-1]
    swapped = np.where(last == "1", "2", "1")
    return values.str[:-1] + swapped
