"""Tiny warehouses built directly in DuckDB per docs/architecture.md (test helpers)."""

from __future__ import annotations

import random
from typing import Any

import duckdb
from stdnum.cn import ric, uscc

TABLES = {
    "police_reports": "report_id VARCHAR, region_code VARCHAR, victim_name VARCHAR, victim_id_no VARCHAR, "
    "victim_id_no_valid BOOLEAN, victim_birth_date DATE, victim_phone VARCHAR, suspect_name VARCHAR, "
    "suspect_id_no VARCHAR, suspect_id_no_valid BOOLEAN",
    "criminal_cases": "case_no VARCHAR, suspect_key VARCHAR, region_code VARCHAR, suspect_name VARCHAR, "
    "suspect_id_no VARCHAR, suspect_id_no_valid BOOLEAN, suspect_uscc VARCHAR, suspect_uscc_valid BOOLEAN, "
    "platform_name VARCHAR, platform_uscc VARCHAR, platform_uscc_valid BOOLEAN",
    "medical_visits": "visit_id VARCHAR, hospital_uscc VARCHAR, hospital_uscc_valid BOOLEAN, "
    "hospital_name VARCHAR, region_code VARCHAR, patient_name VARCHAR, patient_id_no VARCHAR, "
    "patient_id_no_valid BOOLEAN, patient_birth_date DATE, patient_sex VARCHAR, patient_phone VARCHAR",
    "admin_penalties": "penalty_id VARCHAR, region_code VARCHAR, party_type VARCHAR, party_name VARCHAR, "
    "party_id_no VARCHAR, party_id_no_valid BOOLEAN, party_uscc VARCHAR, party_uscc_valid BOOLEAN",
    "court_parties": "case_no VARCHAR, party_key VARCHAR, role VARCHAR, name VARCHAR, id_no VARCHAR, "
    "id_no_valid BOOLEAN, uscc VARCHAR, uscc_valid BOOLEAN, phone VARCHAR, address VARCHAR",
    "app_reports": "report_id VARCHAR, app_name VARCHAR, operator_name VARCHAR, operator_uscc VARCHAR, "
    "operator_uscc_valid BOOLEAN, operator_region_code VARCHAR",
}


def make_id(region: str, birth: str, seq: int) -> str:
    """A valid 18-character identity number."""
    body = f"{region}{birth.replace('-', '')}{seq:03d}"
    return body + ric.calc_check_digit(body)


def make_uscc(n: int) -> str:
    """A valid USCC."""
    body = f"91330100MA2{n:06d}"
    return body + uscc.calc_check_digit(body)


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    for name, cols in TABLES.items():
        con.execute(f"CREATE TABLE IF NOT EXISTS {name} ({cols})")


def insert(con: duckdb.DuckDBPyConnection, table: str, **row: Any) -> None:
    """Insert one row; missing columns stay NULL."""
    cols = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    con.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(row.values()))



SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚英华玉兰"
HOMOPHONES = {"伟": "玮", "芳": "方", "静": "晶", "丽": "莉", "明": "鸣", "华": "桦", "军": "君", "杰": "洁"}


def populate_people(con: duckdb.DuckDBPyConnection, n_people: int, seed: int) -> dict[str, str]:
    """Noisy patients and victims of ``n_people`` people; return mention ref -> true person."""
    rng = random.Random(seed)
    truth: dict[str, str] = {}
    serial = 0
    for person in range(n_people):
        birth = f"{rng.randrange(1950, 2015)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))
        id_no = make_id(rng.choice(["330102", "330106", "330110"]), birth, person)
        phone = "13" + "".join(str(rng.randrange(10)) for _ in range(9))
        for visit in range(rng.choice([1, 2, 3])):
            serial += 1
            spelled = "".join(HOMOPHONES.get(c, c) for c in name) if rng.random() < 0.1 else name
            has_id = rng.random() < 0.6
            table, prefix, role = (("medical_visits", "patient", "patient") if visit or rng.random() < 0.5
                                   else ("police_reports", "victim", "victim"))
            key = f"K{serial}"
            fields = {f"{prefix}_name": spelled,
                      f"{prefix}_id_no": id_no if has_id else None,
                      f"{prefix}_id_no_valid": True if has_id else None,
                      f"{prefix}_birth_date": birth if rng.random() < 0.9 else None,
                      f"{prefix}_phone": phone if rng.random() < 0.7 else None}
            if table == "medical_visits":
                insert(con, table, visit_id=key, region_code="330106", hospital_name="市第一人民医院",
                       hospital_uscc=make_uscc(1), hospital_uscc_valid=True, **fields)
            else:
                insert(con, table, report_id=key, region_code="330106", **fields)
            truth[f"{table}:{key}:{role}"] = f"person-{person}"
    return truth

