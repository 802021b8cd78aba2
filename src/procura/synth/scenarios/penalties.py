"""Planted cases for ``fines-instead-of-prosecution`` (2) and ``non-prosecution-without-penalty`` (4).

Both hinge on "the linked party": violations include a same-named *other*
person whose report or penalty must not count; near-misses are linked only
through a 15-digit or full-width identity number, or a lower-case USCC.
"""

from __future__ import annotations

from datetime import timedelta

from procura.synth.population import Population
from procura.synth.scenarios.records import admin_penalty, criminal_case, police_report
from procura.synth.schema import record_key
from procura.synth.truth import ref
from procura.synth.world import World

FINES = "fines-instead-of-prosecution"
NONPROS = "non-prosecution-without-penalty"


def _company(world: World, pop: Population, label: str):  # type: ignore[no-untyped-def]
    return world.add_orgs(
        "company", [f"{world.home.city_name.iloc[0]}{label}{world.keys('', 1, 5)[0]}商贸有限公司"]
    ).iloc[0]


def plant_fines(world: World, pop: Population, instances: int) -> None:
    """Model 2: untransferred penalties over a crime threshold."""
    t = world.truth
    for _ in range(instances):
        d = world.days_ago(int(world.rng.integers(400, 700)))

        def hit(key: str, party, note: str, needs_er: bool = False, extra: list | None = None) -> None:  # type: ignore[no-untyped-def]
            anchor = [ref("admin_penalties", penalty_id=key)]
            kind = "org" if str(party["entity"]).startswith("TO-") else "person"
            t.violation(
                FINES,
                anchor,
                anchor + (extra or []),
                {"kind": kind, "entity_id": party["entity"]},
                note,
                needs_er,
            )

        org = _company(world, pop, "鑫隆")
        hit(
            admin_penalty(
                world,
                party=org,
                style="u",
                violation="counterfeit_trademark_sales",
                decided=d,
                volume=50000.0,
                gain=8000.0,
            ),
            org,
            "counterfeit sales volume exactly 50000 (inclusive)",
        )
        person = world.adult(d)
        hit(
            admin_penalty(
                world,
                party=person,
                style="ni",
                violation="online_ip_infringement",
                decided=d,
                volume=12000.0,
                gain=30000.0,
            ),
            person,
            "IP infringement gain exactly 30000",
        )
        person = world.adult(d)
        key = admin_penalty(
            world,
            party=person,
            style="ni",
            violation="personal_info_violation",
            decided=d,
            records=5000,
            gain=100.0,
        )
        report = police_report(
            world,
            offense="personal_info_infringement",
            received=d - timedelta(days=370),
            suspect=person,
            filed=True,
        )
        hit(
            key,
            person,
            "5000 records; the only police report on the party is 370 days before",
            extra=[ref("police_reports", report_id=report)],
        )
        person = world.adult(d)
        other = world.homonym(person)
        key = admin_penalty(
            world,
            party=person,
            style="ni",
            violation="personal_info_violation",
            decided=d,
            records=8000,
            gain=6000.0,
        )
        police_report(
            world,
            offense="personal_info_infringement",
            received=d + timedelta(days=40),
            suspect=other,
            filed=True,
        )
        hit(
            key,
            person,
            "8000 records; a report 40 days later names a different person of the same name",
            True,
        )

        _fine_near_misses(world, pop, d)


def _fine_near_misses(world: World, pop: Population, d) -> None:  # type: ignore[no-untyped-def]
    t = world.truth

    def near(key: str, reason: str, needs_er: bool = False) -> None:
        t.near_miss(FINES, [ref("admin_penalties", penalty_id=key)], reason, needs_er)

    org = _company(world, pop, "恒泰")
    near(
        admin_penalty(
            world, party=org, style="u", violation="counterfeit_trademark_sales", decided=d, volume=49999.99
        ),
        "counterfeit sales volume 49999.99, just under 50000",
    )
    person = world.adult(d)
    near(
        admin_penalty(
            world,
            party=person,
            style="ni",
            violation="online_ip_infringement",
            decided=d,
            gain=80000.0,
            transferred=True,
        ),
        "over the threshold but transferred to the police",
    )
    person = world.adult(d)
    key = admin_penalty(
        world, party=person, style="ni", violation="personal_info_violation", decided=d, records=12000
    )
    report = police_report(
        world,
        offense="personal_info_infringement",
        received=d + timedelta(days=200),
        suspect=person,
        filed=False,
    )
    world.force("police_reports", report, "suspect_id_no", "legacy15")
    near(key, "the party is a suspect in a report 200 days later, named with the 15-digit number", True)
    org = _company(world, pop, "瑞丰")
    key = admin_penalty(
        world, party=org, style="u", violation="online_ip_infringement", decided=d, volume=90000.0
    )
    case = criminal_case(
        world,
        suspects=[(org, "u")],
        charge="copyright_infringement",
        stage="prosecuted",
        decision=d - timedelta(days=100),
    )
    world.force(
        "criminal_cases",
        record_key("criminal_cases", {"case_no": case, "suspect_key": "S1"}),
        "suspect_uscc",
        "lower",
    )
    near(key, "a criminal case against the company 100 days before, USCC written in lower case", True)
    person = world.adult(d)
    key = admin_penalty(
        world, party=person, style="ni", violation="counterfeit_trademark_sales", decided=d, volume=70000.0
    )
    police_report(
        world,
        offense="counterfeit_trademark_sales",
        received=d + timedelta(days=365),
        suspect=person,
        filed=True,
    )
    near(key, "a police report on the party exactly 365 days after the decision (inclusive)")
    person = world.adult(d)
    near(
        admin_penalty(
            world,
            party=person,
            style="ni",
            violation="price_violation",
            decided=d,
            volume=900000.0,
            gain=300000.0,
        ),
        "price violation: no crime threshold applies",
    )


