"""Evidence beyond a clean identity number (ADR 0310): broken numbers, name + phone, folded names."""

from collections.abc import Callable

import duckdb
from link_fixtures import insert, make_id, populate_people

from procura.config import Settings
from procura.link.explain import explain
from procura.link.judgements import MentionRef
from procura.link.service import run_link
from procura.synth.noise import ID_TYPOS

Connect = Callable[[], duckdb.DuckDBPyConnection]
FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def _entities(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    rows = con.execute("SELECT table_name || ':' || record_key || ':' || role, entity_id FROM mentions")
    return dict(rows.fetchall())


def _suit(con: duckdb.DuckDBPyConnection, case_no: str, name: str, id_no: str | None = None,
          valid: bool | None = None, phone: str | None = None) -> str:
    insert(con, "court_parties", case_no=case_no, party_key="P1", role="plaintiff", name=name,
           id_no=id_no, id_no_valid=valid, phone=phone)
    return f"court_parties:{case_no}|P1:party"


def test_mistyped_numbers_join_the_plaintiff_a_different_valid_number_never(
    warehouse: Connect, with_model: Settings
) -> None:
    con = warehouse()
    populate_people(con, 120, seed=3)  # name frequencies as in a real warehouse
    good = make_id("330205", "1968-02-10", 428)
    wrong_check = good[:17] + ("1" if good[17] != "1" else "2")
    typo = ID_TYPOS["digit_typo"](good)
    spaced_fullwidth = (typo[:6] + " " + typo[6:14] + "-" + typo[14:]).translate(FULLWIDTH)
    refs = {
        "valid": _suit(con, "M1", "田芳", good, True, "18066896334"),
        "digit": _suit(con, "M2", "田芳", typo, False),
        "swap": _suit(con, "M3", "田芳", ID_TYPOS["swap"](good), False),
        "check": _suit(con, "M4", "田芳", wrong_check.lower(), False),
        "fullwidth": _suit(con, "M5", "田芳", spaced_fullwidth, False),
        "phone": _suit(con, "M6", "田芳", phone="180 6689 6334"),
        # Another woman of the same name, born the same day, whose valid number differs in one digit.
        "other": _suit(con, "M7", "田芳", make_id("330205", "1968-02-10", 426), True),
        "other_typo": _suit(con, "M8", "田芳", ID_TYPOS["digit_typo"](make_id("330205", "1968-02-10", 426)),
                            False),
    }
    run_link(con, with_model)
    ents = _entities(con)
    joined = {key for key, ref in refs.items() if ents[ref] == ents[refs["valid"]]}
    assert joined == {"valid", "digit", "swap", "check", "fullwidth", "phone"}
    assert ents[refs["other"]] != ents[refs["valid"]]
    swap = explain(con, with_model, MentionRef.parse(refs["swap"]), MentionRef.parse(refs["valid"]))
    joined_by, _ = swap.evidence()
    assert any("two swapped" in line for line in joined_by), joined_by
    apart = explain(con, with_model, MentionRef.parse(refs["other"]), MentionRef.parse(refs["valid"]))
    assert any("ADR 0301" in line for line in apart.constraints)


def test_a_namesake_whose_phone_differs_in_one_digit_stays_apart(
    warehouse: Connect, with_model: Settings
) -> None:
    con = warehouse()
    populate_people(con, 120, seed=3)
    a = _suit(con, "M1", "李秀兰", make_id("330102", "1956-03-04", 12), True, "13900001111")
    b = _suit(con, "M2", "李秀兰", phone="13900001111")
    c = _suit(con, "M3", "李秀兰", phone="13900001112")
    run_link(con, with_model)
    ents = _entities(con)
    assert ents[a] == ents[b] != ents[c]
    ex = explain(con, with_model, MentionRef.parse(a), MentionRef.parse(c))
    _, kept_apart = ex.evidence()
    assert any(line.startswith("phone") for line in kept_apart), kept_apart


def test_traditional_characters_and_minority_dots_link_by_name_and_birth_date(
    warehouse: Connect, with_model: Settings
) -> None:
    con = warehouse()
    populate_people(con, 120, seed=3)
    insert(con, "medical_visits", visit_id="V1", region_code="330106", hospital_name="医院",
           patient_name="阿依古丽·买买提", patient_birth_date="1990-05-06", patient_phone="13711112222")
    insert(con, "police_reports", report_id="R1", region_code="330106", victim_name="阿依古麗．買買提",
           victim_birth_date="1990-05-06")
    insert(con, "police_reports", report_id="R2", region_code="330106", victim_name="阿依古丽买买提",
           victim_phone="13711112222")
    insert(con, "police_reports", report_id="R3", region_code="330106", victim_name="張偉",
           victim_birth_date="1981-01-02", victim_phone="13655554444")
    insert(con, "medical_visits", visit_id="V2", region_code="330106", hospital_name="医院",
           patient_name="张伟", patient_birth_date="1981-01-02", patient_phone="13655554444")
    run_link(con, with_model)
    ents = _entities(con)
    ayigul = {ents[ref] for ref in ("medical_visits:V1:patient", "police_reports:R1:victim",
                                    "police_reports:R2:victim")}
    assert len(ayigul) == 1
    assert ents["police_reports:R3:victim"] == ents["medical_visits:V2:patient"]
