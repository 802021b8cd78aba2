from __future__ import annotations

from pathlib import Path

import pytest
from model_toy import TOY_ID, TOY_RULE, TOY_SPEC, with_changes, write_model

from procura.models.loader import load_catalog


def _errors(root: Path) -> list[str]:
    catalog = load_catalog([root], builtin=False)
    return [str(e) for e in catalog.errors]


def test_builtin_catalogue_loads_without_errors() -> None:
    catalog = load_catalog()
    assert catalog.errors == []
    assert catalog.models, "the built-in catalogue is empty"


def test_a_user_catalogue_folder_adds_its_models(tmp_path: Path) -> None:
    write_model(tmp_path)
    catalog = load_catalog([tmp_path])
    assert TOY_ID in catalog.models
    assert catalog.models[TOY_ID].spec.parameters["min_views"].default == 5000


def test_incomplete_metadata_does_not_load(tmp_path: Path) -> None:
    spec = with_changes(title={"zh": "只有中文"})
    write_model(tmp_path, spec)
    (error,) = _errors(tmp_path)
    assert "model.yaml" in error and "title.en" in error


@pytest.mark.parametrize(
    ("changes", "needle"),
    [
        ({"prong": "military"}, "prong"),
        ({"legal_basis": []}, "legal_basis"),
        ({"measure": "lecture"}, "measure"),
        ({"id": "Bad_Id"}, "id"),
        ({"subject": {"kind": "animal"}}, "subject.kind"),
        ({"surprise": 1}, "surprise"),
        ({"anchor": {"table": "police_reports", "key": ["nope"]}}, "anchor key field 'nope'"),
        ({"postprocess": "nowhere.at_all:fn"}, "cannot be imported"),
        ({"postprocess": "procura.models.stats:price_discrimination"}, "built-in hook"),
        ({"postprocess": "no_such_hook"}, "not a built-in hook"),
    ],
)
def test_bad_metadata_names_the_field(tmp_path: Path, changes: dict, needle: str) -> None:
    write_model(tmp_path, with_changes(**changes), folder=TOY_ID)
    errors = _errors(tmp_path)
    assert len(errors) == 1 and needle in errors[0], errors


def test_parameter_without_citation_does_not_load(tmp_path: Path) -> None:
    params = {k: dict(v) for k, v in TOY_SPEC["parameters"].items()}
    del params["min_views"]["citation"]
    write_model(tmp_path, with_changes(parameters=params))
    (error,) = _errors(tmp_path)
    assert "parameters.min_views.citation" in error


@pytest.mark.parametrize(
    ("rule", "needle"),
    [
        (TOY_RULE.replace("FROM police_reports r", "FROM secret_table r"), "unknown table 'secret_table'"),
        (TOY_RULE.replace("LEFT JOIN mentions m", "LEFT JOIN entities m"), "not in `tables:`"),
        (TOY_RULE.replace("$min_views)", "$max_views)"), "undeclared parameter $max_views"),
        (TOY_RULE.replace("FROM police_reports r", "FROM read_csv('x.csv') r"), "unknown table"),
        ("SELECT 1 AS a; SELECT 2 AS b", "exactly one SELECT"),
        ("DELETE FROM police_reports", "expected a SELECT"),
        ("SELECT FROM WHERE (", "does not parse"),
    ],
)
def test_bad_rule_sql_does_not_load(tmp_path: Path, rule: str, needle: str) -> None:
    write_model(tmp_path, rule=rule)
    errors = _errors(tmp_path)
    assert len(errors) == 1 and "rule.sql" in errors[0] and needle in errors[0], errors


def test_declared_table_the_rule_never_reads(tmp_path: Path) -> None:
    write_model(tmp_path, with_changes(tables=["police_reports", "mentions", "entities"]))
    (error,) = _errors(tmp_path)
    assert "lists 'entities', which rule.sql does not read" in error


def test_declared_parameter_the_rule_never_uses(tmp_path: Path) -> None:
    rule = TOY_RULE.replace("r.views_count >= $min_views", "r.views_count >= 5000").replace(
        "(2.0 * $min_views)", "10000.0"
    )
    write_model(tmp_path, rule=rule)
    (error,) = _errors(tmp_path)
    assert "'min_views' is declared but rule.sql never uses" in error


def test_rule_without_a_lead_column(tmp_path: Path) -> None:
    write_model(tmp_path, rule=TOY_RULE.replace("r.region_code,", ""))
    (error,) = _errors(tmp_path)
    assert "lacks lead column(s) region_code" in error


def test_cte_names_are_not_tables(tmp_path: Path) -> None:
    rule = "WITH pr AS (SELECT * FROM police_reports) " + TOY_RULE.replace(
        "FROM police_reports r", "FROM pr r"
    )
    write_model(tmp_path, rule=rule)
    assert _errors(tmp_path) == []


def test_missing_tests_file_and_bad_cases(tmp_path: Path) -> None:
    folder = write_model(tmp_path)
    (folder / "tests.yaml").unlink()
    assert "missing tests.yaml" in _errors(tmp_path)[0]
    write_model(tmp_path, tests={"cases": [{"name": "x", "tables": {}, "expect": []}]})
    assert "as_of is required" in _errors(tmp_path)[0]
    write_model(
        tmp_path,
        tests={
            "cases": [
                {
                    "name": "x",
                    "as_of": "2026-01-01",
                    "tables": {"police_reports": [{"nope": 1}]},
                    "expect": [],
                }
            ]
        },
    )
    assert "unknown column 'nope'" in _errors(tmp_path)[0]


def test_folder_must_match_id_and_ids_are_unique(tmp_path: Path) -> None:
    write_model(tmp_path / "a", folder="other-name")
    assert "folder name differs" in _errors(tmp_path / "a")[0]
    write_model(tmp_path / "b")
    write_model(tmp_path / "c")
    catalog = load_catalog([tmp_path / "b", tmp_path / "c"], builtin=False)
    assert len(catalog.models) == 1
    assert "already loaded" in str(catalog.errors[0])


def test_shadow_versions_are_loaded_beside_the_current(tmp_path: Path) -> None:
    folder = write_model(tmp_path)
    write_model(folder / "versions", with_changes(version="2"), folder="2")
    catalog = load_catalog([tmp_path], builtin=False)
    assert catalog.errors == []
    assert catalog.models[TOY_ID].version == "1"
    assert catalog.shadow(TOY_ID).version == "2"
    write_model(folder / "versions", with_changes(version="9"), folder="3")
    catalog = load_catalog([tmp_path], builtin=False)
    assert "must hold id 'toy-unfiled' version '3'" in str(catalog.errors[0])


def test_dated_parameter_needs_a_column_expression(tmp_path: Path) -> None:
    params = {k: dict(v) for k, v in TOY_SPEC["parameters"].items()}
    params["min_views"] = dict(
        params["min_views"], values=[{"from": "2026-01-01", "value": 1}], event_date="SELECT 1"
    )
    write_model(tmp_path, with_changes(parameters=params))
    (error,) = _errors(tmp_path)
    assert "parameter 'min_views': event_date: 'SELECT 1' is not a column expression" in error
