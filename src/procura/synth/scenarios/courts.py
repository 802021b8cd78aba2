"""Planted cases for ``false-litigation`` (model 8).

Violations: a lending company suing six times (named by USCC, lower-case USCC
and name only), a person suing five times with exactly 60% quick settlements
(named by 18- and 15-digit numbers and by name + phone), one whose number is
mistyped (a wrong digit, two swapped digits, a wrong check character), and
civil cases mediated between parties sharing a phone or an address.
Near-misses: 40% quick, only four suits, suits spread over 420 days, a
settlement on day 31, shared contacts closed by judgment or withdrawal, and a
fifth suit by a namesake whose phone differs in one digit.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from procura.synth.population import Population
from procura.synth.scenarios.records import court_case
from procura.synth.truth import ref
from procura.synth.world import World

MODEL = "false-litigation"
QUICK = ("mediation", "withdrawal")


def _suits(world: World, plaintiff: pd.Series, t0: date, plan: list[tuple[int, int, str, str]]) -> list[dict]:
    """Private-lending suits: (filed day, days to close, closing method, plaintiff style)."""
    keys = []
    for day, close_after, method, style in plan:
        filed = t0 + timedelta(days=day)
        keys.append(
            court_case(
                world,
                case_type="civil",
                cause="private_lending",
                filed=filed,
                closed=filed + timedelta(days=close_after),
                method=method,
                parties=[("plaintiff", plaintiff, style), ("defendant", world.adult(t0), "nip")],
            )
        )
    return [ref("court_cases", case_no=k) for k in keys]


def _lender(world: World):  # type: ignore[no-untyped-def]
    serial = world.keys("", 1, 4)[0]
    return world.add_orgs("lender", [f"{world.home.city_name.iloc[0]}融信{serial}小额贷款有限公司"]).iloc[0]


def plant(world: World, pop: Population, instances: int) -> None:
    """Plant ``instances`` rounds of serial and collusive plaintiffs."""
    t = world.truth
    for _ in range(instances):
        t0 = world.days_ago(int(world.rng.integers(500, 900)))

        def hit(p, anchor: list[dict], note: str, needs_er: bool = False) -> None:  # type: ignore[no-untyped-def]
            kind = "org" if str(p["entity"]).startswith("TO-") else "person"
            t.violation(MODEL, anchor, anchor, {"kind": kind, "entity_id": p["entity"]}, note, needs_er)

        lender = _lender(world)
        anchor = _suits(
            world,
            lender,
            t0,
            [
                (0, 10, "mediation", "u"),
                (30, 20, "withdrawal", "u"),
                (60, 120, "judgment", "u"),
                (90, 15, "mediation", "u"),
                (120, 25, "mediation", "n"),
                (150, 200, "judgment", "u"),
            ],
        )
        world.force("court_parties", f"{anchor[1]['key']['case_no']}|P1", "uscc", "lower")
        hit(
            lender,
            anchor,
            "six suits in 150 days, four settled within 30 days; lender named three ways",
            True,
        )

        person = world.adult(t0)
        anchor = _suits(
            world,
            person,
            t0,
            [
                (0, 5, "mediation", "ni"),
                (20, 12, "withdrawal", "ni"),
                (40, 30, "mediation", "nip"),
                (60, 90, "judgment", "np"),
                (80, 100, "judgment", "ni"),
            ],
        )
        world.force("court_parties", f"{anchor[1]['key']['case_no']}|P1", "id_no", "legacy15")
        hit(person, anchor, "five suits, three settled within 30 days (60%, inclusive; one on day 30)", True)

        _typo_plaintiff(world, t0)

        for shared, note in (
            ("phone", "plaintiff and defendant share a phone; mediated"),
            ("address", "plaintiff and defendant share an address; mediated"),
        ):
            plaintiff, defendant = world.adult(t0), world.adult(t0)
            filed = t0 + timedelta(days=10)
            key = court_case(
                world,
                case_type="civil",
                cause="other",
                filed=filed,
                closed=filed + timedelta(days=60),
                method="mediation",
                parties=[("plaintiff", plaintiff, "nipa"), ("defendant", defendant, "nipa")],
                overrides={1: {shared: plaintiff[shared]}},
            )
            hit(plaintiff, [ref("court_cases", case_no=key)], note)

        _near_misses(world, t0)


def similar_phone(phone: str) -> str:
    """The phone with its last digit changed: a different line one keystroke away."""
    return phone[:-1] + str((int(phone[-1]) + 1) % 10)


def _typo_plaintiff(world: World, t0: date) -> None:
    """A serial plaintiff whose number is mistyped in three suits and missing in one.

    The near-miss beside it: four quick suits by one person and a fifth by a
    different person of the same name whose phone differs in one digit.
    """
    person = world.adult(t0)
    anchor = _suits(
        world,
        person,
        t0,
        [
            (0, 5, "mediation", "nip"),
            (20, 12, "withdrawal", "ni"),
            (40, 30, "mediation", "ni"),
            (60, 90, "judgment", "np"),
            (80, 100, "judgment", "ni"),
        ],
    )
    for suit, typo in ((1, "digit_typo"), (2, "swap"), (4, "bad_check")):
        world.force("court_parties", f"{anchor[suit]['key']['case_no']}|P1", "id_no", typo)
    world.truth.violation(
        MODEL, anchor, anchor, {"kind": "person", "entity_id": person["entity"]},
        "five suits, three quick; the number has a wrong digit, two swapped digits and a wrong check "
        "character in three of them, one names the plaintiff by name and phone only",
        True,
    )
    person = world.adult(t0)
    namesake = world.homonym(person).copy()
    namesake["phone"] = similar_phone(str(person["phone"]))
    suits = _suits(world, person, t0, [(d, 5, "mediation", "nip") for d in (0, 20, 40, 60)])
    suits += _suits(world, namesake, t0, [(80, 5, "mediation", "np")])
    world.truth.near_miss(
        MODEL, suits,
        "four quick suits; the fifth is by a different person of the same name whose phone differs "
        "in one digit",
        True,
    )


def _near_misses(world: World, t0: date) -> None:
    t = world.truth
    plans = [
        (
            [
                (0, 5, "mediation"),
                (20, 10, "withdrawal"),
                (40, 90, "judgment"),
                (60, 100, "judgment"),
                (80, 60, "judgment"),
            ],
            "five suits, two settled quickly (40%)",
        ),
        (
            [(0, 5, "mediation"), (20, 10, "withdrawal"), (40, 7, "mediation"), (60, 3, "withdrawal")],
            "four suits, all settled quickly: fewer than five",
        ),
        (
            [(d, 5, "mediation") for d in (0, 100, 200, 300, 420)],
            "five quick suits spread over 420 days: any 365-day window holds four",
        ),
        (
            [
                (0, 5, "mediation"),
                (20, 10, "mediation"),
                (40, 31, "mediation"),
                (60, 90, "judgment"),
                (80, 90, "judgment"),
            ],
            "five suits; the third settled on day 31, so only 40% within 30 days",
        ),
    ]
    for plan, reason in plans:
        person = world.adult(t0)
        t.near_miss(MODEL, _suits(world, person, t0, [(*p, "ni") for p in plan]), reason)
    for shared, method, reason in (
        ("phone", "judgment", "shared phone, but decided by judgment"),
        ("address", "withdrawal", "shared address, but withdrawn, not mediated"),
    ):
        plaintiff, defendant = world.adult(t0), world.adult(t0)
        filed = t0 + timedelta(days=10)
        key = court_case(
            world,
            case_type="civil",
            cause="other",
            filed=filed,
            closed=filed + timedelta(days=40),
            method=method,
            parties=[("plaintiff", plaintiff, "nipa"), ("defendant", defendant, "nipa")],
            overrides={1: {shared: plaintiff[shared]}},
        )
        t.near_miss(MODEL, [ref("court_cases", case_no=key)], reason)
