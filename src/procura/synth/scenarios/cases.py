"""Planted cases for ``pi-case-without-civil-pil`` (5) and ``vulnerable-victim-support`` (9).

Model 5 plants thresholds met exactly and a case where only the second
suspect's row carries the records; near-misses sit one below, have the suit
filed on another row, or are still at arrest review. Model 9 plants victims
exactly 60, aged 17, or disabled, with losses of exactly 10000, and victims
whose same-named *other* person sued (one with a phone a digit away);
near-misses are aged 59 or turn 18 on the decision date, lost 9999.99, or
sued later under name + phone only (the phone known from the victim record
or only from her police report).
"""

from __future__ import annotations

from datetime import timedelta

from procura.synth.population import Population
from procura.synth.scenarios.courts import similar_phone
from procura.synth.scenarios.records import case_victim, court_case, criminal_case, police_report
from procura.synth.truth import ref
from procura.synth.world import World

PIL = "pi-case-without-civil-pil"
VICTIMS = "vulnerable-victim-support"


def plant_pil(world: World, pop: Population, instances: int) -> None:
    """Model 5: mass personal-information cases without a civil public-interest suit."""
    t = world.truth
    plans: list[tuple[str, list[int], int, list[bool | None], bool, str]] = [
        ("prosecution_review", [5000], 3, [None], True, "records_count exactly 5000"),
        ("judged", [200, 300], 10, [False, False], True, "victims_count exactly 10"),
        ("prosecuted", [100, 8000], 4, [None, None], True, "the second suspect's row holds 8000 records"),
        ("prosecuted", [4999], 9, [None], False, "4999 records and 9 victims, both just below"),
        ("judged", [9000, 50], 2, [False, True], False, "civil public-interest suit filed on another row"),
        ("arrest_review", [9000], 30, [None], False, "stage arrest_review is not listed"),
    ]
    for _ in range(instances):
        d = world.days_ago(int(world.rng.integers(40, 900)))
        for stage, records, victims, pil, is_violation, note in plans:
            suspects = [(world.adult(d), "ni") for _ in records]
            case_no = criminal_case(
                world,
                suspects=suspects,
                charge="personal_info_infringement",
                stage=stage,
                decision=d,
                records=list(records),
                victims_count=victims,
                civil_pil=pil,
            )
            anchor = [ref("criminal_cases", case_no=case_no)]
            if is_violation:
                t.violation(
                    PIL,
                    anchor,
                    [
                        ref("criminal_cases", case_no=case_no, suspect_key=f"S{i + 1}")
                        for i in range(len(records))
                    ],
                    {"kind": "person", "entity_id": suspects[0][0]["entity"]},
                    note,
                )
            else:
                t.near_miss(PIL, anchor, note)


def plant_victims(world: World, pop: Population, instances: int) -> None:
    """Model 9: vulnerable victims of fraud and personal-information crimes without a civil claim."""
    for _ in range(instances):
        _victims_round(world, pop)


def _victims_round(world: World, pop: Population) -> None:
    """One round of the planted cases."""
    t = world.truth
    d = world.days_ago(int(world.rng.integers(200, 800)))
    case_no = criminal_case(
        world,
        suspects=[(world.adult(d), "ni")],
        charge="telecom_fraud",
        stage="judged",
        decision=d,
        victims_count=8,
    )
    index = iter(range(1, 100))

    def add(victim, style: str, loss: float, disability=None) -> dict:  # type: ignore[no-untyped-def]
        key = case_victim(world, case_no, next(index), victim, style, loss=loss, disability=disability)
        return ref("criminal_case_victims", case_no=case_no, victim_key=key)

    def hit(r: dict, victim, note: str, needs_er: bool = False) -> None:  # type: ignore[no-untyped-def]
        t.violation(VICTIMS, [r], [r], {"kind": "person", "entity_id": victim["entity"]}, note, needs_er)

    def sue(victim, days: int, style: str = "ni"):  # type: ignore[no-untyped-def]
        return court_case(
            world,
            case_type="civil",
            cause="other",
            filed=d + timedelta(days=days),
            closed=None,
            method=None,
            parties=[("plaintiff", victim, style), ("defendant", world.adult(d), "ni")],
        )

    v = world.person(60, d, "M", days_after_birthday=0)
    hit(add(v, "nib", 10000.0), v, "60th birthday on the decision date, loss exactly 10000")
    v = world.person(17, d, "F")
    hit(add(v, "nbp", 25000.0), v, "minor aged 17, no identity number in the case file")
    v = world.adult(d)
    hit(add(v, "ni", 50000.0, disability=True), v, "disabled adult")
    v = world.person(70, d, "F")
    r = add(v, "nip", 30000.0)
    sue(v, -30)
    hit(r, v, "aged 70; the victim's own civil suit was filed before the decision")
    v = world.person(65, d, "M")
    r = add(v, "ni", 40000.0)
    sue(world.homonym(v), 50)
    hit(r, v, "aged 65; the later civil suit is by a different person of the same name", True)
    v = world.person(68, d, "F")
    r = add(v, "nip", 35000.0)
    namesake = world.homonym(v).copy()
    namesake["phone"] = similar_phone(str(v["phone"]))
    sue(namesake, 40, "np")
    hit(r, v, "aged 68; the later suit is by a namesake whose phone differs in one digit", True)

    def near(r: dict, reason: str, needs_er: bool = False) -> None:
        t.near_miss(VICTIMS, [r], reason, needs_er)

    v = world.person(59, d, "F", days_after_birthday=364)
    near(add(v, "nib", 20000.0), "aged 59, days short of the 60th birthday on the decision date")
    v = world.person(18, d, "M", days_after_birthday=0)
    near(add(v, "nib", 20000.0), "boundary age 18: turns 18 on the decision date")
    v = world.person(75, d, "F")
    near(add(v, "nib", 9999.99), "loss 9999.99, just under 10000")
    v = world.person(72, d, "M")
    r = add(v, "nip", 60000.0)
    sue(v, 60, "np")
    near(r, "sued 60 days after the decision; the court knows the victim by name and phone only", True)
    v = world.person(77, d, "F")
    r = add(v, "ni", 45000.0)
    police_report(world, offense="telecom_fraud", received=d - timedelta(days=90), victim=v,
                  victim_style="nibp")
    sue(v, 30, "np")
    near(r, "sued 30 days after the decision by name and phone only; the phone is known from her "
         "police report", True)

    other_case = criminal_case(
        world,
        suspects=[(world.adult(d), "ni")],
        charge="personal_info_infringement",
        stage="prosecution_review",
        decision=d,
        records=[100],
        victims_count=2,
    )
    v = world.person(80, d, "F")
    key = case_victim(world, other_case, 1, v, "nib", loss=90000.0)
    near(
        ref("criminal_case_victims", case_no=other_case, victim_key=key),
        "case only at prosecution review",
    )
