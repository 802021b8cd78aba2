from __future__ import annotations

from pathlib import Path

from procura.models.docs import render_models_doc
from procura.models.loader import load_catalog

DOC = Path(__file__).resolve().parents[2] / "docs" / "models.md"


def test_committed_models_page_is_generated_from_the_catalogue() -> None:
    catalog = load_catalog(builtin=True)
    assert catalog.errors == []
    assert DOC.read_text(encoding="utf-8") == render_models_doc(catalog), (
        "docs/models.md is out of date: run `procura models docs`"
    )


def test_every_model_and_parameter_is_documented() -> None:
    catalog = load_catalog()
    text = render_models_doc(catalog)
    for model in catalog.models.values():
        assert f"## `{model.id}`" in text
        for name in model.spec.parameters:
            assert f"| `{name}` |" in text
        for basis in model.spec.legal_basis:
            assert basis.zh in text
