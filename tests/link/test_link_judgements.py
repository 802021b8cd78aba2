from collections.abc import Callable

import duckdb
import pytest
from link_fixtures import insert

from procura.config import Settings
from procura.link.judgements import JudgementError, MentionRef, latest, record
from procura.link.service import run_link

Connect = Callable[[], duckdb.DuckDBPyConnection]


def test_mention_refs_keep_pipes_and_colons_in_keys() -> None:
    ref = MentionRef.parse("criminal_cases:C:1|S1:suspect")
    assert (ref.table_name, ref.record_key, ref.role) == ("criminal_cases", "C:1|S1", "suspect")
    assert str(ref) == "criminal_cases:C:1|S1:suspect"
    with pytest.raises(JudgementError, match="TABLE:KEY:ROLE"):
        MentionRef.parse("police_reports")


def test_bad_judgements_are_refused(warehouse: Connect, settings: Settings) -> None:
    con = warehouse()
    insert(con, "medical_visits", visit_id="V1", region_code="330106", hospital_name="某医院",
           patient_name="张三")
    run_link(con, settings)
    patient = MentionRef.parse("medical_visits:V1:patient")
    hospital = MentionRef.parse("medical_visits:V1:hospital")
    with pytest.raises(JudgementError, match="cannot be the same"):
        record(con, patient, hospital, "same", user="甲")
    with pytest.raises(JudgementError, match="two different mentions"):
        record(con, patient, patient, "different", user="甲")
    with pytest.raises(JudgementError, match="reviewer's name"):
        record(con, patient, hospital, "different", user=" ")
    with pytest.raises(JudgementError, match="no such mention"):
        record(con, patient, MentionRef.parse("medical_visits:V9:patient"), "different", user="甲")


def test_latest_judgement_of_a_pair_counts_and_history_stays(warehouse: Connect, settings: Settings) -> None:
    con = warehouse()
    for key in ("R1", "R2"):
        insert(con, "police_reports", report_id=key, region_code="330106", victim_name="李四")
    run_link(con, settings)
    a, b = MentionRef.parse("police_reports:R2:victim"), MentionRef.parse("police_reports:R1:victim")
    record(con, a, b, "unsure", user="甲")
    record(con, b, a, "same", user="乙", note="同一身份证复印件")
    [judgement] = latest(con)
    assert (judgement.left, judgement.right, judgement.decision, judgement.user_name) == (b, a, "same", "乙")
    assert con.execute("SELECT count(*) FROM _link_judgements").fetchone() == (2,)
