"""Shared fixtures: a throwaway workspace per test, and skip-or-fail for services."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from procura.config import Settings

# In CI the property tests draw the same examples on every run: a red build must
# be reproducible, never a lucky draw. Locally they explore new examples each run.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _default_workspace(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """A command given no ``--workspace`` uses a throwaway folder, never ``./procura-workspace``.

    The README runs ``make demo`` (which fills ``./procura-workspace``) before ``make test``;
    a test must not read the demo's data nor write into it.
    """
    monkeypatch.setenv("PROCURA_HOME", str(tmp_path_factory.mktemp("default-ws") / "ws"))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings of an empty workspace in a temporary folder."""
    return Settings(home=tmp_path / "ws").ensure()


def skip_or_fail(required: bool, reason: str) -> None:
    """Skip with ``reason``, unless CI requires the service: then fail."""
    if required:
        pytest.fail(f"required in CI but unavailable: {reason}")
    pytest.skip(reason)
