from procura.link import names


def test_fold_full_width_spaces_and_case() -> None:
    assert names.fold(" 张　三 ") == "张三"
    assert names.fold("ＡＢＣ１２３") == "abc123"
    assert names.fold("   ") is None
    assert names.fold(None) is None


def test_minority_name_dots_in_any_spelling_or_none_compare_equal() -> None:
    spellings = ["买买提•艾力", "买买提·艾力", "买买提．艾力", "买买提.艾力", "买买提・艾力", "买买提艾力"]
    assert {names.person_name(s) for s in spellings} == {"买买提艾力"}


def test_traditional_and_variant_characters_fold_to_simplified() -> None:
    assert names.person_name("張偉") == names.person_name("张伟") == "张伟"
    assert names.person_name("劉麗華") == "刘丽华"
    assert names.person_name("阿依古麗·買買提") == names.person_name("阿依古丽买买提")
    assert names.pinyin(names.person_name("鄭峯")) == names.pinyin(names.person_name("郑峰"))


def test_homophone_typos_share_pinyin() -> None:
    assert names.pinyin("张伟") == names.pinyin("张玮") == "zhang wei"
    assert names.pinyin("张伟") != names.pinyin("张涛")


def test_pinyin_keeps_latin_and_drops_dots() -> None:
    assert names.pinyin(names.person_name("John Smith")) == "johnsmith"
    assert names.pinyin("买买提·艾力") == "mai mai ti ai li"
    assert names.pinyin(None) is None


def test_org_suffix_variants_compare_equal() -> None:
    variants = ["杭州某某科技有限公司", "杭州某某科技有限责任公司", "杭州某某科技 有限公司",
                "杭州某某科技（有限公司）", "杭州某某科技股份有限公司", "杭州某某科技"]
    assert {names.org_name(v) for v in variants} == {"杭州某某科技"}


def test_org_name_that_is_only_a_suffix_is_kept() -> None:
    assert names.org_name("有限公司") == "有限公司"
    assert names.org_name("Acme Co., Ltd.") == "acme"
