"""Fixtures of the ingest tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from procura.config import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "ws")
