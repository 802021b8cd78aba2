from datetime import date

import pytest

from procura.documents import DocumentError, all_kinds, get_kind, kind_for_measure
from procura.workflow.lifecycle import MEASURES


def test_the_four_required_documents_exist_in_both_languages() -> None:
    kinds = all_kinds()
    for kind_id in (
        "procuratorial_suggestion",
        "case_filing_notice",
        "pre_litigation_notice",
        "support_prosecution",
    ):
        kind = kinds[kind_id]
        assert kind.title["zh"] and kind.title["en"] and kind.basis["zh"] and kind.basis["en"]
    assert kinds["case_filing_notice"].title["zh"] == "要求说明不立案理由通知书"
    assert kinds["filing_order"].title["zh"] == "通知立案书"
    assert kinds["support_prosecution"].title["zh"] == "支持起诉书"


@pytest.mark.parametrize("measure", MEASURES)
def test_every_drafted_measure_has_a_document(measure: str) -> None:
    assert measure in kind_for_measure(measure).measures


def test_the_announcement_is_drafted_on_request_to_fixed_addressees() -> None:
    kind = get_kind("pre_litigation_announcement")
    assert kind.measures == () and kind.addressee == {
        "zh": "法律规定的机关和有关组织",
        "en": "the authorities and organisations entitled by law to sue",
    }
    assert kind.deadline_from(date(2026, 6, 1)) == date(2026, 7, 1)


def test_deadlines_follow_the_rules() -> None:
    assert get_kind("case_filing_notice").deadline_from(date(2026, 6, 28)) == date(2026, 7, 5)
    assert get_kind("procuratorial_suggestion").deadline_from(date(2026, 12, 31)) == date(2027, 2, 28)
    assert get_kind("support_prosecution").deadline_from(date(2026, 1, 1)) is None


def test_unknown_kind_and_measure_are_clear_errors() -> None:
    with pytest.raises(DocumentError, match="unknown document kind 'x'; known: "):
        get_kind("x")
    with pytest.raises(DocumentError, match="measure 'lawsuit'"):
        kind_for_measure("lawsuit")
