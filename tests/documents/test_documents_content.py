from datetime import date

import pytest

from procura.documents import compose, get_kind
from procura.documents.content import addressee_in, office_name
from procura.warehouse.evidence import read_evidence


@pytest.mark.parametrize(
    ("target", "zh", "en"),
    [
        ("公安机关 (public security organ)", "公安机关", "public security organ"),
        (
            "人民法院（附带民事公益诉讼） (the court (civil suit))",
            "人民法院（附带民事公益诉讼）",
            "the court (civil suit)",
        ),
        ("某医院的主管部门 (authority over 某医院)", "某医院的主管部门", "authority over 某医院"),
        ("杭州市公安局西湖区分局", "杭州市公安局西湖区分局", "杭州市公安局西湖区分局"),
    ],
)
def test_a_bilingual_target_gives_one_language_per_document(target: str, zh: str, en: str) -> None:
    assert addressee_in(target, "zh") == zh and addressee_in(target, "en") == en


def test_office_names_follow_the_region_tree() -> None:
    assert office_name("330106-county") == "浙江省杭州市西湖区人民检察院"
    assert office_name("330000-province") == "浙江省人民检察院"
    assert office_name("999999-county") == "999999-county"
    english = office_name("330106-county", "en")
    assert english == "People's Procuratorate of Xihu District, Hangzhou, Zhejiang Province"
    assert office_name("450000-province", "en") == "People's Procuratorate of Guangxi Autonomous Region"


def test_the_models_detailed_basis_replaces_the_same_article(warehouse, police_lead) -> None:
    detailed = "《中华人民共和国刑事诉讼法》第一百一十三条（应当立案而不立案的……）"
    content = compose(
        police_lead,
        read_evidence(warehouse, police_lead.evidence),
        get_kind("case_filing_notice"),
        issued_on=date(2026, 6, 30),
        model_basis=[detailed, "《解释》第二条"],
    )
    assert content.basis == ["《人民检察院刑事诉讼规则》关于立案监督的规定", detailed, "《解释》第二条"]
