"""Planted cases for ``unfiled-online-defamation`` (3) and ``cyberviolence-cluster`` (10).

Model 3 gets boundary views/reposts and a report exactly 30 days old beside
near-misses one below each threshold, filed, or too recent. Model 10 gets a
victim whose reports name them in different forms (stray space, full-width
number, name + phone), a cluster completed by a private prosecution, and a
minor victim; near-misses repeat one suspect under two number forms, spread
the suspects over 150 days, name a blank suspect, or have a victim turning 18.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from procura.synth.population import Population
from procura.synth.scenarios.records import court_case, police_report
from procura.synth.truth import ref
from procura.synth.world import World

DEFAMATION = "unfiled-online-defamation"
CLUSTER = "cyberviolence-cluster"


def plant_defamation(world: World, pop: Population, instances: int) -> None:
    """Model 3: single reports judged on views, reposts, filing and age."""
    t = world.truth
    for _ in range(instances):
        cases = [
            ("online_defamation", 60, 5000, 12, False, True, "views exactly 5000 (threshold, inclusive)"),
            ("online_insult", 30, 100, 500, False, True, "reposts exactly 500, received exactly 30 days ago"),
            (
                "online_insult",
                400,
                20000,
                900,
                False,
                True,
                "insult with 20000 views, unfiled for over a year",
            ),
            ("online_defamation", 90, 4999, 499, False, False, "views 4999 and reposts 499, both just below"),
            ("online_defamation", 120, 30000, 2000, True, False, "serious but filed"),
            (
                "online_insult",
                29,
                9000,
                100,
                False,
                False,
                "received 29 days ago: police still within 30 days",
            ),
            ("other", 200, 50000, 5000, False, False, "widely viewed but not defamation or insult"),
        ]
        for offense, age_days, views, reposts, filed, is_violation, note in cases:
            received = world.days_ago(age_days + int(world.rng.integers(0, 3)) * (age_days not in (29, 30)))
            victim, suspect = world.adult(received), world.adult(received)
            key = police_report(
                world,
                offense=offense,
                received=received,
                victim=victim,
                suspect=suspect,
                filed=filed,
                views=views,
                reposts=reposts,
            )
            anchor = [ref("police_reports", report_id=key)]
            if is_violation:
                t.violation(
                    DEFAMATION, anchor, anchor, {"kind": "person", "entity_id": victim["entity"]}, note
                )
            else:
                t.near_miss(DEFAMATION, anchor, note)


def _report(
    world: World,
    victim: pd.Series,
    day: date,
    suspect: pd.Series | None,
    style: str = "ni",
    suspect_style: str = "ni",
    victim_name: str | None = None,
) -> str:
    return police_report(
        world,
        offense=str(world.rng.choice(["online_defamation", "online_insult"])),
        received=day,
        victim=victim,
        victim_style=style,
        victim_name=victim_name,
        suspect=suspect,
        suspect_style=suspect_style,
        views=int(world.rng.integers(10, 900)),
        reposts=int(world.rng.integers(0, 90)),
    )


def plant_cluster(world: World, pop: Population, instances: int) -> None:
    """Model 10: victims attacked by several people, and minors."""
    t = world.truth
    for _ in range(instances):
        t0 = world.days_ago(int(world.rng.integers(200, 900)))

        def refs(keys: list[str]) -> list[dict]:
            return [ref("police_reports", report_id=k) for k in keys]

        victim = world.adult(t0)
        keys = [
            _report(world, victim, t0, world.adult(t0), "ni"),
            _report(world, victim, t0 + timedelta(days=25), world.adult(t0), "nip"),
            _report(world, victim, t0 + timedelta(days=60), world.adult(t0), "np"),
        ]
        world.force("police_reports", keys[1], "victim_id_no", "fullwidth")
        world.force("police_reports", keys[2], "victim_name", "inner_space")
        t.violation(
            CLUSTER,
            refs(keys),
            refs(keys),
            {"kind": "person", "entity_id": victim["entity"]},
            "three suspects in 60 days; victim named by number, full-width number, and name + phone",
            True,
        )

        victim = world.adult(t0)
        keys = [
            _report(world, victim, t0, world.adult(t0), "nip"),
            _report(world, victim, t0 + timedelta(days=20), world.adult(t0), "ni"),
        ]
        case = court_case(
            world,
            case_type="private_prosecution",
            cause="reputation_dispute",
            filed=t0 + timedelta(days=40),
            closed=None,
            method=None,
            claim=None,
            parties=[("plaintiff", victim, "nip"), ("defendant", world.adult(t0), "ni")],
        )
        anchor = [*refs(keys), ref("court_cases", case_no=case)]
        t.violation(
            CLUSTER,
            anchor,
            anchor,
            {"kind": "person", "entity_id": victim["entity"]},
            "two reported attackers and a third sued by private prosecution, within 40 days",
            True,
        )

        minor = world.person(15, t0, "F")
        keys = [_report(world, minor, t0, world.adult(t0), "nib")]
        t.violation(
            CLUSTER,
            refs(keys),
            refs(keys),
            {"kind": "person", "entity_id": minor["entity"]},
            "victim aged 15 at the report",
        )

        victim = world.adult(t0)
        repeat = world.adult(t0)
        keys = [
            _report(world, victim, t0, repeat, "ni", "ni"),
            _report(world, victim, t0 + timedelta(days=10), repeat, "ni", "ni"),
            _report(world, victim, t0 + timedelta(days=20), world.adult(t0), "ni"),
        ]
        world.force("police_reports", keys[1], "suspect_id_no", "legacy15")
        t.near_miss(
            CLUSTER,
            refs(keys),
            "three reports but two name the same suspect (18- and 15-digit numbers)",
            True,
        )

        victim = world.adult(t0)
        keys = [_report(world, victim, t0 + timedelta(days=d), world.adult(t0)) for d in (0, 75, 150)]
        t.near_miss(CLUSTER, refs(keys), "three suspects spread over 150 days: any 90-day window holds two")

        victim = world.adult(t0)
        keys = [
            _report(world, victim, t0, world.adult(t0)),
            _report(world, victim, t0 + timedelta(days=15), None),
            _report(world, victim, t0 + timedelta(days=30), world.adult(t0)),
        ]
        t.near_miss(CLUSTER, refs(keys), "three reports, one with a blank suspect: two distinct suspects")

        victim = world.adult(t0)
        namesake = world.homonym(victim)
        keys = [
            _report(world, v, t0 + timedelta(days=d), world.adult(t0), "nip")
            for v, d in ((victim, 0), (namesake, 10), (victim, 20), (namesake, 30))
        ]
        t.near_miss(CLUSTER, refs(keys), "two different victims of the same name, two attackers each", True)

        turning = world.person(18, t0, "M", days_after_birthday=0)
        keys = [_report(world, turning, t0, world.adult(t0), "nib")]
        t.near_miss(CLUSTER, refs(keys), "boundary age 18: the victim turns 18 on the report date")