def plant_nonpros(world: World, pop: Population, instances: int) -> None:
    """Model 4: non-prosecuted suspects never sent for an administrative penalty."""
    for _ in range(instances):
        _nonpros_round(world, pop)


def _nonpros_round(world: World, pop: Population) -> None:
    """One round of the planted cases."""
    t = world.truth
    d = world.days_ago(int(world.rng.integers(250, 700)))

    def case(party, charge: str, decision=d, referral=None, style: str = "ni") -> tuple[str, dict]:  # type: ignore[no-untyped-def]
        case_no = criminal_case(
            world,
            suspects=[(party, style)],
            charge=charge,
            stage="non_prosecuted",
            decision=decision,
            referral=referral,
        )
        return case_no, ref("criminal_cases", case_no=case_no, suspect_key="S1")

    def hit(r: dict, party, note: str, needs_er: bool = False) -> None:  # type: ignore[no-untyped-def]
        kind = "org" if str(party["entity"]).startswith("TO-") else "person"
        t.violation(NONPROS, [r], [r], {"kind": kind, "entity_id": party["entity"]}, note, needs_er)

    def penalty(party, days: int, style: str = "ni") -> str:  # type: ignore[no-untyped-def]
        return admin_penalty(
            world,
            party=party,
            style=style,
            violation="other",
            decided=d + timedelta(days=days),
            volume=2000.0,
            gain=500.0,
        )

    person = world.adult(d)
    hit(case(person, "personal_info_infringement")[1], person, "not prosecuted, referral field empty")
    org = _company(world, pop, "博远")
    _, r = case(org, "copyright_infringement", referral=False, style="u")
    penalty(org, -20, "u")
    hit(r, org, "company not prosecuted; its only penalty was 20 days before the decision")
    person = world.adult(d)
    _, r = case(person, "telecom_fraud")
    penalty(person, 200)
    hit(r, person, "penalised 200 days after the decision (window 180)")
    person = world.adult(d)
    _, r = case(person, "online_insult")
    penalty(world.homonym(person), 60)
    hit(r, person, "the penalty 60 days later is against a different person of the same name", True)
    person = world.adult(d)
    hit(
        case(person, "counterfeit_trademark_sales", decision=world.days_ago(30))[1],
        person,
        "decision exactly 30 days old (inclusive)",
    )

    person = world.adult(d)
    t.near_miss(
        NONPROS,
        [case(person, "personal_info_infringement", referral=True)[1]],
        "referral for administrative penalty was sent",
    )
    person = world.adult(d)
    t.near_miss(
        NONPROS,
        [case(person, "telecom_fraud", decision=world.days_ago(29))[1]],
        "decision only 29 days old",
    )
    person = world.adult(d)
    _, r = case(person, "online_defamation")
    key = penalty(person, 90)
    world.force("admin_penalties", key, "party_id_no", "fullwidth")
    t.near_miss(
        NONPROS, [r], "penalised 90 days after the decision; the penalty has a full-width number", True
    )
    org = _company(world, pop, "汇通")
    _, r = case(org, "copyright_infringement", style="u")
    key = penalty(org, 180, "u")
    world.force("admin_penalties", key, "party_uscc", "spaces")
    t.near_miss(
        NONPROS, [r], "company penalised exactly 180 days after the decision (inclusive), USCC spaced", True
    )
    person = world.adult(d)
    t.near_miss(NONPROS, [case(person, "other")[1]], "charge 'other' is not in the model's list")
