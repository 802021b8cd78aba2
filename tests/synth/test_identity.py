"""Generated identifiers are valid: identity numbers (GB 11643) and USCCs (GB 32100)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from stdnum.cn import ric, uscc

from procura.standard.id_no import normalize_id_no
from procura.synth import identity
from procura.synth.world import World, age_on, ages_on


def test_identity_numbers_pass_the_checksum_and_encode_birth_and_sex() -> None:
    rng = np.random.default_rng(0)
    births = pd.Series(pd.date_range("1940-01-01", periods=500, freq="53D"))
    sexes = np.array(["M", "F"] * 250)
    ids = identity.make_id_numbers(np.full(500, "330106"), births, sexes, rng)
    assert all(ric.calc_check_digit(i) == i[-1] for i in ids)
    assert [i[6:14] for i in ids] == births.dt.strftime("%Y%m%d").tolist()
    assert all(int(i[16]) % 2 == (s == "M") for i, s in zip(ids, sexes, strict=True))


def test_legacy_15_digit_form_converts_back() -> None:
    rng = np.random.default_rng(1)
    ids = pd.Series(
        identity.make_id_numbers(
            np.full(50, "330102"), pd.Series([pd.Timestamp("1975-03-09")] * 50), np.array(["F"] * 50), rng
        )
    )
    legacy = identity.to_legacy_15(ids)
    assert (legacy.str.len() == 15).all()
    assert [normalize_id_no(v) for v in legacy] == [(v, True) for v in ids]
    broken = identity.corrupt_check(ids)
    assert all(normalize_id_no(v)[1] is False for v in broken)


def test_usccs_are_valid_for_python_stdnum() -> None:
    rng = np.random.default_rng(2)
    codes = identity.make_usccs(np.full(300, "330100"), np.array(["91", "12", "11"] * 100), rng)
    assert all(uscc.is_valid(c) for c in codes)
    assert len(set(codes)) == 300


def test_people_are_unique_by_name_and_birth_and_phone() -> None:
    world = World(seed=3, scale=0.1, as_of=date(2026, 6, 30), province="330000")
    world.add_persons(pd.Series([pd.Timestamp("2000-01-01")] * 3000), np.array(["F"] * 3000))
    one = world.person(14, date(2026, 6, 30), "F", days_after_birthday=0)
    namesake = world.homonym(one)
    people = world.all_persons()
    assert not people.duplicated(["name", "birth"]).any()
    assert not people.phone.duplicated().any() and not people.address.duplicated().any()
    assert age_on(one["birth"].date(), date(2026, 6, 30)) == 14
    assert age_on(one["birth"].date(), date(2026, 6, 29)) == 13
    assert namesake["name"] == one["name"] and namesake["id_no"] != one["id_no"]
    assert list(ages_on(pd.Series([one["birth"], pd.NaT]), pd.Series([pd.Timestamp("2026-06-30")] * 2))) == [
        14,
        -1,
    ]
