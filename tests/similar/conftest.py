"""The similar-case tests' workspace (rows in ``similar_world``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from similar_world import FAMILY, add_reports

from procura.config import Settings


@pytest.fixture
def workspace(tmp_path: Path) -> Settings:
    settings = Settings(home=tmp_path / "ws").ensure()
    add_reports(settings, FAMILY, "b1")
    return settings
