"""From a rule's output rows to leads: anchors, evidence, subject, office, explanation."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from procura.engine.base import Engine, EngineError
from procura.errors import InvalidInput
from procura.leads.fingerprint import fingerprint
from procura.leads.record import LeadRecord
from procura.models.explain import render
from procura.models.loader import Model
from procura.models.params import Binding, bindings
from procura.models.spec import LEAD_COLUMNS
from procura.models.sql import bind
from procura.standard import regions
from procura.warehouse.keys import split_key
from procura.warehouse.schema import primary_keys

_RESERVED = {*LEAD_COLUMNS, "target", "office", "subject_kind"}
_LEVELS = ("county", "city", "province")
_KINDS = ("person", "org")
_OFFICE = re.compile(r"^\d{6}-(county|city|province)$")


class LeadError(InvalidInput):
    """A rule output row that cannot become a lead."""


def default_office(region_code: str) -> str:
    """The office of a region at the region's own level: ``330110-county``, ``330100-city``."""
    known = regions.lookup(region_code)
    if known is not None and known.level in _LEVELS:
        return f"{region_code}-{known.level}"
    if region_code.endswith("0000"):
        return f"{region_code}-province"
    return f"{region_code}-city" if region_code.endswith("00") else f"{region_code}-county"


def _key(fields: tuple[str, ...], record_key: str, where: str) -> dict[str, str]:
    key = split_key(fields, record_key)
    if key is None:
        raise LeadError(f"{where}: record key {record_key!r} does not fit key ({', '.join(fields)})")
    return key


def _ref(table: str, key: dict[str, str]) -> dict[str, Any]:
    return {"table": table, "key": key}


def _sorted_unique(refs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen = {(r["table"], tuple(r["key"].items())): r for r in refs}
    return [seen[k] for k in sorted(seen)]


def _evidence(model: Model, items: list[Any], where: str) -> list[dict[str, Any]]:
    refs = []
    anchor = model.spec.anchor
    for item in items or []:
        table, sep, record_key = str(item).partition(":")
        if not sep:
            raise LeadError(f"{where}: evidence {item!r} is not '<table>:<record key>'")
        if table == anchor.table and split_key(anchor.key, record_key) is not None:
            refs.append(_ref(table, _key(anchor.key, record_key, where)))
        elif table in primary_keys():
            refs.append(_ref(table, _key(primary_keys()[table], record_key, where)))
        else:
            raise LeadError(f"{where}: evidence names unknown table {table!r}")
    return refs


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        return _json_value(value.item())  # numpy scalar
    if hasattr(value, "tolist"):
        return _json_value(value.tolist())  # numpy array
    return value


def _params_used(values: Mapping[str, Binding], row: Mapping[str, Any]) -> dict[str, Any]:
    used: dict[str, Any] = {}
    for name, binding in values.items():
        column = (binding.event_date or "").rpartition(".")[2]
        day = row.get(column) if binding.dated else None
        if isinstance(day, datetime):
            day = day.date()
        elif isinstance(day, str):
            try:
                day = date.fromisoformat(day[:10])
            except ValueError:
                day = None
        if binding.dated and isinstance(day, date):
            used[name] = _json_value(binding.on(day))
        else:
            used[name] = binding.record()
    return used


def to_lead(
    model: Model, row: Mapping[str, Any], values: Mapping[str, Binding], as_of: date
) -> LeadRecord:
    """One output row as a lead."""
    spec = model.spec
    row = {k: _json_value(v) for k, v in row.items()}
    keys = row.get("anchor_keys")
    where = f"model {spec.id}, lead {keys!r}"
    missing = [c for c in LEAD_COLUMNS if c not in row]
    if missing:
        raise LeadError(f"model {spec.id}: output lacks column(s) {', '.join(missing)}")
    if not keys:
        raise LeadError(f"{where}: anchor_keys is empty")
    anchor = _sorted_unique([_ref(spec.anchor.table, _key(spec.anchor.key, k, where)) for k in keys])
    evidence = _sorted_unique(anchor + _evidence(model, row["evidence"], where))
    region = row["region_code"]
    if not isinstance(region, str) or len(region) != 6 or not region.isdigit():
        raise LeadError(f"{where}: region_code {region!r} is not 6 digits")
    score = row["score"]
    if score is None or not 0.0 <= float(score) <= 1.0:
        raise LeadError(f"{where}: score {score!r} is not in [0, 1]")
    office = row.get("office") or default_office(region)
    if not _OFFICE.match(str(office)):
        raise LeadError(f"{where}: office {office!r} is not '<region>-county|city|province'")
    params = _params_used(values, row)
    details = {k: v for k, v in row.items() if k not in _RESERVED}
    context = {**params, **row, "params": params, "as_of": as_of}
    return LeadRecord(
        fingerprint=fingerprint(spec.id, anchor),
        model_id=spec.id,
        model_version=spec.version,
        params=params,
        anchor=anchor,
        evidence=evidence,
        subject={
            "kind": row.get("subject_kind") if row.get("subject_kind") in _KINDS else spec.subject.kind,
            "entity_id": row["subject_entity_id"],
            "name": row["subject_name"],
        },
        target=row.get("target") or f"{spec.target.zh} ({spec.target.en})",
        region_code=region,
        office=office,
        prong=spec.prong,
        measure=spec.measure,
        score=round(float(score), 6),
        explanation_zh=render(spec.explanation.zh, context),
        explanation_en=render(spec.explanation.en, context),
        details=details,
        legal_basis=[{"ref": b.ref, "zh": b.zh, "en": b.en} for b in spec.legal_basis],
    )


def rows_to_leads(
    model: Model, rows: list[dict[str, Any]], values: Mapping[str, Binding], as_of: date
) -> list[LeadRecord]:
    """All output rows as leads, sorted by fingerprint; two rows with one anchor is an error."""
    hook = model.postprocess()
    if hook is not None:
        import pandas as pd  # only a hook needs it (ADR 0400: a DataFrame in and out)

        params = {n: b.value for n, b in values.items()} | {"as_of": as_of}
        frame = hook(pd.DataFrame(rows), params)
        rows = [{str(k): v for k, v in r.items()} for r in frame.to_dict(orient="records")]
    leads: dict[str, LeadRecord] = {}
    for row in rows:
        lead = to_lead(model, row, values, as_of)
        if lead.fingerprint in leads:
            raise LeadError(f"model {model.id}: two output rows share the anchor {lead.anchor}")
        leads[lead.fingerprint] = lead
    return [leads[fp] for fp in sorted(leads)]


def find_leads(
    model: Model, engine: Engine, as_of: date, overrides: Mapping[str, Any] | None = None
) -> list[LeadRecord]:
    """Run ``model`` on ``engine`` as of a date; the leads it finds (nothing is stored)."""
    values = bindings(model.spec, overrides)
    try:
        rows = engine.run(bind(model.rule, values, as_of))
    except EngineError as exc:
        raise EngineError(f"model {model.id}: {exc}") from exc
    return rows_to_leads(model, rows, values, as_of)
