from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from model_toy import TOY_ID, with_changes, write_model
from sqlalchemy import func, select

from procura.access.principal import SYSTEM
from procura.config import Settings
from procura.db import session_scope
from procura.engine.fixture import create_tables, insert_rows
from procura.errors import WarehouseError
from procura.leads.orm import Lead, LeadRevision, ModelRun, ShadowLead
from procura.migrations import open_store
from procura.models.loader import load_catalog
from procura.models.params import ParamError
from procura.models.service import CatalogError, RunRequest, run
from procura.models.versions import VersionError, diff, promote
from procura.warehouse.schema import readable_tables
from procura.workflow.queries import LeadFilter, lead_records

AS_OF = date(2026, 6, 30)


def _report(rid: str, views: int = 6000, region: str = "330110") -> dict[str, Any]:
    return {
        "report_id": rid,
        "region_code": region,
        "received_at": "2026-01-01",
        "offense_type": "online_defamation",
        "filed": False,
        "views_count": views,
    }


def _load(settings: Settings, reports: list[dict[str, Any]]) -> None:
    con = duckdb.connect(str(settings.warehouse_path))
    existing = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    create_tables(con, sorted(readable_tables() - existing))
    con.execute("DELETE FROM police_reports")
    insert_rows(con, "police_reports", reports)
    con.close()


@pytest.fixture
def workspace(settings: Settings, tmp_path: Path) -> tuple[Settings, Path]:
    catalog = tmp_path / "catalog"
    write_model(catalog)
    return settings, catalog


def _request(catalog: Path, **kw: Any) -> RunRequest:
    return RunRequest(models=[TOY_ID], as_of=AS_OF, catalogs=[catalog], **kw)


def _count(settings: Settings, table: type) -> int:
    with session_scope(open_store(settings)) as s:
        return int(s.scalar(select(func.count()).select_from(table)) or 0)


def test_rerun_changes_nothing_and_new_data_adds_and_revises(workspace: tuple[Settings, Path]) -> None:
    settings, catalog = workspace
    _load(settings, [_report("R1"), _report("R2")])
    (first,) = run(settings, open_store(settings), _request(catalog))
    assert (first.found, first.new, first.updated) == (2, 2, 0)
    with session_scope(open_store(settings)) as s:
        lead = s.scalars(select(Lead).order_by(Lead.id)).first()
        assert lead is not None
        lead.status = "triaged"
        before = {(x.id, x.updated_at) for x in s.scalars(select(Lead))}
    (second,) = run(settings, open_store(settings), _request(catalog))
    assert (second.found, second.new, second.updated, second.unchanged) == (2, 0, 0, 2)
    assert _count(settings, LeadRevision) == 2
    with session_scope(open_store(settings)) as s:
        assert {(x.id, x.updated_at) for x in s.scalars(select(Lead))} == before

    _load(settings, [_report("R1", views=9000), _report("R2"), _report("R3")])
    (third,) = run(settings, open_store(settings), _request(catalog))
    assert (third.new, third.updated, third.unchanged) == (1, 1, 1)
    with session_scope(open_store(settings)) as s:
        leads = {x.anchor[0]["key"]["report_id"]: x for x in s.scalars(select(Lead))}
        assert leads["R1"].details["views_count"] == 9000
        assert {x.status for x in leads.values()} == {"new", "triaged"}
        assert s.get(Lead, lead.id).status == "triaged"  # type: ignore[union-attr]
        changes = [r.change for r in s.scalars(select(LeadRevision).order_by(LeadRevision.id))]
        assert changes == ["created", "created", "updated", "created"]
    assert _count(settings, ModelRun) == 3


def test_param_precedence_reaches_the_run(workspace: tuple[Settings, Path], tmp_path: Path) -> None:
    settings, catalog = workspace
    _load(settings, [_report("R1", views=150), _report("R2", views=250)])
    params = tmp_path / "params.yaml"
    params.write_text(f"{TOY_ID}: {{min_views: 100}}\n", encoding="utf-8")
    (outcome,) = run(settings, open_store(settings), _request(catalog, params_file=params))
    assert outcome.found == 2
    (outcome,) = run(
        settings,
        open_store(settings),
        _request(catalog, params_file=params, assignments=[f"{TOY_ID}.min_views=200"]),
    )
    assert outcome.found == 1
    with session_scope(open_store(settings)) as s:
        runs = list(s.scalars(select(ModelRun).order_by(ModelRun.id)))
        assert [r.params["min_views"] for r in runs] == [100, 200]


def test_clear_errors_before_any_work(workspace: tuple[Settings, Path], tmp_path: Path) -> None:
    settings, catalog = workspace
    with pytest.raises(WarehouseError, match="run `procura ingest` first"):
        run(settings, open_store(settings), _request(catalog))
    _load(settings, [_report("R1")])
    with pytest.raises(CatalogError, match="no model 'nope'"):
        run(settings, open_store(settings), RunRequest(models=["nope"], catalogs=[catalog]))
    with pytest.raises(ParamError, match="has no parameter 'x'"):
        run(settings, open_store(settings), _request(catalog, assignments=[f"{TOY_ID}.x=1"]))
    with pytest.raises(ParamError, match="unknown model 'other'"):
        run(settings, open_store(settings), _request(catalog, assignments=["other.x=1"]))
    broken = tmp_path / "broken"
    write_model(broken, with_changes(prong="none"))
    with pytest.raises(CatalogError, match="prong"):
        run(settings, open_store(settings), RunRequest(as_of=AS_OF, catalogs=[catalog, broken]))


def test_shadow_run_is_kept_apart_then_diffed_and_promoted(workspace: tuple[Settings, Path]) -> None:
    settings, catalog = workspace
    folder = catalog / TOY_ID
    shadow_spec = with_changes(version="2")
    shadow_spec["parameters"] = {k: dict(v) for k, v in shadow_spec["parameters"].items()}
    shadow_spec["parameters"]["min_views"]["default"] = 7000
    write_model(folder / "versions", shadow_spec, folder="2")
    _load(settings, [_report("R1", views=6000), _report("R2", views=8000)])
    with session_scope(open_store(settings)) as s, pytest.raises(VersionError, match="no shadow run"):
        diff(s, TOY_ID)
    run(settings, open_store(settings), _request(catalog))
    (shadow,) = run(settings, open_store(settings), _request(catalog, shadow=True))
    assert shadow.shadow and shadow.found == 1 and shadow.model_version == "2"
    assert _count(settings, ShadowLead) == 1
    with session_scope(open_store(settings)) as s:
        assert len(lead_records(s, SYSTEM, LeadFilter(model=TOY_ID))) == 2
        result = diff(s, TOY_ID)
    assert (result.current_version, result.shadow_version) == ("1", "2")
    assert [x["anchor"][0]["key"]["report_id"] for x in result.lost] == ["R1"]
    assert result.gained == [] and result.kept == 1

    old, new = promote(load_catalog([catalog], builtin=False), TOY_ID)
    assert (old, new) == ("1", "2")
    reloaded = load_catalog([catalog], builtin=False)
    assert reloaded.errors == []
    assert reloaded.models[TOY_ID].version == "2"
    assert (folder / "versions" / "1" / "rule.sql").is_file()
    assert TOY_ID not in reloaded.candidates
