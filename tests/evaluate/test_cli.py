"""``procura synth`` and ``procura evaluate`` end to end on a tiny dataset (leads made from the truth)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from procura.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ds")
    result = runner.invoke(app, ["synth", "--out", str(out), "--seed", "5", "--scale", "0.05"])
    assert result.exit_code == 0, result.output
    return out


def _export(path: Path, truth: dict, near_miss_model: str | None = None) -> Path:
    """A lead export holding one lead per planted violation (and one near-miss if asked)."""
    lines = []
    for model, planted in truth["models"].items():
        for i, v in enumerate(planted["violations"]):
            lines.append({"lead_id": f"{model}-{i}", "model_id": model, "anchor": v["anchor"]})
        if model == near_miss_model:
            lines.append({"lead_id": "nm", "model_id": model, "anchor": planted["near_misses"][0]["anchor"]})
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    return path


def test_synth_writes_data_and_truth(dataset: Path) -> None:
    assert (dataset / "truth.json").exists()
    assert len(list((dataset / "data").iterdir())) == 9
    truth = json.loads((dataset / "truth.json").read_text(encoding="utf-8"))
    assert truth["as_of"] == "2026-06-30" and truth["province"] == "330000"


def test_evaluate_perfect_export_and_a_near_miss(dataset: Path, tmp_path: Path) -> None:
    truth = json.loads((dataset / "truth.json").read_text(encoding="utf-8"))
    leads = _export(tmp_path / "leads.jsonl", truth, near_miss_model="price-discrimination")
    mentions = tmp_path / "mentions.csv"
    mentions.write_text(
        "table,key,role,entity_id\n"
        + "\n".join(
            f"{m['table']},{'|'.join(m['key'].values())},{m['role']},{m['entity']}" for m in truth["mentions"]
        ),
        encoding="utf-8",
    )
    result = runner.invoke(
        app,
        [
            "-w",
            str(tmp_path / "ws"),
            "evaluate",
            "--truth",
            str(dataset / "truth.json"),
            "--leads",
            str(leads),
            "--mentions",
            str(mentions),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    scores = {m["model_id"]: m for m in data["models"]}
    assert all(m["recall"] == 1.0 for m in scores.values())
    price = scores["price-discrimination"]
    assert (
        price["false_leads"][0]["near_miss"]
        == truth["models"]["price-discrimination"]["near_misses"][0]["reason"]
    )
    assert price["precision"] < 1.0
    assert data["linkage"]["precision"] == data["linkage"]["recall"] == 1.0

    table = runner.invoke(
        app,
        [
            "evaluate",
            "--truth",
            str(dataset / "truth.json"),
            "--leads",
            str(leads),
            "--mentions",
            str(mentions),
        ],
    )
    assert table.exit_code == 0
    assert "mandatory-report-failure" in table.output.replace("\n", "") or "mandatory" in table.output
    assert "Entity resolution" in table.output and "near-miss" in table.output


@pytest.mark.parametrize(
    "content,needle",
    [
        ("{not json\n", "line 1"),
        ('{"anchor": []}\n', "model_id"),
        ('{"model_id": "m", "anchor": "x"}\n', "anchor"),
    ],
)
def test_bad_lead_export_is_one_clear_line(dataset: Path, tmp_path: Path, content: str, needle: str) -> None:
    leads = tmp_path / "bad.jsonl"
    leads.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["evaluate", "--truth", str(dataset / "truth.json"), "--leads", str(leads)])
    assert result.exit_code == 2
    assert needle in result.output and "Traceback" not in result.output


def test_missing_inputs_fail_cleanly(tmp_path: Path, dataset: Path) -> None:
    result = runner.invoke(app, ["evaluate", "--truth", str(tmp_path / "nope.json"), "--leads", "x.jsonl"])
    assert result.exit_code == 2 and "truth" in result.output
    result = runner.invoke(
        app, ["-w", str(tmp_path / "empty"), "evaluate", "--truth", str(dataset / "truth.json")]
    )
    assert result.exit_code == 2 and "--leads" in result.output
    result = runner.invoke(app, ["synth", "--out", str(tmp_path / "o"), "--province", "339999"])
    assert result.exit_code == 2 and "province" in result.output
    result = runner.invoke(app, ["synth", "--out", str(tmp_path / "o"), "--scale", "0"])
    assert result.exit_code == 2 and "scale" in result.output


def test_csv_lead_export_is_read_too(dataset: Path, tmp_path: Path) -> None:
    truth = json.loads((dataset / "truth.json").read_text(encoding="utf-8"))
    model = "unfiled-online-defamation"
    rows = ["lead_id,model_id,anchor"] + [
        f'{i},{model},"{json.dumps(v["anchor"]).replace(chr(34), chr(34) * 2)}"'
        for i, v in enumerate(truth["models"][model]["violations"])
    ]
    leads = tmp_path / "leads.csv"
    leads.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = runner.invoke(
        app, ["evaluate", "--truth", str(dataset / "truth.json"), "--leads", str(leads), "--json"]
    )
    assert result.exit_code == 0, result.output
    scores = {m["model_id"]: m for m in json.loads(result.output)["models"]}
    assert scores[model]["recall"] == 1.0 and scores[model]["precision"] == 1.0
    bad = tmp_path / "bad.csv"
    bad.write_text("lead_id,model_id,anchor\n1,m,{oops\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", "--truth", str(dataset / "truth.json"), "--leads", str(bad)])
    assert result.exit_code == 2 and "row 2" in result.output
