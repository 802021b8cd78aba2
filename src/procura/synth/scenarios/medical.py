"""Planted cases for ``mandatory-report-failure`` (model 1).

Each instance plants unreported sexual-harm indicators in minors (including
one where a same-named *other* child was reported, so only entity resolution
gets it right) and near-misses: boundary ages 14 and 18, reports exactly at
the window's edges, a boy with a pregnancy/STI code, and reports that link
only through name + birth date + phone or a homophone name.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from procura.synth.names import homophone_typo
from procura.synth.population import Population
from procura.synth.scenarios.records import medical_visit, police_report
from procura.synth.truth import ref
from procura.synth.world import World

MODEL = "mandatory-report-failure"


def _visit(
    world: World,
    pop: Population,
    patient: pd.Series,
    style: str,
    visit: date,
    code: str,
    name: str | None = None,
) -> tuple[str, dict]:
    hospital = pop.hospitals.iloc[int(world.rng.integers(0, len(pop.hospitals)))]
    key = medical_visit(
        world,
        patient=patient,
        style=style,
        hospital=hospital,
        visit=visit,
        icd10=code,
        text="门诊记录",
        name=name,
    )
    return key, ref("medical_visits", visit_id=key)


def _report(world: World, victim: pd.Series, received: date, style: str = "nip") -> str:
    return police_report(
        world,
        offense="sexual_assault_minor",
        received=received,
        victim=victim,
        victim_style=style,
        filed=True,
    )


def plant(world: World, pop: Population, instances: int) -> None:
    """Plant ``instances`` rounds of violations and near-misses."""
    t = world.truth
    for _ in range(instances):
        visit = world.days_ago(int(world.rng.integers(60, 700)))

        def violation(p: pd.Series, key_ref: dict, note: str, needs_er: bool = False) -> None:
            t.violation(
                MODEL, [key_ref], [key_ref], {"kind": "person", "entity_id": p["entity"]}, note, needs_er
            )

        girl13 = world.person(13, visit, "F")
        _, r = _visit(world, pop, girl13, "nibs", visit, "O04.9")
        violation(girl13, r, "girl aged 13, abortion code, never reported")

        boy16 = world.person(16, visit, "M")
        _, r = _visit(world, pop, boy16, "nbs", visit, "S30.2")
        violation(
            boy16, r, "boy aged 16 (no identity number at the hospital), genital injury, never reported"
        )

        girl17 = world.person(17, visit, "F")
        other = world.homonym(girl17)
        _, r = _visit(world, pop, girl17, "nbsp", visit, "T74.2")
        _report(world, other, visit + timedelta(days=5))
        violation(girl17, r, "girl aged 17; the only report names a different person of the same name", True)

        girl12 = world.person(12, visit, "F")
        _, r = _visit(world, pop, girl12, "nibs", visit, "A54.0")
        _report(world, girl12, visit + timedelta(days=31))
        violation(girl12, r, "girl aged 12, gonorrhoea; reported 31 days after the visit (grace is 30)")

        boy10 = world.person(10, visit, "M")
        _, r = _visit(world, pop, boy10, "nbs", visit, "S30.2")
        _report(world, boy10, visit - timedelta(days=366))
        violation(
            boy10, r, "boy aged 10, genital injury; the report is 366 days before the visit (lookback 365)"
        )

        plant_near_misses(world, pop, visit)


def plant_near_misses(world: World, pop: Population, visit: date) -> None:
    """The near-misses of one instance."""
    t = world.truth

    def near(key_ref: dict, reason: str, needs_er: bool = False) -> None:
        t.near_miss(MODEL, [key_ref], reason, needs_er)

    girl14 = world.person(14, visit, "F", days_after_birthday=0)
    _, r = _visit(world, pop, girl14, "nibs", visit, "O04.9")
    near(r, "boundary age 14: 14th birthday on the visit date, pregnancy code (rule needs under 14)")

    boy18 = world.person(18, visit, "M", days_after_birthday=0)
    _, r = _visit(world, pop, boy18, "nibs", visit, "S30.2")
    near(r, "boundary age 18: 18th birthday on the visit date, genital injury (rule needs under 18)")

    girl = world.person(12, visit, "F")
    _, r = _visit(world, pop, girl, "nbsp", visit, "S30.2")
    _report(world, girl, visit + timedelta(days=10), style="nip")
    near(
        r,
        "reported 10 days later; hospital has name + birth date + phone, police have the identity number",
        True,
    )

    girl = world.person(13, visit, "F")
    typo = str(homophone_typo(pd.Series([girl["name"]]))[0])
    _, r = _visit(world, pop, girl, "nbsp", visit, "O04.9", name=typo)
    key = _report(world, girl, visit - timedelta(days=200), style="nip")
    world.force("police_reports", key, "victim_id_no", "fullwidth")
    near(
        r,
        "reported 200 days before; hospital wrote a homophone of the name, police a full-width number",
        True,
    )

    boy = world.person(15, visit, "M")
    _, r = _visit(world, pop, boy, "nibs", visit, "S30.2")
    _report(world, boy, visit + timedelta(days=30), style="ni")
    near(r, "reported exactly 30 days after the visit (grace boundary, inclusive)")

    girl = world.person(11, visit, "F")
    _, r = _visit(world, pop, girl, "nibs", visit, "T76.2")
    _report(world, girl, visit - timedelta(days=365), style="ni")
    near(r, "reported exactly 365 days before the visit (lookback boundary, inclusive)")

    boy = world.person(12, visit, "M")
    _, r = _visit(world, pop, boy, "nibs", visit, "A56.0")
    near(r, "boy aged 12 with an STI code: the pregnancy/STI rule is for girls under 14")
