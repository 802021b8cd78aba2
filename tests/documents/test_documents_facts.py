from procura.documents.facts import fact_sentences
from procura.warehouse.evidence import read_evidence


def test_facts_mask_victims_and_minors_and_name_adult_suspects(warehouse, police_lead, secrets) -> None:
    rows = read_evidence(warehouse, police_lead.evidence)
    first, second = fact_sentences(rows, "zh")
    assert "王某" in first and "李四" in first
    assert "欧阳某" in second and "赵某" in second  # the suspect was 16: masked too
    text = first + second
    for secret in secrets.values():
        assert secret not in text


def test_patient_age_is_computed_at_the_visit_and_no_diagnosis_is_shown(
    warehouse, medical_lead, secrets
) -> None:
    rows = read_evidence(warehouse, medical_lead.evidence)
    [zh] = fact_sentences(rows, "zh")
    [en] = fact_sentences(rows, "en")
    assert "陈某" in zh and "13周岁" in zh  # visit the day before the 14th birthday
    assert "aged 13" in en and "MV-1" in en
    for text in (zh, en):
        assert secrets["diagnosis"] not in text and secrets["icd"] not in text and "contusion" not in text


def test_missing_rows_are_skipped_and_long_lists_are_cut(warehouse) -> None:
    refs = [{"table": "police_reports", "key": {"report_id": "PR-1"}}] * 25
    refs.append({"table": "police_reports", "key": {"report_id": "NOPE"}})
    rows = read_evidence(warehouse, refs)
    assert not rows[-1].found
    sentences = fact_sentences(rows, "en", limit=3)
    assert len(sentences) == 4 and sentences[-1].startswith("22 further evidence records")
