"""The synthetic world: regions, people, organisations, keys and the growing tables.

Background generation and scenario planting both write into one ``World``.
People and organisations are *true entities* (``TP-…``, ``TO-…``); every table
row keeps the true entity of each mention role in ``_e_<role>`` columns, which
the writer drops and the truth file records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from procura.standard.regions import table_path
from procura.synth import identity, names
from procura.synth.truth import Truth

ORG_PREFIX = {
    "hospital": "12",
    "court": "11",
    "company": "91",
    "platform": "91",
    "operator": "91",
    "lender": "91",
}


def load_regions(province: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Counties of ``province`` and counties of every other province (code, name, city, city_name)."""
    table = pd.read_csv(table_path(), dtype=str).fillna("")
    cities = table[table.level == "city"].set_index("code")["name"]
    counties = table[(table.level == "county") & ~table.name.isin(["市辖区", "县"])].copy()
    counties["city"] = counties["parent_code"]
    counties["city_name"] = counties["city"].map(cities).fillna("")
    counties = counties[counties.city_name.str.len() > 0]
    home = counties[counties.code.str[:2] == province[:2]].reset_index(drop=True)
    other = counties[counties.code.str[:2] != province[:2]].reset_index(drop=True)
    if home.empty:
        raise ValueError(f"unknown province code {province!r}: no county-level regions in GB/T 2260 table")
    return home, other


