"""Background people and organisations, and how rows name them.

The background population is split into disjoint pools by the part it plays
(defamation victims, private-prosecution plaintiffs, lending plaintiffs …) so
that background rows, however many, can never add up to a supervision lead:
the planted scenarios alone decide what every model must find.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from procura.synth.world import World

NULL = np.array([None], dtype=object)  # an empty cell that broadcasts in np.where
POOLS = {"general": 0.62, "defame": 0.08, "pp": 0.04, "lender": 0.08, "defendant": 0.10, "victim": 0.08}
HOSPITAL_WORDS = [
    "第一人民医院",
    "第二人民医院",
    "中医院",
    "妇幼保健院",
    "儿童医院",
    "中心医院",
    "人民医院",
    "第三人民医院",
    "妇产科医院",
    "社区卫生服务中心",
]
COMPANY_WORDS = [
    "科技",
    "网络",
    "信息技术",
    "电子商务",
    "贸易",
    "文化传媒",
    "数据服务",
    "商贸",
    "软件",
    "实业",
]
APP_WORDS = ["快", "乐", "云", "易", "智", "优", "趣", "闪", "米", "橙", "蜂", "鲸", "豆", "栗", "火"]
APP_SUFFIX = ["生活", "购", "圈", "聊", "贷", "学堂", "视频", "出行", "健康", "外卖", "阅读", "相册"]
PLATFORMS = [
    ("甄选优购", "电子商务有限公司"),
    ("团团鲜", "网络科技有限公司"),
    ("云集好物", "电子商务有限公司"),
    ("速达外卖", "信息技术有限公司"),
    ("旅途通", "旅行社有限公司"),
    ("票务星球", "网络科技有限公司"),
]


@dataclass
class Population:
    """The background people (with a ``pool`` column) and organisations by kind."""

    persons: pd.DataFrame
    hospitals: pd.DataFrame
    companies: pd.DataFrame
    operators: pd.DataFrame
    platforms: pd.DataFrame

    def pool(self, name: str, adult_at: pd.Timestamp | None = None) -> pd.DataFrame:
        """People of one pool; with ``adult_at``, only those 19 or older on that day."""
        people = self.persons[self.persons["pool"] == name]
        if adult_at is not None:
            people = people[people["birth"] <= adult_at - pd.DateOffset(years=19)]
        return people


def _company_names(world: World, n: int, cities: np.ndarray) -> np.ndarray:
    rng = world.rng
    first = rng.choice(np.array(list("华鑫恒瑞泰丰德盛隆信达嘉宏博远创新明辉汇")), size=n)
    second = rng.choice(np.array(list("昌源通安和康顺兴诚达晟悦景旺隆宁祥")), size=n)
    word = rng.choice(np.array(COMPANY_WORDS), size=n)
    serial = np.char.zfill(np.arange(n).astype(str), 3)
    name = np.char.add(np.char.add(np.char.add(cities, first), second), serial)
    return np.char.add(np.char.add(name, word), "有限公司")


def build_population(world: World) -> Population:
    """The background people and organisations for ``world.scale``."""
    rng = world.rng
    n = max(400, round(9000 * world.scale))
    ages_days = rng.integers(365, 88 * 365, size=n)
    birth = pd.Timestamp(world.as_of) - pd.to_timedelta(ages_days, unit="D")
    sex = rng.choice(np.array(["F", "M"]), size=n)
    # About 5% were born (and hold identity numbers) in another province.
    region = np.where(rng.random(n) < 0.05, world.other_counties(n), world.home_counties(n))
    people = world.add_persons(birth, sex, region)
    people["pool"] = rng.choice(np.array(list(POOLS)), size=n, p=np.array(list(POOLS.values())))

    home = world.home
    n_hosp = max(8, round(30 * world.scale**0.5))
    hosp_at = rng.integers(0, len(home), size=n_hosp)
    hosp_names = np.char.add(
        home.city_name.to_numpy(dtype=str)[hosp_at],
        np.char.add(
            home.name.to_numpy(dtype=str)[hosp_at], rng.choice(np.array(HOSPITAL_WORDS), size=n_hosp)
        ),
    )
    hospitals = world.add_orgs("hospital", _dedupe(hosp_names), home.code.to_numpy()[hosp_at])

    n_comp = max(60, round(800 * world.scale))
    comp_at = rng.integers(0, len(home), size=n_comp)
    companies = world.add_orgs(
        "company",
        _company_names(world, n_comp, home.city_name.to_numpy(dtype=str)[comp_at]),
        home.code.to_numpy()[comp_at],
    )

    n_ops = max(40, round(250 * world.scale))
    apps = _dedupe(
        np.char.add(
            np.char.add(
                rng.choice(np.array(APP_WORDS), size=n_ops), rng.choice(np.array(APP_WORDS), size=n_ops)
            ),
            rng.choice(np.array(APP_SUFFIX), size=n_ops),
        )
    )
    op_at = rng.integers(0, len(home), size=n_ops)
    op_names = _company_names(world, n_ops, home.city_name.to_numpy(dtype=str)[op_at])
    operators = world.add_orgs("operator", op_names, home.code.to_numpy()[op_at], app_names=apps)

    platform_names = [f"{home.city_name.iloc[0]}{a}{b}" for a, b in PLATFORMS]
    platforms = world.add_orgs(
        "platform",
        platform_names,
        home.code.to_numpy()[: len(PLATFORMS)],
        app_names=[a for a, _ in PLATFORMS],
    )
    return Population(people, hospitals, companies, operators, platforms)


def _dedupe(values: np.ndarray) -> np.ndarray:
    """Make names unique by numbering repeats (二分院, 三分院 style suffixes are overkill here)."""
    series = pd.Series(values)
    counts = series.groupby(series).cumcount()
    return np.where(counts > 0, series + (counts + 1).astype(str).radd("第").add("分部"), series).astype(str)


def person_columns(
    people: pd.DataFrame,
    columns: dict[str, str],
    rng: np.random.Generator,
    present: dict[str, float],
    named: np.ndarray | None = None,
) -> dict[str, Any]:
    """Columns naming ``people`` row by row: ``columns`` maps name/id_no/birth/phone/address to field names.

    ``present`` gives the share of rows that fill each field; rows where
    ``named`` is false name nobody (every field empty, no entity).
    """
    n = len(people)
    named = np.ones(n, dtype=bool) if named is None else named
    out: dict[str, Any] = {}
    for attr, field_name in columns.items():
        values = people[attr].to_numpy(dtype=object).copy()
        keep = named & (rng.random(n) < present.get(attr, 1.0))
        if attr == "birth":
            out[field_name] = pd.Series(pd.to_datetime(people[attr]).to_numpy()).where(keep)
        else:
            values[~keep] = None
            out[field_name] = values
    entity = people["entity"].to_numpy(dtype=object).copy()
    entity[~named] = None
    out["_entity"] = entity
    return out


def org_columns(
    orgs: pd.DataFrame,
    name_field: str,
    uscc_field: str | None,
    rng: np.random.Generator,
    p_uscc: float = 1.0,
    named: np.ndarray | None = None,
) -> dict[str, Any]:
    """Columns naming organisations: name, USCC (present in a share of rows) and the entity."""
    n = len(orgs)
    named = np.ones(n, dtype=bool) if named is None else named
    out: dict[str, Any] = {}
    name = orgs["name"].to_numpy(dtype=object).copy()
    name[~named] = None
    out[name_field] = name
    if uscc_field:
        uscc = orgs["uscc"].to_numpy(dtype=object).copy()
        uscc[~named | (rng.random(n) >= p_uscc)] = None
        out[uscc_field] = uscc
    entity = orgs["entity"].to_numpy(dtype=object).copy()
    entity[~named] = None
    out["_entity"] = entity
    return out


def sample(frame: pd.DataFrame, n: int, rng: np.random.Generator, replace: bool = True) -> pd.DataFrame:
    """``n`` rows of ``frame`` (with replacement unless asked), index reset."""
    if not replace and n > len(frame):
        raise ValueError(f"pool of {len(frame)} too small for {n} draws without replacement")
    at = rng.choice(len(frame), size=n, replace=replace) if len(frame) else np.array([], dtype=int)
    return frame.iloc[at].reset_index(drop=True)


def assemble(
    n: int, parts: list[tuple[np.ndarray, pd.DataFrame, bool]], rng: np.random.Generator
) -> pd.DataFrame:
    """``n`` rows drawn per part: rows at ``positions`` come from ``pool`` (without replacement if asked)."""
    frames = []
    for positions, pool, replace in parts:
        drawn = sample(pool, len(positions), rng, replace=replace)
        drawn.index = positions
        frames.append(drawn)
    out = pd.concat(frames).sort_index()
    if len(out) != n:
        raise ValueError("parts must cover every row exactly once")
    return out.reset_index(drop=True)
