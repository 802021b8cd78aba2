"""Planted families of similar cases, for measuring similar-case search (类案检索).

A family is a group of records that a prosecutor would call one class: the same
modus operandi handled by the same police unit, the same unit repeatedly not
filing the same kind of report, or the same operator drawing the same complaint.
Each family is planted with *decoys* that share only one side of it: the same
wording in another city (a text-only search confuses them), and other reports of
the same unit, offense and months (a structured-only search confuses them).

Invariants (no model may fire on these rows): victims and suspects are not named
(no mentions, so no cluster and no linked person); offense types are telecom fraud
and personal-information infringement, which no model reads from police reports;
operator complaints are of issue type ``other``, outside the app model's issue
types, for operators that no other row names. A separate random source leaves
every earlier plant unchanged.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import yaml

from procura.synth.population import Population
from procura.synth.truth import ref
from procura.synth.world import World

MEMBERS = (6, 8)
TEXT_DECOYS = 4
BODY_DECOYS = 6


@cache
def templates() -> dict[str, Any]:
    text = resources.files("procura.synth.scenarios").joinpath("families.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def _sentence(rng: np.random.Generator, phrases: list[list[str]], filler: bool = True) -> str:
    parts = [str(rng.choice(variants)) for variants in phrases]
    if filler:
        parts.append(str(rng.choice(templates()["fillers"])))
    return "，".join(parts) + "。"


def _day(world: World, rng: np.random.Generator, start: int, span: int) -> pd.Timestamp:
    return pd.Timestamp(world.days_ago(start - int(rng.integers(0, span + 1))))


def _police_rows(
    world: World,
    region: str,
    offense: str,
    days: list[pd.Timestamp],
    texts: list[str],
    filed: bool | None = None,
    rng: np.random.Generator | None = None,
) -> list[str]:
    keys = world.keys("PR-", len(days))
    rows = []
    for key, day, text in zip(keys, days, texts, strict=True):
        is_filed = bool(rng.random() < 0.5) if filed is None and rng is not None else bool(filed)
        rows.append(
            {
                "report_id": key,
                "region_code": region,
                "police_unit": world.counties.loc[region, "name"] + "公安分局",
                "received_at": day,
                "offense_type": offense,
                "description": text,
                "filed": is_filed,
                "filed_at": day + pd.Timedelta(days=5) if is_filed else None,
                "police_case_no": "A" + key[3:] if is_filed else None,
                "not_filed_reason": None if is_filed else "尚在审查 / under review",
                "_e_victim": None,
                "_e_suspect": None,
            }
        )
    world.add_rows("police_reports", rows)
    return keys


def _far_region(world: World, rng: np.random.Generator, region: str) -> str:
    """A county in another city of the province; in a one-city province another county, else
    a county of another province."""
    home = [str(c) for c in world.home.code.to_numpy()]
    others = [c for c in home if c[:4] != region[:4]] or [c for c in home if c != region]
    return str(rng.choice(others or [str(c) for c in world.other.code.to_numpy()]))


def _family_county(world: World, rng: np.random.Generator, same_mo: set[str], every: set[str]) -> str:
    """A county in a city no family uses while there are any, else in a city no earlier family of
    the same modus operandi uses (two such families in one place would be one class)."""
    home = [str(c) for c in world.home.code.to_numpy()]
    free = [c for c in home if c[:4] not in {e[:4] for e in every}]
    apart = [c for c in home if c[:4] not in {e[:4] for e in same_mo}]
    return str(rng.choice(free or apart or [c for c in home if c not in every] or home))


def _police_family(
    world: World, rng: np.random.Generator, fid: str, spec: dict[str, Any], failing: bool, region: str
) -> dict[str, Any]:
    start = int(rng.integers(200, 900))
    n = int(rng.integers(MEMBERS[0], MEMBERS[1] + 1))
    days = [_day(world, rng, start, 120) for _ in range(n)]
    texts = [_sentence(rng, spec["phrases"]) for _ in range(n)]
    members = _police_rows(
        world, region, spec["offense"], days, texts, filed=False if failing else None, rng=rng
    )
    # Decoys: the same wording far away and years apart; the same unit and months, other wording.
    far = [_far_region(world, rng, region) for _ in range(TEXT_DECOYS)]
    text_decoys = [
        _police_rows(
            world,
            r,
            spec["offense"],
            [_day(world, rng, 1000 - start // 2, 60)],
            [_sentence(rng, spec["phrases"])],
            rng=rng,
        )[0]
        for r in far
    ]
    others = [m for m in templates()["police"] if m is not spec and m["offense"] == spec["offense"]]
    other_texts = [
        _sentence(rng, others[int(rng.integers(0, len(others)))]["phrases"][:2], filler=True)
        if others
        else str(rng.choice(templates()["fillers"]))
        for _ in range(BODY_DECOYS)
    ]
    body_decoys = _police_rows(
        world,
        region,
        spec["offense"],
        [_day(world, rng, start, 120) for _ in range(BODY_DECOYS)],
        other_texts,
        filed=False if failing else None,
        rng=rng,
    )
    return {
        "id": fid,
        "kind": "body_failure" if failing else "modus_operandi",
        "table": "police_reports",
        "region_code": region,
        "members": [ref("police_reports", report_id=k) for k in members],
        "decoys": [ref("police_reports", report_id=k) for k in text_decoys + body_decoys],
    }


def _free_operators(world: World, pop: Population) -> pd.DataFrame:
    named = [
        frame[column].dropna().astype(str).unique()
        for frames in world.frames.values()
        for frame in frames
        for column in frame.columns
        if column.startswith("_e_")
    ]
    ops = pop.operators
    seen = np.unique(np.concatenate(named)) if named else np.array([], dtype=str)
    return ops[~ops["entity"].astype(str).isin(seen) & ops["uscc"].notna()].reset_index(drop=True)


def _app_rows(
    world: World, op: pd.Series, regions: list[str], days: list[pd.Timestamp], texts: list[str]
) -> list[str]:
    keys = world.keys("AR-", len(days))
    world.add_rows(
        "app_reports",
        [
            {
                "report_id": key,
                "app_name": op["app_name"],
                "operator_name": op["name"],
                "operator_uscc": op["uscc"],
                "operator_region_code": op["region"],
                "region_code": region,
                "reported_at": day,
                "issue_type": templates()["operator"]["issue"],
                "description": text,
                "users_affected": 800,
                "_e_operator": op["entity"],
            }
            for key, region, day, text in zip(keys, regions, days, texts, strict=True)
        ],
    )
    return keys


def _operator_family(
    world: World, rng: np.random.Generator, fid: str, op: pd.Series, decoy_op: pd.Series
) -> dict[str, Any]:
    spec = templates()["operator"]
    n = int(rng.integers(MEMBERS[0], MEMBERS[1] + 1))
    start = int(rng.integers(200, 900))
    region = str(op["region"])
    members = _app_rows(
        world,
        op,
        [region] * n,
        [_day(world, rng, start, 150) for _ in range(n)],
        [_sentence(rng, spec["phrases"], filler=False) for _ in range(n)],
    )
    # Decoys: the same complaint about another operator elsewhere; other complaints about this operator.
    text_decoys = _app_rows(
        world,
        decoy_op,
        [_far_region(world, rng, region) for _ in range(TEXT_DECOYS)],
        [_day(world, rng, 1000 - start // 2, 60) for _ in range(TEXT_DECOYS)],
        [_sentence(rng, spec["phrases"], filler=False) for _ in range(TEXT_DECOYS)],
    )
    body_decoys = _app_rows(
        world,
        op,
        [region] * 2,
        [_day(world, rng, start, 150) for _ in range(2)],
        ["用户反映应用界面广告过多影响使用。", "用户称应用闪退无法登录。"],
    )
    return {
        "id": fid,
        "kind": "operator",
        "table": "app_reports",
        "region_code": region,
        "members": [ref("app_reports", report_id=k) for k in members],
        "decoys": [ref("app_reports", report_id=k) for k in text_decoys + body_decoys],
    }


def plant(world: World, pop: Population, instances: int) -> None:
    """``instances`` rounds of families: every police modus operandi, one failing unit, one operator."""
    rng = np.random.default_rng(world.seed * 7919 + 12)
    families: list[dict[str, Any]] = []
    operators = _free_operators(world, pop)
    taken: dict[int, set[str]] = {}
    every: set[str] = set()
    specs = [*templates()["police"], templates()["failing_body"]]
    for round_ in range(instances):
        for number, spec in enumerate(specs):
            region = _family_county(world, rng, taken.setdefault(number, set()), every)
            taken[number].add(region)
            every.add(region)
            fid = f"F{len(families) + 1:03d}"
            families.append(_police_family(world, rng, fid, spec, spec is specs[-1], region))
        if len(operators) >= 2 * (round_ + 1):
            op, decoy = operators.iloc[2 * round_], operators.iloc[2 * round_ + 1]
            families.append(_operator_family(world, rng, f"F{len(families) + 1:03d}", op, decoy))
    world.truth.extras["similar_families"] = families