@dataclass
class World:
    """Everything generated so far, plus the random source and the calendar."""

    seed: int
    scale: float
    as_of: date
    province: str
    rng: np.random.Generator = field(init=False)
    home: pd.DataFrame = field(init=False)
    other: pd.DataFrame = field(init=False)
    counties: pd.DataFrame = field(init=False)
    truth: Truth = field(init=False)
    persons: list[pd.DataFrame] = field(default_factory=list)
    orgs: list[pd.DataFrame] = field(default_factory=list)
    frames: dict[str, list[pd.DataFrame]] = field(default_factory=dict)
    forced: list[tuple[str, str, str, str]] = field(default_factory=list)
    _next: dict[str, int] = field(default_factory=dict)
    _pools: dict[str, np.ndarray] = field(default_factory=dict)
    _name_birth: set[str] = field(default_factory=set)
    _phones: set[str] = field(default_factory=set)
    _single_persons: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rng = np.random.default_rng(self.seed)
        self.home, self.other = load_regions(self.province)
        self.counties = pd.concat([self.home, self.other]).set_index("code")
        self.truth = Truth(self.seed, self.scale, self.as_of.isoformat(), self.province)

    # calendar -----------------------------------------------------------------
    @property
    def start(self) -> date:
        """First day of the three years the data covers."""
        return self.as_of - timedelta(days=3 * 365)

    def days_ago(self, days: int) -> date:
        return self.as_of - timedelta(days=int(days))

    def random_dates(self, n: int, lo_days_ago: int = 3 * 365, hi_days_ago: int = 0) -> pd.Series:
        """Dates uniformly between ``lo_days_ago`` and ``hi_days_ago`` days before the as-of date."""
        offsets = self.rng.integers(hi_days_ago, lo_days_ago + 1, size=n)
        return pd.Series(pd.Timestamp(self.as_of) - pd.to_timedelta(offsets, unit="D"))

    # regions -----------------------------------------------------------------
    def home_counties(self, n: int) -> np.ndarray:
        return self.home.code.to_numpy()[self.rng.integers(0, len(self.home), size=n)]

    def other_counties(self, n: int) -> np.ndarray:
        return self.other.code.to_numpy()[self.rng.integers(0, len(self.other), size=n)]

    # identifiers ---------------------------------------------------------------
    def keys(self, prefix: str, n: int, width: int = 7) -> list[str]:
        """``n`` fresh record keys with ``prefix``, scrambled so that their order reveals nothing.

        Key ``i`` is ``(a*i + b) mod 10**width`` with ``a`` coprime to 10: a
        bijection, so keys never repeat, and no pool has to be stored.
        """
        if prefix not in self._pools:
            a = int(self.rng.integers(10 ** (width - 1), 10**width)) | 1
            while a % 5 == 0:
                a += 2
            self._pools[prefix] = np.array([a, int(self.rng.integers(0, 10**width))], dtype=np.int64)
        a, b = (int(v) for v in self._pools[prefix])
        start = self._next.get(prefix, 0)
        self._next[prefix] = start + n
        numbers = (np.arange(start, start + n, dtype=object) * a + b) % 10**width
        return [f"{prefix}{int(v):0{width}d}" for v in numbers]

    def _entity_numbers(self, prefix: str, n: int) -> np.ndarray:
        start = self._next.get(prefix, 0)
        self._next[prefix] = start + n
        return np.arange(start + 1, start + n + 1)

    # people -------------------------------------------------------------------
    def add_persons(self, birth: Any, sex: Any, region: Any = None) -> pd.DataFrame:
        """New people with the given birth dates and sexes; (name, birth date) is unique across everyone."""
        birth = pd.to_datetime(pd.Series(birth)).reset_index(drop=True)
        sex = np.asarray(sex)
        n = len(birth)
        region = self.home_counties(n) if region is None else np.asarray(region)
        name = names.person_names(sex, self.rng)
        birth_str = birth.dt.strftime("%Y-%m-%d").to_numpy(dtype=str)
        for _ in range(50):
            key = pd.Series(np.char.add(np.char.add(name, "|"), birth_str))
            clash = key.duplicated().to_numpy() | _in_set(key, self._name_birth)
            if not clash.any():
                break
            name[clash] = names.person_names(sex[clash], self.rng)
        self._name_birth.update(np.char.add(np.char.add(name, "|"), birth_str).tolist())
        index = self._entity_numbers("TP-", n)
        entity = np.char.add("TP-", np.char.zfill(index.astype(str), 6))
        county = self.counties.reindex(region)
        city_name = county.city_name.fillna("").to_numpy(dtype=str)
        county_name = county.name.fillna("").to_numpy(dtype=str)
        frame = pd.DataFrame(
            {
                "entity": entity,
                "name": name,
                "sex": sex,
                "birth": birth,
                "id_no": identity.make_id_numbers(region, birth, sex, self.rng),
                "phone": names.unique_phones(n, self.rng),
                "region": region,
                "address": names.unique_addresses(city_name, county_name, index, self.rng),
            }
        )
        frame["phone"] = self._fresh_phones(frame["phone"])
        self.persons.append(frame)
        return frame

    def _fresh_phones(self, phones: pd.Series) -> pd.Series:
        """Phones not used by anyone added before (redrawn where they clash)."""
        phones = phones.copy()
        clash = _in_set(phones, self._phones) | phones.duplicated().to_numpy()
        while clash.any():
            phones[clash] = names.unique_phones(int(clash.sum()), self.rng)
            clash = _in_set(phones, self._phones) | phones.duplicated().to_numpy()
        self._phones.update(phones.tolist())
        return phones

    def person(
        self,
        age: int,
        at: date,
        sex: str = "F",
        days_after_birthday: int | None = None,
        region: str | None = None,
    ) -> pd.Series:
        """One new person aged ``age`` completed years on ``at`` (optionally days past the birthday)."""
        if days_after_birthday is None:
            days_after_birthday = int(self.rng.integers(20, 300))
        birth = _years_before(at, age) - timedelta(days=days_after_birthday)
        return self.add_person(birth, sex, region)

    def add_person(
        self, birth: date, sex: str, region: str | None = None, name: str | None = None
    ) -> pd.Series:
        """One new person, built without pandas (scenarios add thousands one at a time)."""
        rng = self.rng
        region = region or str(self.home_counties(1)[0])
        birth_text = birth.isoformat()
        if name is None:
            name = str(names.person_names(np.array([sex]), rng)[0])
            while f"{name}|{birth_text}" in self._name_birth:
                name = str(names.person_names(np.array([sex]), rng)[0])
        self._name_birth.add(f"{name}|{birth_text}")
        body = f"{region}{birth:%Y%m%d}{int(rng.integers(0, 500)) * 2 + (sex == 'M'):03d}"
        id_no = body + str(identity.id_check_digits(np.array([body]))[0])
        phone = str(names.unique_phones(1, rng)[0])
        while phone in self._phones:
            phone = str(names.unique_phones(1, rng)[0])
        self._phones.add(phone)
        number = int(self._entity_numbers("TP-", 1)[0])
        county = self.counties.loc[region]
        address = str(
            names.unique_addresses(
                np.array([county.city_name]), np.array([county["name"]]), np.array([number]), rng
            )[0]
        )
        row = {
            "entity": f"TP-{number:06d}",
            "name": name,
            "sex": sex,
            "birth": pd.Timestamp(birth),
            "id_no": id_no,
            "phone": phone,
            "region": region,
            "address": address,
        }
        self._single_persons.append(row)
        return pd.Series(row)

    def all_persons(self) -> pd.DataFrame:
        """Everyone: the vectorized batches and the people added one at a time."""
        frames = [*self.persons, pd.DataFrame(self._single_persons)] if self._single_persons else self.persons
        return pd.concat(frames, ignore_index=True).drop(columns=["pool"], errors="ignore")

    def adult(self, at: date | None = None, sex: str | None = None) -> pd.Series:
        """One new person aged 30 to 59 on ``at`` (born in the 1900s, so a 15-digit number exists)."""
        at = at or self.as_of
        return self.person(int(self.rng.integers(30, 60)), at, sex or str(self.rng.choice(["F", "M"])))

    def homonym(self, p: pd.Series, years_older: int = 3) -> pd.Series:
        """A different new person with the same name as ``p`` (older, other number, other phone)."""
        birth = pd.Timestamp(p["birth"]) - pd.DateOffset(
            years=years_older, days=int(self.rng.integers(5, 200))
        )
        return self.add_person(birth.date(), str(p["sex"]), name=str(p["name"]))

    # organisations -------------------------------------------------------------
    def add_orgs(
        self,
        kind: str,
        org_names: list[str] | np.ndarray,
        region: Any = None,
        app_names: list[str] | np.ndarray | None = None,
    ) -> pd.DataFrame:
        """New organisations of one kind with valid USCCs."""
        n = len(org_names)
        region = self.home_counties(n) if region is None else np.asarray(region)
        frame = pd.DataFrame(
            {
                "entity": np.char.add("TO-", np.char.zfill(self._entity_numbers("TO-", n).astype(str), 6)),
                "name": np.asarray(org_names, dtype=str),
                "uscc": identity.make_usccs(region, np.full(n, ORG_PREFIX[kind]), self.rng),
                "region": region,
                "kind": kind,
                "app_name": np.asarray(app_names, dtype=str) if app_names is not None else np.full(n, ""),
            }
        )
        self.orgs.append(frame)
        return frame

    # tables -------------------------------------------------------------------
    def add_rows(self, table: str, rows: pd.DataFrame | list[dict[str, Any]]) -> None:
        """Append rows (standard columns plus ``_e_<role>`` entity columns) to a table."""
        frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)
        self.frames.setdefault(table, []).append(frame)

    def force(self, table: str, key: str, column: str, variant: str) -> None:
        """Require one formatting variant for one cell (scenarios that test normalization)."""
        self.forced.append((table, key, column, variant))


