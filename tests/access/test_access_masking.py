"""Masking of identity numbers, names, diagnoses, phones and free text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procura.access.masking import MASK, is_minor, mask_id_no, mask_name, mask_phone, mask_record, mask_text

ID = "330110201005061234"


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张三", "张某"), ("张小明", "张某"), ("欧阳娜娜", "欧阳某"), ("Li Lei", "L."), ("", "")],
)
def test_names_become_surname_and_mou(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_identity_numbers_keep_only_the_region() -> None:
    assert mask_id_no(ID) == "330110" + "*" * 12
    assert mask_id_no(None) is None


def test_phones_keep_prefix_and_last_four() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0571-8888") == "*******88"


def test_free_text_loses_identity_and_mobile_numbers_and_known_names() -> None:
    text = f"被害人张小明（身份证{ID}，电话13812345678）"
    masked = mask_text(text, {"张小明": "张某"})
    assert ID not in masked and "13812345678" not in masked and "张小明" not in masked  # type: ignore[operator]
    assert "张某" in masked and "330110" in masked  # type: ignore[operator]


def test_a_minor_is_under_18_on_the_event_date() -> None:
    assert is_minor("2008-06-01", "2026-05-31")
    assert not is_minor("2008-06-01", "2026-06-01")
    assert not is_minor(None, "2026-06-01")


def test_a_medical_record_hides_name_number_diagnosis_and_birth_date() -> None:
    row = {
        "visit_id": "MV-1",
        "patient_name": "王芳",
        "patient_id_no": ID,
        "patient_birth_date": "2012-03-04",
        "patient_phone": "13812345678",
        "icd10": "S30.2",
        "diagnosis_text": "外阴损伤",
        "visit_date": "2026-01-02",
        "hospital_name": "某某医院",
    }
    masked, names = mask_record(row)
    assert masked["patient_name"] == "王某"
    assert names == {"王芳": "王某", "S30.2": MASK, "外阴损伤": MASK}
    assert masked["patient_id_no"] == "330110" + "*" * 12
    assert masked["icd10"] == MASK and masked["diagnosis_text"] == MASK
    assert masked["patient_birth_date"] == "2012-**-**"
    assert (masked["visit_id"], masked["hospital_name"]) == ("MV-1", "某某医院")


def test_adult_victims_keep_their_name_unless_the_offence_is_sexual() -> None:
    row = {
        "report_id": "PR-1",
        "victim_name": "李四",
        "victim_birth_date": "1990-01-01",
        "received_at": "2026-01-01",
        "offense_type": "online_defamation",
        "description": "李四被辱骂",
    }
    assert mask_record(row)[0]["victim_name"] == "李四"
    sexual = dict(row, offense_type="sexual_assault_minor")
    masked = mask_record(sexual)[0]
    assert masked["victim_name"] == "李某" and masked["description"] == "李某被辱骂"
    minor = dict(row, victim_birth_date="2015-01-01")
    assert mask_record(minor)[0]["victim_name"] == "李某"
    assert mask_record(row, sexual_context=True)[0]["victim_name"] == "李某"


def test_record_keys_are_not_mistaken_for_numbers() -> None:
    row = {"order_id": "13812345678", "report_id": ID}
    assert mask_record(row)[0] == row


@settings(max_examples=200, deadline=None)
@given(
    before=st.text(max_size=20),
    after=st.text(max_size=20),
    digits=st.text(alphabet="0123456789", min_size=17, max_size=17),
    check=st.sampled_from("0123456789Xx"),
)
def test_no_identity_number_survives_in_free_text(before: str, after: str, digits: str, check: str) -> None:
    number = "1" + digits[1:] + check  # an 18-character identity number (region never starts with 0)
    masked = mask_text(f"{before}{number}{after}") or ""
    assert number not in masked


def test_a_minor_known_only_by_identity_number_is_masked() -> None:
    # Born 2012-03-04 (digits 7-14), no birth-date field: a victim and a suspect under 18 on the report date.
    child_id = "330110201203041237"
    row = {
        "report_id": "PR-2",
        "victim_name": "王五",
        "victim_id_no": child_id,
        "suspect_name": "赵六",
        "suspect_id_no": child_id,
        "received_at": "2026-01-01",
        "offense_type": "online_insult",
        "description": "王五与赵六",
    }
    masked = mask_record(row)[0]
    assert (masked["victim_name"], masked["suspect_name"]) == ("王某", "赵某")
    assert masked["description"] == "王某与赵某"
    adult = dict(row, victim_id_no="330110199003041235", suspect_id_no="330110199003041235")
    assert (mask_record(adult)[0]["victim_name"], mask_record(adult)[0]["suspect_name"]) == ("王五", "赵六")


@pytest.mark.parametrize(
    "spelled", ["330110 20100506 1234", "330110-2010-0506-1234", "３３０１１０２０１００５０６１２３４"]
)
def test_an_identity_number_in_any_spelling_is_masked_in_reads_and_documents(spelled: str) -> None:
    from procura.access.masking import scrub

    masked = mask_text(f"身份证{spelled}。") or ""
    assert "20100506" not in masked.replace(" ", "").replace("-", "") and masked.startswith("身份证330110*")
    assert "0506" not in scrub(f"身份证{spelled}。")
    assert mask_text("电话 +86 138-1234-5678") == "电话 138****5678"
