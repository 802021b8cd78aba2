from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from model_toy import TOY_SPEC

from procura.models.params import ParamError, bindings, merge, parse_assignments, read_params_file
from procura.models.spec import ModelSpec, coerce

SPEC = ModelSpec.model_validate(TOY_SPEC)


def test_precedence_defaults_then_file_then_command_line(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("toy-unfiled: {min_views: 100, offenses: [online_insult]}\n", encoding="utf-8")
    values = merge(read_params_file(path), parse_assignments(["toy-unfiled.min_views=7"]))
    bound = bindings(SPEC, values["toy-unfiled"])
    assert bound["min_views"].value == 7
    assert bound["offenses"].value == ["online_insult"]
    assert bindings(SPEC)["min_views"].value == 5000


def test_bad_overrides_are_clear() -> None:
    with pytest.raises(ParamError, match="has no parameter 'nope'"):
        bindings(SPEC, {"nope": 1})
    with pytest.raises(ParamError, match=r"toy-unfiled\.min_views"):
        bindings(SPEC, {"min_views": "many"})
    with pytest.raises(ParamError, match=r"model\.key=value"):
        parse_assignments(["min_views=3"])


def test_bad_params_file(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(ParamError, match="expected a mapping"):
        read_params_file(path)
    with pytest.raises(ParamError, match="cannot read"):
        read_params_file(tmp_path / "missing.yaml")


@pytest.mark.parametrize(
    ("kind", "raw", "value"),
    [
        ("int", "5", 5),
        ("money", "1.5", 1.5),
        ("float", 2, 2.0),
        ("str", 5, "5"),
        ("date", "2026-01-02", date(2026, 1, 2)),
        ("bool", "yes", True),
        ("bool", "0", False),
        ("list[str]", "a, b", ["a", "b"]),
        ("list[str]", ["a", 1], ["a", "1"]),
    ],
)
def test_coerce(kind: str, raw: object, value: object) -> None:
    assert coerce(kind, raw) == value


@pytest.mark.parametrize(("kind", "raw"), [("int", 1.5), ("int", True), ("bool", "maybe"), ("date", "soon")])
def test_coerce_rejects(kind: str, raw: object) -> None:
    with pytest.raises(ValueError):
        coerce(kind, raw)


def test_dated_values_must_ascend_and_need_event_date() -> None:
    param = dict(TOY_SPEC["parameters"]["min_views"])
    bad = dict(
        param,
        values=[{"from": "2026-01-01", "value": 1}, {"from": "2025-01-01", "value": 2}],
        event_date="r.received_at",
    )
    with pytest.raises(ValueError, match="ascending"):
        ModelSpec.model_validate(dict(TOY_SPEC, parameters={"min_views": bad}))
    no_column = dict(param, values=[{"from": "2026-01-01", "value": 1}])
    with pytest.raises(ValueError, match="event_date"):
        ModelSpec.model_validate(dict(TOY_SPEC, parameters={"min_views": no_column}))
