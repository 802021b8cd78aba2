from datetime import date

import pytest

from procura.access.masking import age_on, birth_from_id_no, clean, mask_name, scrub


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张某"),
        ("欧阳娜娜", "欧阳某"),
        ("司马光", "司马某"),
        ("Jane Doe", "J."),
        ("", ""),
        (None, None),
    ],
)
def test_mask_name_keeps_only_the_surname(name: str | None, masked: str) -> None:
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    "text",
    [
        "330106201203150021",
        "33010619800101003X",
        "33010619800101003x",
        "330106 20120315 0021",
        "330106-2012-0315-0021",
        "３３０１０６２０１２０３１５００２１",
        "330106800101003",  # 15-digit legacy number
        "id330106201203150021abc",
    ],
)
def test_scrub_withholds_identity_numbers_in_every_spelling(text: str) -> None:
    out = scrub(f"号码{text}结束")
    assert "［已隐去］" in out
    digits = "".join(ch for ch in out if ch.isdigit())
    assert len(digits) < 6


def test_scrub_withholds_phones_codes_and_names_but_keeps_ordinary_numbers() -> None:
    out = scrub("王小明电话13912345678，诊断S30.2，浏览12000次", names=["王小明"])
    assert "王小明" not in out and "王某" in out
    assert "13912345678" not in out and "S30.2" not in out
    assert "12000" in out


def test_scrub_can_leave_record_keys_alone() -> None:
    assert scrub("C-1|S12", free_text=False) == "C-1|S12"


def test_clean_drops_xml_illegal_characters_and_cuts_long_text() -> None:
    out = clean("a\x00b\x0bc\ud800" + "长" * 1000, limit=50)
    assert out.startswith("abc") and len(out) == 50 and out.endswith("…")


def test_age_turns_on_the_birthday() -> None:
    birth = date(2012, 3, 15)
    assert age_on(birth, date(2026, 3, 14)) == 13
    assert age_on(birth, date(2026, 3, 15)) == 14
    assert age_on(None, date(2026, 1, 1)) is None


def test_birth_date_from_identity_number() -> None:
    assert birth_from_id_no("330106201203150021") == date(2012, 3, 15)
    assert birth_from_id_no("330106201213150021") is None
    assert birth_from_id_no("garbage") is None


@pytest.mark.parametrize(
    "text",
    ["住址：杭州市西湖区文三路100号3幢201室", "家住某村5号", "他现住西湖区某小区2栋", "在学院路18号门口"],
)
def test_scrub_withholds_addresses_in_free_text(text: str) -> None:
    out = scrub(f"据称{text}，情况属实")
    assert "［已隐去］" in out and "号" not in out.replace("［已隐去］", "")
    assert out.endswith("，情况属实")  # over-redacting a few words before an address is accepted


def test_scrub_withholds_known_secret_values_quoted_in_free_text() -> None:
    out = scrub("患者自述外阴挫伤，住城西某处", secrets=["外阴挫伤", "城西某处"])
    assert "外阴挫伤" not in out and "城西某处" not in out
