"""The governance report as a Chinese A4 PDF (fpdf2, the CJK font of ``procura.documents.pdf``)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from fpdf import FPDF
from fpdf.enums import Align, WrapMode, XPos, YPos
from fpdf.fonts import FontFace

from procura import vocab
from procura.documents.pdf import FONT, font_path
from procura.reports import charts
from procura.reports.facts import ReportFacts

OUTCOME_ZH = {"pending": "未回复", "adopted": "采纳", "partially_adopted": "部分采纳", "rejected": "未采纳"}


class _Report(FPDF):
    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(FONT, size=9)
        self.cell(0, 10, f"{self.page_no()}/{{nb}}", align=Align.C)


def _para(pdf: _Report, text: str, size: float = 11, align: Align = Align.J) -> None:
    pdf.set_font(FONT, size=size)
    pdf.multi_cell(
        0, size * 0.62, text, align=align, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )


def _heading(pdf: _Report, text: str) -> None:
    pdf.ln(3)
    _para(pdf, text, 14, Align.L)
    pdf.ln(1)


def _table(pdf: _Report, header: list[str], rows: list[list[str]]) -> None:
    pdf.set_font(FONT, size=9)
    with pdf.table(
        text_align="LEFT",
        line_height=5.5,
        first_row_as_headings=True,
        headings_style=FontFace(emphasis=None, fill_color=(235, 228, 220)),
    ) as table:
        for values in [header, *rows]:
            row = table.row()
            for value in values:
                row.cell(str(value))


def _image(pdf: _Report, png: bytes) -> None:
    pdf.image(io.BytesIO(png), w=pdf.epw)


def _focus(pdf: _Report, facts: ReportFacts) -> None:
    """The section of a model's or class's report: its leads over time, by county, by addressee."""
    f = facts.focus
    what = "该模型" if facts.scope == "model" else "该类案"
    _para(pdf, f"　　{what}共有监督线索{f['leads']}件（{facts.scope_title}）。", 11)
    if f["leads"]:
        _image(
            pdf,
            charts.lines(
                facts.periods, {f"{what}线索": list(f["by_month"].values())}, "线索月度走势 Leads per month"
            ),
        )
        _table(
            pdf,
            ["地区 region", "线索 leads"],
            [[f"{r['name']}（{r['region']}）", str(r["count"])] for r in f["by_region"]],
        )
        pdf.ln(2)
        _table(
            pdf, ["受文单位 addressee", "线索 leads"], [[t["body"], str(t["count"])] for t in f["targets"]]
        )
    if f["members"]:
        pdf.ln(2)
        _table(
            pdf,
            ["类案线索 member", "地区 region", "状态 state"],
            [[m["lead"], m["region"], vocab.label("lead_states", m["status"], "zh")] for m in f["members"]],
        )


def render(facts: ReportFacts) -> bytes:
    """The report as PDF bytes; the same facts give the same bytes (fixed creation date)."""
    pdf = _Report(format="A4")
    pdf.set_margins(22, 20, 22)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font(FONT, "", str(font_path()))
    end = datetime.strptime(facts.end + "-01", "%Y-%m-%d").replace(tzinfo=UTC)
    pdf.set_creation_date(end)
    scope = {"model": "监督模型", "class": "类案"}.get(facts.scope, "")
    pdf.set_title(
        f"{facts.office_name}社会治理数据报告{f'（{scope}：{facts.scope_title}）' if scope else ''}"
        f" {facts.start}至{facts.end}"
    )
    pdf.set_creator("procura")
    pdf.add_page()
    _para(pdf, facts.office_name, 16, Align.C)
    _para(pdf, "网络犯罪与个人信息保护社会治理数据报告", 18, Align.C)
    if scope:
        _para(pdf, f"{scope}：{facts.scope_title}", 12, Align.C)
    _para(pdf, f"Governance data report · {facts.start} — {facts.end}", 10, Align.C)
    pdf.ln(4)
    for note in facts.notes:
        _para(pdf, note)
    _heading(pdf, "一、总体情况 Overview")
    _table(
        pdf,
        ["类别 series", "件数 count", "涉及地区 regions"],
        [[f"{t['zh']} {t['en']}", str(t["total"]), str(t["regions"])] for t in facts.totals.values()],
    )
    pdf.ln(2)
    lines = {facts.totals[name]["zh"]: facts.monthly[name] for name in facts.monthly}
    _image(pdf, charts.lines(facts.periods, lines, "各类案件月度走势 Monthly counts"))
    _heading(pdf, "二、异常上升预警 Sudden rises (Poisson CUSUM)")
    if facts.alerts:
        _table(
            pdf,
            ["地区 region", "类别 series", "起 from", "此前月均 before", "之后月均 after", "p"],
            [
                [
                    a.region_name,
                    a.title_zh,
                    a.rise_from,
                    f"{a.reference_rate:.1f}",
                    f"{a.observed_rate:.1f}",
                    f"{a.p_value:.2g}",
                ]
                for a in facts.alerts[:15]
            ],
        )
        for a in facts.alerts[:5]:
            _para(pdf, "　　" + a.message_zh + "。", 10)
    else:
        _para(pdf, "　　本期未发现显著上升。No significant rise in the period.")
    _heading(pdf, "三、反复出现的机关与经营者 Recurring bodies and loopholes")
    if facts.unfiled_bodies:
        labels = [f"{b['body']}（{facts.totals[b['series']]['zh']}）" for b in facts.unfiled_bodies]
        _image(
            pdf,
            charts.bars(
                labels, [b["count"] for b in facts.unfiled_bodies], "未立案报案较多的公安机关 Unfiled reports"
            ),
        )
    if facts.operators:
        _table(
            pdf,
            ["经营者/应用 operator", "投诉件数 complaints", "问题类型数 issue types"],
            [[o["body"], str(o["count"]), str(o["issue_types"])] for o in facts.operators],
        )
    if not facts.unfiled_bodies and not facts.operators:
        _para(pdf, "　　本期未发现反复出现的机关或经营者。None recurred in the period.")
    _heading(pdf, "四、监督线索、措施与成效 Leads, measures and outcomes")
    if facts.leads_by_model:
        _image(
            pdf,
            charts.bars(
                list(facts.leads_by_model),
                list(facts.leads_by_model.values()),
                "监督线索（按模型）Leads by model",
            ),
        )
    _table(
        pdf,
        ["项目 item", "数量 count"],
        [[f"措施 {k}", str(v)] for k, v in sorted(facts.measures.items())]
        + [[f"回复 {OUTCOME_ZH.get(k, k)}", str(v)] for k, v in sorted(facts.outcomes.items())]
        or [["措施 measures", "0"]],
    )
    if facts.focus:
        _focus(pdf, facts)
    _heading(pdf, "五、治理建议 Suggestions")
    _para(
        pdf,
        "　　针对上述反复出现的机关和经营者，建议以类案监督方式制发社会治理类检察建议：督促相关公安机关"
        "规范网络诽谤、侵犯公民个人信息报案的受理立案；督促网信、工信部门对投诉集中的应用开展专项检查；"
        "对异常上升地区开展专项分析，堵塞管理漏洞。",
    )
    _para(
        pdf,
        f"数据来源：procura 数据仓库；统计口径见 trends/series.yaml。办公室 office {facts.office}",
        8,
        Align.L,
    )
    return bytes(pdf.output())
