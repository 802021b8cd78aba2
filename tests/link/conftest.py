"""Fixtures of the link tests: an empty warehouse, a model trained once per session."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from link_fixtures import create_tables, populate_people

from procura.config import Settings


@pytest.fixture
def warehouse(settings: Settings) -> Callable[[], duckdb.DuckDBPyConnection]:
    """A factory of connections to the workspace warehouse, tables created empty."""
    con = duckdb.connect(str(settings.warehouse_path))
    create_tables(con)
    con.close()
    return lambda: duckdb.connect(str(settings.warehouse_path))


@pytest.fixture(scope="session")
def trained_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A person model trained once per test session on 200 noisy people."""
    from procura.link.service import run_link

    settings = Settings(home=tmp_path_factory.mktemp("trained")).ensure()
    con = duckdb.connect(str(settings.warehouse_path))
    create_tables(con)
    populate_people(con, 200, seed=7)
    run_link(con, settings)
    con.close()
    return settings.link_dir / "person_model.json"


@pytest.fixture
def with_model(settings: Settings, trained_model: Path) -> Settings:
    """The test workspace with the session's trained model in its link folder."""
    shutil.copy(trained_model, settings.link_dir / trained_model.name)
    return settings
