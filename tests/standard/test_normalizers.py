"""Property tests: every normalizer accepts every variant the standard lists, and the
DuckDB SQL form agrees with the Python form on the same inputs."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from procura.standard import dates, id_no, text, uscc, values
from procura.standard.kinds import normalize
from procura.standard.regions import all_regions
from procura.standard.schema import Field, standard

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# The SQL agreement tests send a batch of inputs through one DuckDB query per example.
AGREE = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
COUNTIES = [r.code for r in all_regions() if r.level == "county"]
FULL = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}
# Characters that exercise the normalizers without wandering into Unicode corners.
ALPHABET = "0123456789Xx -/.,:年月日万¥张三李四王五ABCDEFGHJKLMNPQRTUWXYabc０１２３Ｘ　\t\x0b元是否"
noise = st.text(alphabet=ALPHABET, max_size=24)


def batch(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(strategy, min_size=1, max_size=25)


def fullwidth(s: str) -> str:
    return "".join(FULL.get(ch, ch) for ch in s)


def python_outcome(f: Field, raw: str | None) -> tuple[object, str | None]:
    try:
        return normalize(f, raw), None
    except ValueError as exc:
        return None, str(exc)


# --- id_no ------------------------------------------------------------------

birth = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2024, 12, 31))


@st.composite
def valid_id_no(draw: st.DrawFn) -> str:
    area = draw(st.sampled_from(COUNTIES))
    born = draw(birth)
    seq = draw(st.integers(0, 999))
    first17 = f"{area}{born:%Y%m%d}{seq:03d}"
    return first17 + id_no.check_char(first17)


@given(valid_id_no(), st.sampled_from(["plain", "lower", "spaces", "hyphens", "fullwidth"]))
@FAST
def test_id_no_variants_normalize_to_the_standard_form(number: str, variant: str) -> None:
    shown = {
        "plain": number,
        "lower": number.lower(),
        "spaces": f" {number[:6]} {number[6:14]} {number[14:]} ",
        "hyphens": f"{number[:6]}-{number[6:14]}-{number[14:]}",
        "fullwidth": fullwidth(number),
    }[variant]
    assert id_no.normalize_id_no(shown) == (number, True)
    assert id_no.id_no_birth_date(number) == dt.date(
        int(number[6:10]), int(number[10:12]), int(number[12:14])
    )


@given(
    st.sampled_from(COUNTIES),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(1999, 12, 31)),
    st.integers(0, 999),
)
@FAST
def test_15_digit_numbers_are_converted(area: str, born: dt.date, seq: int) -> None:
    legacy = f"{area}{born:%y%m%d}{seq:03d}"
    value, valid = id_no.normalize_id_no(legacy)
    assert valid and value is not None and len(value) == 18
    assert value[:6] == area and value[6:14] == f"{born:%Y%m%d}"
    assert value[17] == id_no.check_char(value[:17])


@given(valid_id_no(), st.integers(0, 16), st.integers(1, 9))
@FAST
def test_a_changed_digit_is_kept_as_given_and_flagged(number: str, pos: int, delta: int) -> None:
    digit = str((int(number[pos]) + delta) % 10)
    broken = number[:pos] + digit + number[pos + 1 :]
    assert id_no.normalize_id_no(f" {broken} ") == (broken, False)


def test_id_no_edge_cases() -> None:
    assert id_no.normalize_id_no("") == (None, None)
    assert id_no.normalize_id_no("11010519491231002") == ("11010519491231002", False)  # 17 digits
    assert id_no.normalize_id_no("11010520991231002X")[1] is False  # born in the future
    assert id_no.normalize_id_no("11010519490230002X")[1] is False  # 30 February
    # Area codes are a soft check: a retired code still gives a valid number.
    first17 = "33010419491231002"  # 江干区, abolished in 2021
    number = first17 + id_no.check_char(first17)
    assert id_no.normalize_id_no(number) == (number, True) and not id_no.area_known(number)
    assert id_no.id_no_sex("11010519491231002X") == "F"


@given(batch(st.one_of(valid_id_no(), noise, valid_id_no().map(lambda n: n[:6] + n[8:17]))))
@AGREE
def test_id_no_sql_agrees_with_python(run_sql, raws: list[str]) -> None:
    for raw, (value, valid, _) in zip(raws, run_sql(Field("v", "id_no"), raws), strict=True):
        assert (value, valid) == id_no.normalize_id_no(raw), raw


# --- uscc -------------------------------------------------------------------

USCC_CHARS = uscc.ALPHABET


@st.composite
def valid_uscc(draw: st.DrawFn) -> str:
    head = "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=8, max_size=8)))
    tail = "".join(draw(st.lists(st.sampled_from(USCC_CHARS), min_size=9, max_size=9)))
    body = head + tail
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(body, uscc.WEIGHTS, strict=True))
    return body + USCC_CHARS[(31 - total % 31) % 31]


@given(valid_uscc(), st.sampled_from(["plain", "lower", "spaces", "fullwidth"]))
@FAST
def test_uscc_variants(code: str, variant: str) -> None:
    shown = {
        "plain": code,
        "lower": code.lower(),
        "spaces": f" {code[:9]} {code[9:]}",
        "fullwidth": fullwidth(code),
    }[variant]
    assert uscc.normalize_uscc(shown) == (code, True)


@given(
    batch(
        st.one_of(
            valid_uscc(),
            valid_uscc().map(lambda c: c[:-1] + ("0" if c[-1] != "0" else "1")),
            st.text(alphabet=USCC_CHARS + "abc IOZS", min_size=16, max_size=19),
            noise,
        )
    )
)
@AGREE
def test_uscc_sql_agrees_with_stdnum(run_sql, raws: list[str]) -> None:
    for raw, (value, valid, _) in zip(raws, run_sql(Field("v", "uscc"), raws), strict=True):
        assert (value, valid) == uscc.normalize_uscc(raw), raw


# --- dates ------------------------------------------------------------------

DATE_FORMATS = [
    "{d:%Y-%m-%d}",
    "{d.year}/{d.month}/{d.day}",
    "{d:%Y%m%d}",
    "{d.year}年{d.month}月{d.day}日",
    "{d:%Y-%m-%d}T08:30:00",
    "{d:%Y-%m-%d} 08:30",
    "{d:%Y.%m.%d}",
    "{serial}",
]


@given(
    st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2100, 12, 31)), st.sampled_from(DATE_FORMATS)
)
@FAST
def test_date_variants(day: dt.date, fmt: str) -> None:
    serial = (day - dates.EXCEL_EPOCH).days
    assert dates.parse_date(fmt.format(d=day, serial=serial)) == day


@given(
    batch(
        st.one_of(
            st.builds(
                lambda d, f: f.format(d=d, serial=(d - dates.EXCEL_EPOCH).days),
                st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
                st.sampled_from(DATE_FORMATS),
            ),
            st.from_regex(
                r"\A(19|20)\d\d-(0?[1-9]|1[0-3])-(0?[1-9]|[12]\d|3[0-2])( \d\d:\d\d(:\d\d)?)?"
                r"( ?(Z|[+-]0\d(:?\d\d)?))?\Z"
            ),
            noise,
        )
    )
)
@AGREE
def test_date_sql_agrees_with_python(run_sql, raws: list[str]) -> None:
    for kind in ("date", "timestamp"):
        for raw, (value, _, error) in zip(raws, run_sql(Field("v", kind), raws), strict=True):
            expected, reason = python_outcome(Field("v", kind), raw)
            assert value == expected, raw
            assert (error is None) == (reason is None), raw


def test_impossible_dates_are_errors_not_rolled_over() -> None:
    for bad in ("2024-02-30", "2023-02-29", "2024-13-01", "20240230", "2024年2月30日", "0024-01-01"):
        try:
            dates.parse_date(bad)
        except ValueError:
            continue
        raise AssertionError(f"{bad} accepted")
    assert dates.parse_timestamp("2024-01-05T10:20:30+00:00") == dt.datetime(2024, 1, 5, 18, 20, 30)


# --- money, counts, booleans ------------------------------------------------


@given(
    st.decimals(min_value=0, max_value=10**9, places=2), st.sampled_from(["plain", "commas", "yen", "wan"])
)
@FAST
def test_money_variants(amount: Decimal, variant: str) -> None:
    if variant == "wan":
        assert values.normalize_money(f"{amount / 10000}万") == amount.quantize(Decimal("0.01"))
        return
    shown = {"plain": f"{amount}", "commas": f"{amount:,}", "yen": f"¥{amount:,}"}[variant]
    assert values.normalize_money(shown) == amount


@given(
    batch(
        st.one_of(
            st.decimals(min_value=-(10**6), max_value=10**12, places=3).map(str),
            st.decimals(min_value=0, max_value=10**6, places=2).map(lambda d: f"¥{d:,}"),
            st.decimals(min_value=0, max_value=10**4, places=4).map(lambda d: f"{d}万"),
            noise,
        )
    )
)
@AGREE
def test_money_sql_agrees_with_python(run_sql, raws: list[str]) -> None:
    for raw, (value, _, error) in zip(raws, run_sql(Field("v", "money"), raws), strict=True):
        assert (value, error) == python_outcome(Field("v", "money"), raw), raw


def test_money_examples() -> None:
    assert values.normalize_money("1.2万") == Decimal("12000.00")
    assert values.normalize_money("1,234.50") == Decimal("1234.50")
    assert values.normalize_money("¥1234.5") == Decimal("1234.50")
    for bad, reason in (("-5", "negative amount"), ("abc", "not an amount"), ("1e5", "not an amount")):
        assert python_outcome(Field("v", "money"), bad) == (None, reason)


@given(
    batch(
        st.one_of(
            st.integers(-(10**6), 10**15).map(str),
            st.integers(0, 10**9).map(lambda n: f"{n:,}"),
            st.integers(0, 999).map(lambda n: f"{n}.0"),
            noise,
        )
    )
)
@AGREE
def test_count_sql_agrees_with_python(run_sql, raws: list[str]) -> None:
    for raw, (value, _, error) in zip(raws, run_sql(Field("v", "count"), raws), strict=True):
        assert (value, error) == python_outcome(Field("v", "count"), raw), raw


@given(
    st.sampled_from(values.TRUE_WORDS + values.FALSE_WORDS),
    st.sampled_from(["lower", "upper", "pad", "full"]),
)
@FAST
def test_bool_variants(word: str, variant: str) -> None:
    shown = {"lower": word, "upper": word.upper(), "pad": f" {word} ", "full": fullwidth(word)}[variant]
    assert values.normalize_bool(shown) is (word in values.TRUE_WORDS)


@given(
    batch(st.one_of(st.sampled_from(values.TRUE_WORDS + values.FALSE_WORDS + ("Yes", "NO", "maybe")), noise))
)
@AGREE
def test_bool_sql_agrees_with_python(run_sql, raws: list[str]) -> None:
    for raw, (value, _, error) in zip(raws, run_sql(Field("v", "bool"), raws), strict=True):
        expected, reason = python_outcome(Field("v", "bool"), raw)
        assert value == expected and (error is None) == (reason is None), raw


# --- names, phones, lists, regions, ICD-10 -----------------------------------

han = st.text(alphabet="张王李赵欧阳修文明华伟芳娜静", min_size=2, max_size=4)


@given(han, st.lists(st.sampled_from([" ", "  ", "\u3000", "\t"]), min_size=1, max_size=3))
@FAST
def test_names_lose_stray_spaces(name: str, gaps: list[str]) -> None:
    spaced = gaps[0] + "".join(ch + gaps[i % len(gaps)] for i, ch in enumerate(name))
    assert text.normalize_name(spaced) == name
    assert text.normalize_name(fullwidth("Li Lei")) == "Li Lei"


@given(batch(st.one_of(noise, han, st.text(max_size=12))))
@AGREE
def test_name_and_phone_sql_agree_with_python(run_sql, raws: list[str]) -> None:
    for kind in ("name", "phone", "id", "text"):
        for raw, (value, _, _) in zip(raws, run_sql(Field("v", kind), raws), strict=True):
            assert value == normalize(Field("v", kind), raw), (kind, raw)


@given(st.from_regex(r"\A1[3-9][0-9]{9}\Z"), st.sampled_from(["{p}", "+86 {p}", "{a}-{b}-{c}", "０086{p}"]))
@FAST
def test_phone_variants(phone: str, fmt: str) -> None:
    shown = fmt.format(p=phone, a=phone[:3], b=phone[3:7], c=phone[7:])
    assert text.normalize_phone(fullwidth(shown) if fmt.startswith("０") else shown) == phone


items = st.lists(
    st.text(alphabet="abc张三 12", min_size=1, max_size=5).map(str.strip).filter(bool), max_size=4
)


@given(items)
@FAST
def test_lists_from_json_or_semicolons(run_sql, parts: list[str]) -> None:
    as_json = json.dumps(parts, ensure_ascii=False)
    joined = ";".join(parts)
    assert values.normalize_list(as_json) == parts
    assert values.normalize_list(joined) == (parts if parts else None)
    got = run_sql(Field("v", "list"), [as_json, joined or None])
    assert got[0][0] == parts and got[1][0] == (parts or None)


@given(st.sampled_from(COUNTIES), st.integers(0, 999999))
@FAST
def test_region_codes(code: str, tail: int) -> None:
    assert values.normalize_region_code(f"{code}{tail:06d}") == code
    assert values.normalize_region_code(fullwidth(code)) == code


@given(
    batch(
        st.one_of(
            st.from_regex(r"\A[A-Za-z][0-9][0-9]\.?[0-9A-Z]{0,4}\Z"), noise, st.from_regex(r"\A[0-9]{6,12}\Z")
        )
    )
)
@AGREE
def test_region_and_icd10_sql_agree_with_python(run_sql, raws: list[str]) -> None:
    for kind in ("region_code", "icd10"):
        for raw, (value, _, error) in zip(raws, run_sql(Field("v", kind), raws), strict=True):
            assert (value, error) == python_outcome(Field("v", kind), raw), (kind, raw)


def test_icd10_examples() -> None:
    assert values.normalize_icd10("s302") == "S30.2"
    assert values.normalize_icd10(" T74.2 ") == "T74.2"


def test_enums_accept_case_spaces_and_aliases() -> None:
    sex = Field("patient_sex", "enum", values=("F", "M"), aliases={"女": "F", "男": "M"})
    assert normalize(sex, "f") == "F" and normalize(sex, "男") == "M"
    offense = Field("offense_type", "enum", values=("online_defamation", "other"))
    assert normalize(offense, "Online Defamation") == "online_defamation"
    assert python_outcome(offense, "libel")[1] is not None
    cause = Field("cause", "enum", values=("private_lending", "other"), open=True)
    assert normalize(cause, "Labor Dispute") == "labor_dispute"


ENUM_FIELDS = [f for t in standard().values() for f in t.fields if f.kind == "enum"]


@given(st.sampled_from(ENUM_FIELDS), st.data())
@FAST
def test_every_enum_value_is_read_in_any_case_and_spacing(f: Field, data: st.DataObject) -> None:
    value = data.draw(st.sampled_from(f.values))
    shown = "".join(
        data.draw(st.sampled_from([ch.lower(), ch.upper()]))
        if ch != "_"
        else data.draw(st.sampled_from("_ -"))
        for ch in value
    )
    assert normalize(f, f"  {shown} ") == value


@given(
    st.sampled_from(ENUM_FIELDS),
    batch(st.one_of(st.sampled_from([v for f in ENUM_FIELDS for v in f.values]), noise)),
)
@AGREE
def test_enum_sql_agrees_with_python(run_sql, field: Field, raws: list[str]) -> None:
    f = dataclasses.replace(field, required=False)
    for raw, (value, _, error) in zip(raws, run_sql(f, raws), strict=True):
        expected, reason = python_outcome(f, raw)
        assert value == expected and (error is None) == (reason is None), (f.name, raw)


def test_blank_in_any_width_is_empty_everywhere(run_sql) -> None:
    blanks = ["\u3000", " \t", "\u00a0"]
    for kind in (
        "date",
        "timestamp",
        "money",
        "count",
        "bool",
        "region_code",
        "icd10",
        "name",
        "id",
        "phone",
    ):
        assert [r[0] for r in run_sql(Field("v", kind), blanks)] == [None] * 3, kind
        assert all(r[2] is None for r in run_sql(Field("v", kind), blanks)), kind
        assert all(python_outcome(Field("v", kind), b) == (None, None) for b in blanks), kind
