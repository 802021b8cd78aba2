"""Which leads are sensitive, and what a masked lead keeps."""

from __future__ import annotations

from procura.leads.orm import Lead
from procura.workflow.privacy import concerns_minor, is_sensitive, masked_lead

ID = "330110201005061234"


def _lead(model: str = "cyberviolence-cluster", **fields: object) -> Lead:
    values: dict[str, object] = {
        "model_id": model,
        "subject": {"kind": "person", "entity_id": "E-1", "name": "李小红"},
        "details": {},
        "explanation_zh": "被害人李小红遭受网暴",
        "explanation_en": "Li Xiaohong was harassed",
    }
    values.update(fields)
    return Lead(**values)


def test_minors_are_recognised_from_ages_and_flags() -> None:
    assert concerns_minor({"victim_age": 15}) and concerns_minor({"minor_reports": 2})
    assert not concerns_minor({"victim_age": 18, "minor_reports": 0})
    assert not concerns_minor({"patient_age": "n/a"})


def test_an_adult_victim_keeps_the_name_but_not_the_numbers() -> None:
    lead = _lead(
        details={"victim_id_no": ID, "phone": "13812345678", "address_plain": "某路1号", "n_suspects": 4}
    )
    subject, details, zh, _ = masked_lead(lead)
    assert subject["name"] == "李小红" and "李小红" in zh
    assert details["victim_id_no"] == "330110" + "*" * 12 and details["phone"] == "138****5678"
    assert details["address_plain"] != "某路1号" and details["n_suspects"] == 4


def test_a_minor_victim_is_surname_and_mou_everywhere() -> None:
    lead = _lead(details={"victim_age": 13, "victim_name": "李小红", "note_text": f"李小红 {ID}"})
    assert is_sensitive(lead)
    subject, details, zh, _ = masked_lead(lead)
    assert subject["name"] == "李某" and details["victim_name"] == "李某" and zh == "被害人李某遭受网暴"
    assert ID not in details["note_text"] and "李小红" not in details["note_text"]


def test_sexual_harm_leads_hide_patients_but_not_the_hospital() -> None:
    lead = _lead(
        "mandatory-report-failure",
        subject={"kind": "org", "entity_id": "H-1", "name": "杭州某某医院"},
        details={"patient_name": "王芳", "icd": "S30.2", "patient_age": 12},
        explanation_zh="杭州某某医院接诊王芳（S30.2）未报告",
    )
    subject, details, zh, _ = masked_lead(lead)
    assert subject["name"] == "杭州某某医院"
    assert details["patient_name"] == "王某" and details["icd"] == "[已遮蔽 masked]"
    assert "王芳" not in zh and "S30.2" not in zh and "杭州某某医院" in zh
