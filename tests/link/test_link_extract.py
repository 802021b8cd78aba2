from collections.abc import Callable

import duckdb
import pytest
from link_fixtures import insert, make_id, make_uscc

from procura.errors import WarehouseError
from procura.link.extract import extract

Connect = Callable[[], duckdb.DuckDBPyConnection]


def _rows(con: duckdb.DuckDBPyConnection, where: str = "TRUE") -> list[dict]:
    cur = con.execute(f"SELECT * FROM _link_input WHERE {where} ORDER BY table_name, record_key, role")
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def test_a_blank_suspect_is_no_one(warehouse: Connect) -> None:
    con = warehouse()
    insert(con, "police_reports", report_id="R1", region_code="330106", victim_name="张三", suspect_name="  ")
    extract(con)
    assert [(r["role"], r["name"]) for r in _rows(con)] == [("victim", "张三")]


def test_kinds_follow_the_contract(warehouse: Connect) -> None:
    con = warehouse()
    insert(con, "criminal_cases", case_no="C1", suspect_key="S1", suspect_name="某某科技有限公司",
           suspect_uscc=make_uscc(5), suspect_uscc_valid=True, platform_name="某平台")
    insert(con, "criminal_cases", case_no="C1", suspect_key="S2", suspect_name="李四")
    insert(con, "admin_penalties", penalty_id="P1", party_type="org", party_name="某店")
    insert(con, "court_parties", case_no="M1", party_key="1", name="王五", phone="+86 138-0000-0000")
    insert(con, "app_reports", report_id="A1", app_name="某App")
    extract(con)
    kinds = {(r["table_name"], r["record_key"], r["role"]): (r["kind"], r["name"]) for r in _rows(con)}
    assert kinds == {
        ("criminal_cases", "C1|S1", "suspect"): ("org", "某某科技"),
        ("criminal_cases", "C1|S1", "platform"): ("org", "某平台"),
        ("criminal_cases", "C1|S2", "suspect"): ("person", "李四"),
        ("admin_penalties", "P1", "party"): ("org", "某店"),
        ("court_parties", "M1|1", "party"): ("person", "王五"),
        ("app_reports", "A1", "operator"): ("org", "某app"),
    }
    phone = _rows(con, "table_name = 'court_parties'")[0]["phone"]
    assert phone == "13800000000"


def test_birth_date_and_sex_come_from_a_valid_id(warehouse: Connect) -> None:
    con = warehouse()
    id_no = make_id("330106", "1990-03-07", 13)  # odd sequence digit: male
    insert(con, "medical_visits", visit_id="V1", region_code="330106", hospital_name="医院",
           patient_name="赵六", patient_id_no=id_no, patient_id_no_valid=True)
    extract(con)
    row = _rows(con, "role = 'patient'")[0]
    assert (str(row["birth_date"]), row["sex"], row["id_valid"]) == ("1990-03-07", "M", True)
    assert row["node_key"] == f"person/id:{id_no}"


def test_org_name_joins_the_one_valid_uscc_of_that_name(warehouse: Connect) -> None:
    con = warehouse()
    code = make_uscc(9)
    insert(con, "medical_visits", visit_id="V1", region_code="330106", hospital_name="第一医院有限公司",
           hospital_uscc=code, hospital_uscc_valid=True, patient_name="甲")
    insert(con, "medical_visits", visit_id="V2", region_code="330106", hospital_name="第一医院",
           hospital_uscc="BROKEN", hospital_uscc_valid=False, patient_name="乙")
    extract(con)
    nodes = {r["record_key"]: r["node_key"] for r in _rows(con, "kind = 'org'")}
    assert nodes == {"V1": f"org/uscc:{code}", "V2": f"org/uscc:{code}"}


def test_identical_informative_mentions_share_a_profile_name_only_do_not(warehouse: Connect) -> None:
    con = warehouse()
    for key in ("V1", "V2"):
        insert(con, "medical_visits", visit_id=key, region_code="330106", hospital_name="医院",
               patient_name="钱七", patient_birth_date="1980-01-01")
    for key in ("R1", "R2"):
        insert(con, "police_reports", report_id=key, region_code="330106", suspect_name="孙八")
    extract(con)
    profiles = {r["record_key"]: r["profile_id"] for r in _rows(con, "kind = 'person'")}
    assert profiles["V1"] == profiles["V2"]
    assert profiles["R1"] != profiles["R2"]
    assert con.execute("SELECT count(*) FROM _link_profiles").fetchone() == (3,)


def test_missing_contract_column_is_a_clear_error(settings) -> None:  # type: ignore[no-untyped-def]
    con = duckdb.connect(str(settings.warehouse_path))
    con.execute("CREATE TABLE police_reports (report_id VARCHAR, victim_name VARCHAR)")
    with pytest.raises(WarehouseError, match="police_reports: missing columns"):
        extract(con)


def test_an_app_without_operator_joins_the_operator_of_that_app(warehouse: Connect) -> None:
    con = warehouse()
    code = make_uscc(77)
    insert(con, "app_reports", report_id="A1", app_name="米火聊", operator_name="杭州米火网络科技有限公司",
           operator_uscc=code, operator_uscc_valid=True)
    insert(con, "app_reports", report_id="A2", app_name="米火聊", operator_name=None)
    insert(con, "app_reports", report_id="A3", app_name="别的App", operator_name=None)
    extract(con)
    nodes = {r["record_key"]: r["node_key"] for r in _rows(con)}
    assert nodes == {"A1": f"org/uscc:{code}", "A2": f"org/uscc:{code}", "A3": "org/name:别的app"}
