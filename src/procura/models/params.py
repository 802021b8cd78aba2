"""Parameter values of a run: defaults < ``--params`` file < ``--param`` overrides."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from procura.errors import InvalidInput
from procura.models.spec import DatedValue, ModelSpec, coerce

# libyaml's parser when built in: tests.yaml files are large.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ParamError(InvalidInput):
    """A parameter override names an unknown model or parameter, or a bad value."""


@dataclass(frozen=True)
class Binding:
    """The value a run gives one parameter: a constant, or a schedule of dated values."""

    type: str
    value: Any
    dated: tuple[DatedValue, ...] = ()
    event_date: str | None = None

    def on(self, day: date | None) -> Any:
        """The value in force on ``day``."""
        current = self.value
        for row in self.dated:
            if day is not None and day >= row.from_:
                current = row.value
        return current

    def record(self) -> Any:
        """The binding as JSON-ready data for a lead's ``params``."""
        value = _json(self.value)
        if not self.dated:
            return value
        return {
            "default": value,
            "event_date": self.event_date,
            "values": [{"from": r.from_.isoformat(), "value": _json(r.value)} for r in self.dated],
        }


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def bindings(spec: ModelSpec, overrides: Mapping[str, Any] | None = None) -> dict[str, Binding]:
    """Bind every parameter of ``spec``; an override replaces a whole schedule by one value."""
    overrides = dict(overrides or {})
    unknown = sorted(set(overrides) - set(spec.parameters))
    if unknown:
        raise ParamError(f"model {spec.id} has no parameter {unknown[0]!r}")
    bound: dict[str, Binding] = {}
    for name, param in spec.parameters.items():
        if name in overrides:
            try:
                value = coerce(param.type, overrides[name])
            except ValueError as exc:
                raise ParamError(f"{spec.id}.{name}: {exc}") from None
            bound[name] = Binding(param.type, value)
        else:
            bound[name] = Binding(param.type, param.base_value, param.values, param.event_date)
    return bound


def parse_assignments(items: Iterable[str]) -> dict[str, dict[str, Any]]:
    """``model.key=value`` strings -> {model: {key: value}} (values stay text)."""
    result: dict[str, dict[str, Any]] = {}
    for item in items:
        target, sep, value = item.partition("=")
        model_id, dot, key = target.strip().rpartition(".")
        if not sep or not dot or not model_id or not key:
            raise ParamError(f"--param {item!r}: write model.key=value")
        result.setdefault(model_id, {})[key] = value.strip()
    return result


def read_params_file(path: Path) -> dict[str, dict[str, Any]]:
    """A YAML/JSON file ``{model-id: {key: value}}``."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise ParamError(f"{path}: cannot read parameters: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise ParamError(f"{path}: expected a mapping of model id to {{parameter: value}}")
    return {str(k): dict(v) for k, v in data.items()}


def merge(*layers: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Later layers win, key by key."""
    merged: dict[str, dict[str, Any]] = {}
    for layer in layers:
        for model_id, values in layer.items():
            merged.setdefault(model_id, {}).update(values)
    return merged
