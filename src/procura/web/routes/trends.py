"""The trends page: monthly counts of a series by region (GB/T 2260 tree) or by a dimension
(offense type, cause, platform), leads by model over time, and the detected rises marked on
each chart; every chart has its numbers beside it and a link to the same data in the API."""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlencode

import pandas as pd
import yaml
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy import func, select

from procura import clock
from procura.api.deps import SessionDep, SettingsDep
from procura.errors import InvalidInput
from procura.leads.orm import Lead
from procura.reports.service import governance_report, report_name
from procura.standard import regions
from procura.trends.counts import all_series
from procura.trends.service import TrendResult, alerts, trend
from procura.web.labels import model_title
from procura.web.render import render
from procura.web.session import ViewerDep
from procura.workflow.dashboard import _beijing_month, _scoped

router = APIRouter(include_in_schema=False)
LEVELS = ("province", "city", "county")
TOP = 8  # lines per chart; the numbers list every row


@cache
def _values() -> dict[str, dict[str, str]]:
    text = (resources.files("procura.trends") / "values.yaml").read_text(encoding="utf-8")
    return {str(k): v for k, v in yaml.safe_load(text).items()}


def value_label(value: str, lang: str) -> str:
    """The label of a dimension value (offense type, cause, filed, …), or the value itself."""
    found = _values().get(value)
    return found[lang] if found else value


def _lines(
    result: TrendResult, region: str, marks: dict[tuple[str, str | None], Any], lang: str = "zh"
) -> list[dict[str, Any]]:
    rows = [r for r in result.rows if r.region_code.startswith(region)]
    out: list[dict[str, Any]] = []
    for row in rows:
        alarm = marks.get((row.region_code, row.dimension))
        name = value_label(row.dimension, lang) if row.dimension else row.region_name
        out.append(
            {
                "name": name,
                "code": row.region_code,
                "counts": row.counts,
                "total": row.total,
                "alert": None
                if alarm is None
                else {"since": alarm.rise_from, "period": alarm.period, "p": alarm.p_value},
            }
        )
    out.sort(key=lambda r: (r["alert"] is None, -int(r["total"])))
    return out


def _model_months(session: Any, viewer: Any) -> dict[str, Any]:
    """Leads per model per month (Beijing time) in the viewer's jurisdiction."""
    month = _beijing_month(session)
    query = _scoped(
        session, viewer.principal, select(Lead.model_id, month, func.count()).select_from(Lead)
    ).group_by(Lead.model_id, month)
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    months: set[str] = set()
    for model, m, n in session.execute(query):
        if m is None:
            continue
        counts[str(model)][str(m)] = int(n)
        months.add(str(m))
    periods = sorted(months)
    lines: list[dict[str, Any]] = [
        {
            "name": model_title(model, viewer.lang),
            "code": model,
            "counts": [by_month.get(p, 0) for p in periods],
            "total": sum(by_month.values()),
            "alert": None,
        }
        for model, by_month in counts.items()
    ]
    lines.sort(key=lambda r: -int(r["total"]))
    return {"periods": periods, "lines": lines}


@router.get("/trends")
def trends_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    series: str = "cyber_defamation",
    level: str = "county",
    region: str = "",
    start: str | None = None,
    end: str | None = None,
) -> Response:
    """Counts over time with the rises the Poisson CUSUM found, for the viewer's jurisdiction."""
    known = all_series()
    if series not in known:
        raise InvalidInput(f"未知序列 unknown series {series!r}", {"field": "series"})
    if level not in LEVELS:
        raise InvalidInput(f"level: {' | '.join(LEVELS)}", {"field": "level"})
    if region and (not region.isdigit() or len(region) > 6):
        raise InvalidInput("region: a GB/T 2260 code prefix (digits)", {"field": "region"})
    start, end = start or None, end or None
    p = viewer.principal
    by_region = trend(settings, p, series, level=level, start=start, end=end)
    found = alerts(settings, p, [series], level=level, end=end)
    marks = {(a.region_code, a.dimension): a for a in found}
    charts: list[dict[str, Any]] = [
        {
            "id": "region",
            "title": f"{by_region.title_zh if viewer.lang == 'zh' else by_region.title_en}",
            "periods": by_region.periods,
            "lines": _lines(by_region, region, marks),
            "api": f"/api/v1/trends/{series}?" + urlencode({"level": level, **_period(start, end)}),
            "note": by_region.note,
        }
    ]
    for dim in known[series].dimensions:
        result = trend(settings, p, series, level="province", by=dim, start=start, end=end)
        charts.append(
            {
                "id": f"by-{dim}",
                "title": dim,
                "periods": result.periods,
                "lines": _lines(result, "", {}, viewer.lang),
                "api": f"/api/v1/trends/{series}?"
                + urlencode({"level": "province", "by": dim, **_period(start, end)}),
                "note": result.note,
            }
        )
    models = _model_months(session, viewer)
    charts.append(
        {
            "id": "model",
            "title": "model",
            "periods": models["periods"],
            "lines": models["lines"],
            "api": "/api/v1/dashboard/leads?by=month",
            "note": "",
        }
    )
    context = {
        "series": series,
        "known": known,
        "level": level,
        "levels": LEVELS,
        "region": region,
        "region_label": regions.name(region.ljust(6, "0")) if region else "",
        "start": start or "",
        "end": end or "",
        "charts": charts,
        "alerts": found,
        "top": TOP,
        "report": default_period(),
    }
    return render(request, "trends.html", context)


def default_period() -> tuple[str, str]:
    """The last twelve months up to this one."""
    end = pd.Period(clock.today(), freq="M")
    return str(end - 11), str(end)


@router.get("/reports/governance")
def governance(
    session: SessionDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    start: str = "",
    end: str = "",
    model: str = "",
    class_id: str = Query("", alias="class"),
) -> Response:
    """The governance report (PDF, A4) of the office, a model or a class (as the API's)."""
    first, last = default_period()
    pdf, facts = governance_report(
        settings, session, viewer.principal, start or first, end or last, model or None, class_id or None
    )
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{report_name(facts)}"'},
    )


def _period(start: str | None, end: str | None) -> dict[str, str]:
    return {k: v for k, v in (("start", start), ("end", end)) if v}
