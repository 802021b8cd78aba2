"""The demo runs the whole pipeline end to end on a small generated dataset."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from procura.api import create_app
from procura.cli import app
from procura.config import Settings


@pytest.mark.slow
def test_demo_runs_every_stage_and_finds_the_planted_leads(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    result = CliRunner().invoke(app, ["--workspace", str(ws), "demo", "--scale", "0.3", "--seed", "7"])
    assert result.exit_code == 0, result.output
    for heading in (
        "Ingest",
        "Entity resolution",
        "Supervision models",
        "Leads by model",
        "Demo users",
        "Demo agency",
    ):
        assert heading in result.output
    # The demo agency's key, printed once, opens the exchange.
    key = re.search(r"pk_[0-9a-f]{8}_\S+", result.output)
    assert key is not None
    client = TestClient(create_app(Settings(home=ws)))
    assert client.get("/api/v1/exchange/documents", headers={"X-API-Key": key.group(0)}).status_code == 200
    # The export is an analyst's permission (issue 10): the operator adds one, who signs in.
    analyst = ["--office", "330000-province", "--role", "analyst", "--password", "ana-pass1", "--system"]
    for args in (["users", "add", "ana", *analyst], ["login", "-u", "ana", "--password", "ana-pass1"]):
        signed = CliRunner().invoke(app, ["-w", str(ws), *args])
        assert signed.exit_code == 0, signed.output
    export = tmp_path / "leads.jsonl"
    export_args = ["-w", str(ws), "leads", "export", "--format", "jsonl", "--out", str(export)]
    result = CliRunner().invoke(app, export_args)
    assert result.exit_code == 0, result.output
    leads = [json.loads(line) for line in export.read_text(encoding="utf-8").splitlines()]
    truth = json.loads((ws / "demo-dataset" / "truth.json").read_text(encoding="utf-8"))
    planted = sum(len(m["violations"]) for m in truth["models"].values())
    assert planted > 0
    # Every model of the catalogue that had something planted found something.
    found_models = {lead["model_id"] for lead in leads}
    planted_models = {mid for mid, m in truth["models"].items() if m["violations"]}
    assert planted_models <= found_models
    # Running the demo again changes nothing: same leads, no duplicates.
    again = CliRunner().invoke(app, ["--workspace", str(ws), "demo", "--scale", "0.3", "--seed", "7"])
    assert again.exit_code == 0, again.output
    assert CliRunner().invoke(app, export_args).exit_code == 0
    assert len(export.read_text(encoding="utf-8").splitlines()) == len(leads)
