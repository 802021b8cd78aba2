"""One small generated dataset shared by the synth tests (built once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest

from procura.synth import Dataset, build, write


@pytest.fixture(scope="session")
def small() -> Dataset:
    """A dataset at scale 0.2 (about 4k rows), seed 7."""
    return build(seed=7, scale=0.2)


@pytest.fixture(scope="session")
def written(small: Dataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``small`` written to a folder."""
    out = tmp_path_factory.mktemp("synth")
    write(small, out)
    return out
