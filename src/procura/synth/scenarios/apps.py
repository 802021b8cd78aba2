"""Planted cases for ``app-pi-violations`` (model 6).

Violations: five reports from two regions naming the operator by USCC,
lower-case and full-width USCC, by name only and by app name only (so only
entity resolution groups them); two ``minors_info`` reports; one report about
an operator that is the platform of a personal-information crime; reports
spanning two provinces. Near-misses: one region only, a fifth report of the
wrong issue type, five reports spread over 420 days, a single minors report,
and a platform of a telecom-fraud (not personal-information) case.
"""

from __future__ import annotations

from datetime import timedelta

from procura.synth.population import APP_SUFFIX, APP_WORDS, Population
from procura.synth.scenarios.records import app_report, criminal_case
from procura.synth.truth import ref
from procura.synth.world import World

MODEL = "app-pi-violations"
QUALIFYING = ("over_collection", "leakage", "no_consent")


def _operator(world: World):  # type: ignore[no-untyped-def]
    rng = world.rng
    serial = world.keys("", 1, 4)[0]
    app = f"{rng.choice(APP_WORDS)}{rng.choice(APP_WORDS)}{rng.choice(APP_SUFFIX)}{serial[-2:]}"
    name = f"{world.home.city_name.iloc[0]}{app}网络科技有限公司"
    return world.add_orgs("operator", [name], app_names=[app]).iloc[0]


def plant(world: World, pop: Population, instances: int) -> None:
    """Plant ``instances`` rounds of operators that are and are not leads."""
    for _ in range(instances):
        _round(world, pop)


def _round(world: World, pop: Population) -> None:
    """One round of the planted cases."""
    t = world.truth
    t0 = world.days_ago(int(world.rng.integers(450, 900)))
    a, b = (str(c) for c in world.home_counties(2))
    while b == a:
        b = str(world.home_counties(1)[0])

    def reports(op, plan: list[tuple[int, str, str, str]]) -> list[dict]:  # type: ignore[no-untyped-def]
        keys = [
            app_report(
                world,
                operator=op,
                style=style,
                reported=t0 + timedelta(days=day),
                issue=issue,
                region=region,
            )
            for day, issue, style, region in plan
        ]
        return [ref("app_reports", report_id=k) for k in keys]

    def hit(op, anchor: list[dict], note: str, needs_er: bool = False, extra: list | None = None) -> None:  # type: ignore[no-untyped-def]
        t.violation(
            MODEL,
            anchor,
            anchor + (extra or []),
            {"kind": "org", "entity_id": op["entity"]},
            note,
            needs_er,
        )

    op = _operator(world)
    anchor = reports(
        op,
        [
            (0, "over_collection", "nu", a),
            (30, "no_consent", "nu", a),
            (60, "leakage", "nu", b),
            (90, "over_collection", "n", b),
            (120, "no_consent", "", a),
        ],
    )
    world.force("app_reports", anchor[1]["key"]["report_id"], "operator_uscc", "lower")
    world.force("app_reports", anchor[2]["key"]["report_id"], "operator_uscc", "fullwidth")
    hit(op, anchor, "five reports, two regions, in 120 days; operator named five different ways", True)

    op = _operator(world)
    hit(
        op,
        reports(op, [(0, "minors_info", "nu", a), (100, "minors_info", "nu", a)]),
        "two minors_info reports 100 days apart",
    )

    op = _operator(world)
    case_no = criminal_case(
        world,
        suspects=[(world.adult(t0), "ni")],
        charge="personal_info_infringement",
        stage="judged",
        decision=t0 - timedelta(days=30),
        records=[300],
        victims_count=3,
        platform=op,
    )
    hit(
        op,
        reports(op, [(10, "leakage", "nu", a)]),
        "one report; the operator is the platform of a PI crime",
        extra=[ref("criminal_cases", case_no=case_no, suspect_key="S1")],
    )

    op = _operator(world)
    far = str(world.other_counties(1)[0])
    hit(
        op,
        reports(
            op,
            [
                (0, "no_consent", "nu", a),
                (40, "no_consent", "nu", far),
                (80, "leakage", "nu", a),
                (120, "over_collection", "nu", far),
                (160, "over_collection", "nu", b),
            ],
        ),
        "five reports from two provinces (jurisdiction escalates to the lowest common level)",
    )

    op = _operator(world)
    t.near_miss(
        MODEL,
        reports(op, [(d, "over_collection", "nu", a) for d in (0, 20, 40, 60, 80)]),
        "five reports, all from one region",
    )
    op = _operator(world)
    t.near_miss(
        MODEL,
        reports(
            op,
            [
                (0, "over_collection", "nu", a),
                (20, "leakage", "nu", b),
                (40, "no_consent", "nu", a),
                (60, "no_consent", "nu", b),
                (80, "price_discrimination", "nu", a),
            ],
        ),
        "four qualifying reports; the fifth is price discrimination",
    )
    op = _operator(world)
    t.near_miss(
        MODEL,
        reports(
            op,
            [(d, QUALIFYING[i % 3], "nu", (a, b)[i % 2]) for i, d in enumerate((0, 100, 200, 300, 420))],
        ),
        "five reports from two regions spread over 420 days: any 365-day window holds four",
    )
    op = _operator(world)
    t.near_miss(MODEL, reports(op, [(0, "minors_info", "nu", a)]), "a single minors_info report")
    op = _operator(world)
    criminal_case(
        world,
        suspects=[(world.adult(t0), "ni")],
        charge="telecom_fraud",
        stage="judged",
        decision=t0,
        victims_count=5,
        platform=op,
    )
    t.near_miss(
        MODEL,
        reports(op, [(30, "leakage", "nu", a)]),
        "one report; the operator is the platform of a telecom-fraud case, not a PI crime",
    )
