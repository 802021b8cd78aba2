"""Shared fixtures: a throwaway workspace per test, and skip-or-fail for services."""

from __future__ import annotations

from pathlib import Path

import pytest

from procura.config import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings of an empty workspace in a temporary folder."""
    return Settings(home=tmp_path / "ws").ensure()


def skip_or_fail(required: bool, reason: str) -> None:
    """Skip with ``reason``, unless CI requires the service: then fail."""
    if required:
        pytest.fail(f"required in CI but unavailable: {reason}")
    pytest.skip(reason)
