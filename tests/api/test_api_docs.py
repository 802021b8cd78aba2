"""docs/api.md lists every endpoint of the OpenAPI document, so the docs cannot drift."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import sessionmaker

from procura.api import create_app
from procura.config import Settings

DOC = Path(__file__).parents[2] / "docs" / "api.md"


def test_every_endpoint_is_documented(tmp_path: Path) -> None:
    # The OpenAPI document needs no database: an unbound session factory will do.
    spec = create_app(Settings(home=tmp_path), sessionmaker()).openapi()
    text = DOC.read_text(encoding="utf-8")
    missing = [
        f"{method.upper()} {path}"
        for path, operations in spec["paths"].items()
        for method in operations
        if f"`{method.upper()} {path.removeprefix('/api/v1')}`" not in text
    ]
    assert not missing, f"add to docs/api.md: {missing}"
    assert len(spec["paths"]) >= 25
