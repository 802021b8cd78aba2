"""Fixtures of the workbench tests: one shared store and warehouse (SQLite), argon2 at low cost."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from procura.access import auth
from procura.config import Settings

sys.path.insert(0, str(Path(__file__).parent))
from web_world import WebWorld, build_world


@pytest.fixture(scope="session")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebWorld]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        yield build_world(Settings(home=tmp_path_factory.mktemp("web")))
