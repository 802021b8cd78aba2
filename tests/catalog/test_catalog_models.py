"""The catalogue: the ten models of the spec load, are complete, and pass their own tests.yaml."""

from __future__ import annotations

import re

import pytest

from procura.engine.duckdb import DuckDBEngine
from procura.engine.fixture import fixture_connection
from procura.models.build import find_leads
from procura.models.loader import Catalog, load_catalog
from procura.models.testing import run_tests

SPEC_MODELS = {
    "mandatory-report-failure": ("administrative", "medical_visits"),
    "fines-instead-of-prosecution": ("administrative", "admin_penalties"),
    "unfiled-online-defamation": ("criminal", "police_reports"),
    "non-prosecution-without-penalty": ("administrative", "criminal_cases"),
    "pi-case-without-civil-pil": ("public_interest", "criminal_cases"),
    "app-pi-violations": ("public_interest", "app_reports"),
    "price-discrimination": ("public_interest", "platform_orders"),
    "false-litigation": ("civil", "court_cases"),
    "vulnerable-victim-support": ("civil", "criminal_case_victims"),
    "cyberviolence-cluster": ("criminal", "police_reports"),
}
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def test_the_ten_models_of_the_spec_load(catalog: Catalog) -> None:
    assert [str(e) for e in catalog.errors] == []
    assert set(catalog.models) == set(SPEC_MODELS)


@pytest.mark.parametrize("model_id", sorted(SPEC_MODELS))
def test_prong_and_anchor_follow_the_spec(catalog: Catalog, model_id: str) -> None:
    spec = catalog.get(model_id).spec
    assert (spec.prong, spec.anchor.table) == SPEC_MODELS[model_id]


@pytest.mark.parametrize("model_id", sorted(SPEC_MODELS))
def test_metadata_is_bilingual_and_cited(catalog: Catalog, model_id: str) -> None:
    spec = catalog.get(model_id).spec
    assert CJK.search(spec.title.zh) and not CJK.search(spec.title.en)
    assert spec.legal_basis, "a model needs a legal basis"
    for basis in spec.legal_basis:
        assert CJK.search(basis.zh) and basis.en and basis.ref
    for name, param in spec.parameters.items():
        assert param.citation, f"{name} has no citation"
        assert CJK.search(param.description.zh) and param.description.en
    assert CJK.search(spec.explanation.zh) and not CJK.search(spec.explanation.en)


@pytest.mark.parametrize("model_id", sorted(SPEC_MODELS))
def test_tests_yaml_passes_through_the_runner(catalog: Catalog, model_id: str) -> None:
    model = catalog.get(model_id)
    results = run_tests(model)
    assert len(results) >= 5, "each model covers its boundaries with several cases"
    failed = [f"{r.case}: {r.describe()}" for r in results if not r.passed]
    assert failed == []


@pytest.mark.parametrize("model_id", sorted(SPEC_MODELS))
def test_tests_yaml_has_leads_and_non_leads(catalog: Catalog, model_id: str) -> None:
    """Every model's cases show both sides of a boundary: some rows are leads, some are not."""
    model = catalog.get(model_id)
    anchor_table = model.spec.anchor.table
    assert any(case.expected() for case in model.tests)
    assert any(len(case.tables.get(anchor_table, [])) > len(case.expected()) for case in model.tests)


CJK_GAP = re.compile(r"[\u4e00-\u9fff\uff08-\uff1b\u3001\u3002] +[\u4e00-\u9fff\uff08-\uff1b]")


@pytest.mark.parametrize("model_id", sorted(SPEC_MODELS))
def test_explanations_render_as_plain_sentences(catalog: Catalog, model_id: str) -> None:
    """Leads of the first case with leads read as Chinese and English prose, no template residue."""
    model = catalog.get(model_id)
    case = next(c for c in model.tests if c.expected())
    con = fixture_connection(case.tables, model.spec.tables)
    leads = find_leads(model, DuckDBEngine(con), case.as_of, case.params)
    assert leads
    for lead in leads:
        assert CJK.search(lead.explanation_zh) and "{" not in lead.explanation_zh
        assert not CJK_GAP.search(lead.explanation_zh), lead.explanation_zh
        assert "{" not in lead.explanation_en and len(lead.explanation_en) > 80
        entities = {m["entity_id"] for m in case.tables.get("mentions", [])}
        assert lead.subject["entity_id"] is None or lead.subject["entity_id"] in entities
