"""Labels of codes (states, actions, prongs, measures, reasons, roles) in the page's language.

The one vocabulary (``procura.vocab``) labels every code of the data and the
workflow; the few groups only the workbench shows (sort orders, funnel stages,
severity bands) are listed here.
"""

from __future__ import annotations

from procura import vocab

_PAGE_GROUPS: dict[str, dict[str, str]] = {
    # Groups only the workbench shows (not codes of the data or the workflow).
    "severity": {"high": "高 High", "medium": "中 Medium", "low": "低 Low"},
    "sorts": {
        "score": "按评分 By score",
        "newest": "最新在前 Newest first",
        "oldest": "最早在前 Oldest first",
    },
    "lookback": {
        "pending": "待回头看 Pending",
        "clear": "未再发现 Not found again",
        "unconfirmed": "待新数据核实 Awaiting fresh data",
        "persists": "问题仍在 Persists",
        "recurred": "再次发生 Recurred",
    },
    "link_kinds": {
        "spawned": "衍生 Spawned",
        "lookback": "回头看再发 Look-back recurrence",
        "class": "类案 Class",
    },
    "region_levels": {"province": "省 Province", "city": "市 City", "county": "县区 County"},
    "class_groupings": {
        "body": "同一单位 Same body",
        "region": "同一地区 Same region",
        "point": "同一法律问题 Same legal point",
    },
    "batch_status": {
        "committed": "已入库 Committed",
        "loaded": "已入库 Loaded",
        "unchanged": "内容未变 Unchanged",
        "rejected": "已拒收 Rejected",
    },
    "person_fields": {
        "name": "姓名 Name",
        "id_no": "身份证号 Identity number",
        "birth_date": "出生日期 Birth date",
        "sex": "性别 Sex",
        "phone": "电话 Phone",
    },
    "funnel": {
        "lead": "线索 Leads",
        "accepted": "受理 Accepted",
        "measure": "监督措施 Measure issued",
        "response": "收到回复 Response received",
        "rectified": "已整改 Rectified",
        "closed": "已办结 Closed",
    },
}


def label(group: str, code: str | None, lang: str) -> str:
    """The ``lang`` label of ``code`` in ``group`` (the code itself when unknown)."""
    if code is None:
        return "—"
    if group in vocab.GROUPS:
        return vocab.label(group, code, lang)
    both = _PAGE_GROUPS.get(group, {}).get(code)
    if both is None:
        return code
    zh, _, en = both.partition(" ")
    return zh if lang == "zh" else en


def model_title(model_id: str, lang: str) -> str:
    """A built-in model's title in ``lang`` (its id when it is not in the catalogue)."""
    from procura.models.loader import builtin_catalog

    model = builtin_catalog().models.get(model_id)
    return model_id if model is None else getattr(model.spec.title, lang)


# The entity tables ``procura link`` writes, which some models read beside the standard tables.
ENTITY_TABLES = {"mentions": "实体提及", "entities": "实体"}


def table_title(table: str | None, lang: str) -> str:
    """A standard table's title (Chinese) or its name (English)."""
    from procura.standard.schema import standard

    found = standard().get(table or "")
    if lang != "zh":
        return table or "—"
    return found.title_zh if found is not None else ENTITY_TABLES.get(table or "", table or "—")


def field_title(table: str | None, name: str, lang: str) -> str:
    """A standard field's Chinese title, or its name."""
    from procura.standard.schema import standard

    found = standard().get(table or "")
    if found is None:
        return label("person_fields", name, lang)
    if lang != "zh":
        return name
    base, valid = (name[: -len("_valid")], "有效") if name.endswith("_valid") else (name, "")
    title = next((f.zh + valid for f in found.fields if f.name == base and f.zh), None)
    return title or {"_source_file": "来源文件", "_source_row": "来源行"}.get(name, name)


def region_name(code: str | None) -> str:
    """The GB/T 2260 name of a region code."""
    from procura.standard import regions

    return regions.name(code) or (code or "—")


def shown_value(value: object, lang: str) -> str:
    """A record's value as a page shows it: yes/no for booleans, a dash for nothing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    return str(value)


def office_title(office: str | None, lang: str) -> str:
    """An office's name (``浙江省杭州市余杭区人民检察院``) in Chinese, its id in English."""
    from procura.access.offices import office_name

    if not office or lang != "zh":
        return office or "—"
    return office_name(office.partition("-")[0])


def purpose_label(code: str, lang: str) -> str:
    """A listed purpose of showing personal data (``access.purposes``) in ``lang``."""
    from procura.access.purposes import PURPOSES

    zh, _, en = PURPOSES.get(code, code).partition(" ")
    return zh if lang == "zh" else (en or zh)
