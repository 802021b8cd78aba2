"""The DuckDB memory limit and spill folder reach the warehouse connection (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from procura.config import Settings
from procura.warehouse.connection import connect


def _setting(con, name: str) -> str:
    return con.execute("SELECT current_setting(?)", [name]).fetchone()[0]


def test_memory_limit_and_temp_dir_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PROCURA_HOME", str(tmp_path / "ws"))
    monkeypatch.setenv("PROCURA_DUCKDB_MEMORY_LIMIT", "1GiB")
    monkeypatch.setenv("PROCURA_DUCKDB_TEMP_DIR", str(tmp_path / "spill"))
    con = connect(Settings())
    try:
        assert _setting(con, "memory_limit") == "1.0 GiB"
        assert _setting(con, "temp_directory") == str(tmp_path / "spill")
    finally:
        con.close()
    reader = connect(Settings(), read_only=True)
    try:
        assert _setting(reader, "memory_limit") == "1.0 GiB"
    finally:
        reader.close()


def test_without_the_setting_duckdb_keeps_its_default(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("PROCURA_DUCKDB_MEMORY_LIMIT", raising=False)
    con = connect(Settings(home=tmp_path / "a"))
    try:
        default = _setting(con, "memory_limit")
    finally:
        con.close()
    con = connect(Settings(home=tmp_path / "b", duckdb_memory_limit="300MiB"))
    try:
        assert _setting(con, "memory_limit") == "300.0 MiB" != default
    finally:
        con.close()


def test_a_malformed_memory_limit_is_refused() -> None:
    with pytest.raises(ValidationError):
        Settings(duckdb_memory_limit="eight gigabytes")