def _in_set(values: pd.Series, seen: set[str]) -> np.ndarray:
    """Membership in a large set; a few values are looked up directly (no array built from the set)."""
    if len(values) < 1000:
        return np.array([v in seen for v in values], dtype=bool)
    return values.isin(seen).to_numpy()


def _years_before(day: date, years: int) -> date:
    """The date ``years`` calendar years before ``day`` (29 Feb -> 28 Feb)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_on(birth: date, day: date) -> int:
    """Completed years on ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def ages_on(birth: pd.Series, day: pd.Series) -> np.ndarray:
    """Completed years of each ``birth`` on each ``day`` (NaT gives -1)."""
    b = pd.to_datetime(birth)
    d = pd.to_datetime(day)
    years = (d.dt.year - b.dt.year).to_numpy(dtype=float)
    before = (d.dt.month.to_numpy() * 100 + d.dt.day.to_numpy()) < (
        b.dt.month.to_numpy() * 100 + b.dt.day.to_numpy()
    )
    out = years - before
    return np.where(np.isnan(out), -1, out).astype(int)


def scaled(world: World, base: int, minimum: int = 20) -> int:
    """A background volume: ``base`` rows at scale 1, at least ``minimum``."""
    return max(minimum, round(base * world.scale))


def pick(world: World, options: dict[str, float], n: int) -> np.ndarray:
    """``n`` draws from weighted options."""
    p = np.array(list(options.values()))
    return world.rng.choice(np.array(list(options)), size=n, p=p / p.sum())


def later(world: World, day: pd.Series, lo: int, hi: int) -> pd.Series:
    """``day`` plus lo..hi days, never after the as-of date."""
    out = day + pd.to_timedelta(world.rng.integers(lo, hi + 1, size=len(day)), unit="D")
    return out.where(out <= pd.Timestamp(world.as_of), pd.Timestamp(world.as_of))
