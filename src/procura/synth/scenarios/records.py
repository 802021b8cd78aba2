"""Row builders for planted scenarios: one call adds one record and returns its key.

A record names a person through a *style*: the letters of the fields it fills
(``n`` name, ``i`` identity number, ``b`` birth date, ``p`` phone, ``a`` address,
``s`` sex). ``name=`` overrides the written name (homophone typos).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from procura.synth.world import World


def _ts(day: date | None) -> pd.Timestamp | None:
    return pd.Timestamp(day) if day is not None else None


def named(p: pd.Series | None, style: str, fields: dict[str, str], name: str | None = None) -> dict[str, Any]:
    """The fields of one role naming ``p`` in ``style``; an empty role when ``p`` is None."""
    letters = {"n": "name", "i": "id_no", "b": "birth", "p": "phone", "a": "address", "s": "sex"}
    out: dict[str, Any] = {field_name: None for field_name in fields.values()}
    if p is None:
        return out
    for letter in style:
        attr = letters[letter]
        if attr in fields:
            value = p[attr]
            out[fields[attr]] = pd.Timestamp(value) if attr == "birth" else value
    if name is not None:
        out[fields["name"]] = name
    return out


def police_report(
    world: World,
    *,
    offense: str,
    received: date,
    victim: pd.Series | None = None,
    victim_style: str = "nibp",
    victim_name: str | None = None,
    suspect: pd.Series | None = None,
    suspect_style: str = "ni",
    suspect_name: str | None = None,
    filed: bool = False,
    views: int | None = None,
    reposts: int | None = None,
    region: str | None = None,
) -> str:
    """A police report; returns its ``report_id``."""
    key = world.keys("PR-", 1)[0]
    region = region or str(world.home_counties(1)[0])
    row = {
        "report_id": key,
        "region_code": region,
        "police_unit": world.counties.loc[region, "name"] + "公安分局",
        "received_at": _ts(received),
        "offense_type": offense,
        **named(
            victim,
            victim_style,
            {
                "name": "victim_name",
                "id_no": "victim_id_no",
                "birth": "victim_birth_date",
                "phone": "victim_phone",
            },
            victim_name,
        ),
        **named(suspect, suspect_style, {"name": "suspect_name", "id_no": "suspect_id_no"}, suspect_name),
        "description": f"{offense} 报案",
        "views_count": views,
        "reposts_count": reposts,
        "filed": filed,
        "filed_at": _ts(received) + pd.Timedelta(days=3) if filed else None,
        "police_case_no": "A" + key[3:] if filed else None,
        "not_filed_reason": None if filed else "尚在审查 / under review",
        "_e_victim": victim["entity"] if victim is not None else None,
        "_e_suspect": suspect["entity"] if suspect is not None else None,
    }
    world.add_rows("police_reports", [row])
    return key


def medical_visit(
    world: World,
    *,
    patient: pd.Series,
    style: str,
    hospital: pd.Series,
    visit: date,
    icd10: str,
    text: str,
    name: str | None = None,
) -> str:
    """A hospital visit; returns its ``visit_id``."""
    key = world.keys("MV-", 1)[0]
    row = {
        "visit_id": key,
        "hospital_uscc": hospital["uscc"],
        "hospital_name": hospital["name"],
        "region_code": hospital["region"],
        **named(
            patient,
            style,
            {
                "name": "patient_name",
                "id_no": "patient_id_no",
                "birth": "patient_birth_date",
                "sex": "patient_sex",
                "phone": "patient_phone",
            },
            name,
        ),
        "visit_date": _ts(visit),
        "icd10": icd10,
        "diagnosis_text": text,
        "department": "急诊科",
        "_e_patient": patient["entity"],
        "_e_hospital": hospital["entity"],
    }
    world.add_rows("medical_visits", [row])
    return key


def criminal_case(
    world: World,
    *,
    suspects: list[tuple[pd.Series, str]],
    charge: str,
    stage: str,
    decision: date | None,
    records: list[int | None] | None = None,
    victims_count: int | None = None,
    civil_pil: list[Any] | None = None,
    referral: Any = None,
    platform: pd.Series | None = None,
    names: list[str | None] | None = None,
) -> str:
    """A criminal case with one row per ``(suspect, style)``; an org suspect uses style ``u``/``n``."""
    key = world.keys("CC-", 1)[0]
    rows = []
    for index, (suspect, style) in enumerate(suspects):
        is_org = str(suspect["entity"]).startswith("TO-")
        name = names[index] if names else None
        rows.append(
            {
                "case_no": key,
                "suspect_key": f"S{index + 1}",
                "region_code": str(world.home_counties(1)[0]),
                "charge": charge,
                "suspect_name": name or suspect["name"],
                "suspect_id_no": None if is_org or "i" not in style else suspect["id_no"],
                "suspect_uscc": suspect["uscc"] if is_org and "u" in style else None,
                "stage": stage,
                "decision_date": _ts(decision),
                "records_count": records[index] if records else None,
                "illegal_gain": 20000.0,
                "victims_count": victims_count,
                "platform_name": platform["name"] if platform is not None else None,
                "platform_uscc": platform["uscc"] if platform is not None else None,
                "civil_pil_filed": civil_pil[index] if civil_pil else None,
                "admin_referral_sent": referral,
                "_e_suspect": suspect["entity"],
                "_e_platform": platform["entity"] if platform is not None else None,
            }
        )
    world.add_rows("criminal_cases", rows)
    return key


def case_victim(
    world: World,
    case_no: str,
    index: int,
    victim: pd.Series,
    style: str,
    *,
    loss: float,
    disability: Any = None,
    name: str | None = None,
) -> str:
    """A named victim of a criminal case; returns its ``victim_key``."""
    victim_key = f"V{index}"
    world.add_rows(
        "criminal_case_victims",
        [
            {
                "case_no": case_no,
                "victim_key": victim_key,
                **named(
                    victim,
                    style,
                    {
                        "name": "victim_name",
                        "id_no": "victim_id_no",
                        "birth": "victim_birth_date",
                        "phone": "victim_phone",
                    },
                    name,
                ),
                "disability": disability,
                "loss_amount": loss,
                "_e_victim": victim["entity"],
            }
        ],
    )
    return victim_key


def admin_penalty(
    world: World,
    *,
    party: pd.Series,
    style: str,
    violation: str,
    decided: date,
    volume: float | None = None,
    gain: float | None = None,
    records: int | None = None,
    transferred: bool = False,
    name: str | None = None,
) -> str:
    """An administrative penalty against a person (style letters) or an org (``u`` = with USCC)."""
    key = world.keys("AP-", 1)[0]
    is_org = str(party["entity"]).startswith("TO-")
    world.add_rows(
        "admin_penalties",
        [
            {
                "penalty_id": key,
                "agency_type": "market_regulation"
                if violation != "personal_info_violation"
                else "cyberspace",
                "region_code": str(world.home_counties(1)[0]),
                "decided_at": _ts(decided),
                "party_type": "org" if is_org else "person",
                "party_name": name or party["name"],
                "party_id_no": None if is_org or "i" not in style else party["id_no"],
                "party_uscc": party["uscc"] if is_org and "u" in style else None,
                "violation_type": violation,
                "illegal_business_volume": volume,
                "illegal_gain": gain,
                "records_count": records,
                "fine_amount": 3000.0,
                "transferred": transferred,
                "transferred_at": _ts(decided) + pd.Timedelta(days=5) if transferred else None,
                "_e_party": party["entity"],
            }
        ],
    )
    return key


def court_case(
    world: World,
    *,
    case_type: str,
    cause: str,
    filed: date,
    closed: date | None,
    method: str | None,
    parties: list[tuple[str, pd.Series, str]],
    claim: float | None = 50000.0,
    overrides: dict[int, dict[str, Any]] | None = None,
) -> str:
    """A court case with parties ``(role, entity, style)``; ``overrides`` sets fields of party ``i``."""
    key = world.keys("CT-", 1)[0]
    region = str(world.home_counties(1)[0])
    world.add_rows(
        "court_cases",
        [
            {
                "case_no": key,
                "court_code": "FY" + region,
                "region_code": region,
                "case_type": case_type,
                "cause": cause,
                "filed_at": _ts(filed),
                "closed_at": _ts(closed),
                "closing_method": method,
                "claim_amount": claim,
                "summary": f"{case_type}/{cause} 案件",
            }
        ],
    )
    rows = []
    for index, (role, party, style) in enumerate(parties):
        is_org = str(party["entity"]).startswith("TO-")
        row = {
            "case_no": key,
            "party_key": f"P{index + 1}",
            "role": role,
            **named(
                None if is_org else party,
                style,
                {"name": "name", "id_no": "id_no", "phone": "phone", "address": "address"},
            ),
            "uscc": party["uscc"] if is_org and "u" in style else None,
            "_e_party": party["entity"],
        }
        if is_org:
            row["name"] = party["name"]
        row.update((overrides or {}).get(index, {}))
        rows.append(row)
    world.add_rows("court_parties", rows)
    return key


def app_report(
    world: World,
    *,
    operator: pd.Series,
    style: str,
    reported: date,
    issue: str,
    region: str | None = None,
    uscc: str | None = None,
) -> str:
    """A complaint about an operator's app: style ``n`` names the operator, ``u`` gives its USCC."""
    key = world.keys("AR-", 1)[0]
    world.add_rows(
        "app_reports",
        [
            {
                "report_id": key,
                "app_name": operator["app_name"],
                "operator_name": operator["name"] if "n" in style else None,
                "operator_uscc": uscc or (operator["uscc"] if "u" in style else None),
                "operator_region_code": operator["region"] if "n" in style else None,
                "region_code": region or str(world.home_counties(1)[0]),
                "reported_at": _ts(reported),
                "issue_type": issue,
                "description": f"用户投诉：{issue}",
                "users_affected": 1200,
                "_e_operator": operator["entity"],
            }
        ],
    )
    return key
