"""A small model written into a temporary catalogue folder, for framework tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

TOY_ID = "toy-unfiled"

TOY_SPEC: dict[str, Any] = {
    "id": TOY_ID,
    "version": "1",
    "title": {"zh": "测试：网络诽谤未立案", "en": "Test: online defamation not filed"},
    "description": {"zh": "框架测试用模型。", "en": "A model for framework tests."},
    "prong": "criminal",
    "measure": "case_filing_notice",
    "target": {"zh": "公安机关", "en": "public security organ"},
    "legal_basis": [
        {"ref": "CPL 113", "zh": "《刑事诉讼法》第一百一十三条", "en": "Criminal Procedure Law art. 113"}
    ],
    "tables": ["police_reports", "mentions"],
    "anchor": {"table": "police_reports", "key": ["report_id"]},
    "subject": {"kind": "person"},
    "parameters": {
        "min_views": {
            "type": "int",
            "default": 5000,
            "citation": "Interpretation 2013 art. 2",
            "description": {"zh": "浏览次数下限", "en": "minimum views"},
        },
        "offenses": {
            "type": "list[str]",
            "default": ["online_defamation", "online_insult"],
            "citation": "CL 246",
            "description": {"zh": "案由", "en": "offence types"},
        },
    },
    "explanation": {
        "zh": "报案{{ anchor_keys[0] }}浏览{{ views_count }}次，达到{{ min_views }}次却未立案。",
        "en": "Report {{ anchor_keys[0] }} was viewed {{ views_count }} times"
        " (>= {{ min_views }}) but not filed.",
    },
    "postprocess": None,
}

TOY_RULE = """
SELECT [r.report_id] AS anchor_keys,
       ['police_reports:' || r.report_id] AS evidence,
       m.entity_id AS subject_entity_id,
       r.victim_name AS subject_name,
       r.region_code,
       LEAST(1.0, r.views_count / (2.0 * $min_views)) AS score,
       r.views_count,
       r.received_at
FROM police_reports r
LEFT JOIN mentions m
  ON m.table_name = 'police_reports' AND m.record_key = r.report_id AND m.role = 'victim'
WHERE r.offense_type IN $offenses
  AND NOT coalesce(r.filed, false)
  AND r.views_count >= $min_views
  AND r.received_at <= $as_of
"""

TOY_TESTS: dict[str, Any] = {
    "cases": [
        {
            "name": "at the threshold is a lead, one below is not",
            "as_of": "2026-06-30",
            "tables": {
                "police_reports": [
                    {
                        "report_id": "R1",
                        "region_code": "330110",
                        "received_at": "2026-01-01",
                        "offense_type": "online_defamation",
                        "filed": False,
                        "views_count": 5000,
                    },
                    {
                        "report_id": "R2",
                        "region_code": "330110",
                        "received_at": "2026-01-01",
                        "offense_type": "online_defamation",
                        "filed": False,
                        "views_count": 4999,
                    },
                ],
                "mentions": [],
            },
            "expect": [["R1"]],
        },
        {
            "name": "parameters lower the threshold",
            "as_of": "2026-06-30",
            "params": {"min_views": 100},
            "tables": {
                "police_reports": [
                    {
                        "report_id": "R3",
                        "region_code": "330110",
                        "received_at": "2026-01-01",
                        "offense_type": "online_insult",
                        "views_count": 100,
                    },
                ],
            },
            "expect": [["R3"]],
        },
    ]
}


def write_model(
    root: Path,
    spec: dict[str, Any] | None = None,
    rule: str = TOY_RULE,
    tests: dict[str, Any] | None = None,
    folder: str | None = None,
) -> Path:
    """Write a model folder under ``root``; returns the folder."""
    spec = dict(TOY_SPEC if spec is None else spec)
    path = root / (folder or spec["id"])
    path.mkdir(parents=True, exist_ok=True)
    (path / "model.yaml").write_text(
        yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    (path / "rule.sql").write_text(rule, encoding="utf-8")
    (path / "tests.yaml").write_text(
        yaml.safe_dump(TOY_TESTS if tests is None else tests, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    return path


def with_changes(**changes: Any) -> dict[str, Any]:
    """The toy spec with top-level keys replaced."""
    spec = dict(TOY_SPEC)
    spec.update(changes)
    return spec


def toy_reports(region: Any = lambda i: "330110", batch: Any = None) -> list[dict[str, Any]]:
    """Six police reports with rising view counts; four of them reach the toy model's 5,000."""
    rows = []
    for i in range(6):
        row = {
            "report_id": f"R{i}",
            "region_code": region(i),
            "received_at": "2026-01-01",
            "offense_type": "online_insult",
            "views_count": 4000 + 500 * i,
        }
        if batch is not None:
            row["_batch_id"] = batch(i)
        rows.append(row)
    return rows


def toy_warehouse(path: Path, rows: list[dict[str, Any]]) -> Any:
    """A warehouse file at ``path`` with every readable table, ``rows`` in police_reports; its connection."""
    import duckdb

    from procura.engine.fixture import create_tables, insert_rows
    from procura.warehouse.schema import readable_tables

    con = duckdb.connect(str(path))
    create_tables(con, sorted(readable_tables()))
    insert_rows(con, "police_reports", rows)
    return con
