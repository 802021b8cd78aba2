"""The run service: catalogue + parameters + engine + lead store, for the CLI and the API."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from procura import clock
from procura.config import Settings
from procura.db import session_scope, system_scope
from procura.engine.warehouse import open_engine
from procura.errors import InvalidInput
from procura.leads.store import RunOutcome, save_leads, save_shadow, start_run
from procura.models.build import find_leads
from procura.models.loader import Catalog, Model, load_catalog
from procura.models.params import ParamError, bindings, merge, parse_assignments, read_params_file


class CatalogError(InvalidInput):
    """The catalogue has models that do not load, or a model named does not exist."""


@dataclass(frozen=True)
class RunRequest:
    """What ``procura run`` was asked to do."""

    models: Sequence[str] = ()
    as_of: date | None = None
    assignments: Sequence[str] = ()
    params_file: Path | None = None
    engine: str = "duckdb"
    catalogs: Sequence[Path] = ()
    shadow: bool = False
    lake: Path | None = None  # read this Parquet lake instead of the warehouse (else the setting)


def catalog_or_fail(catalogs: Sequence[Path], wanted: Sequence[str] = ()) -> Catalog:
    """The catalogue, or an error naming the models that do not load.

    With ``wanted`` model ids, only a failure among them (or a missing one)
    stops the run; without, any model that does not load does.
    """
    catalog = load_catalog(catalogs)
    missing = [m for m in wanted if m not in catalog.models]
    if catalog.errors and (missing or not wanted):
        raise CatalogError("; ".join(str(e) for e in catalog.errors))
    return catalog


def overrides(request: RunRequest, catalog: Catalog) -> dict[str, dict[str, Any]]:
    """Parameter overrides per model: ``--params`` file, then ``--param`` (later wins)."""
    layers = [read_params_file(request.params_file)] if request.params_file else []
    values = merge(*layers, parse_assignments(request.assignments))
    unknown = sorted(set(values) - set(catalog.models))
    if unknown:
        raise ParamError(f"parameters given for unknown model {unknown[0]!r}")
    return values


def selected(request: RunRequest, catalog: Catalog) -> list[Model]:
    """The model versions to run: current ones, or shadow versions with ``--shadow``."""
    try:
        models = catalog.select(request.models)
        if not request.shadow:
            return models
        if request.models:
            return [catalog.shadow(m.id) for m in models]
        return [catalog.shadow(m.id) for m in models if m.id in catalog.candidates]
    except KeyError as exc:
        raise CatalogError(str(exc.args[0])) from None


def run(settings: Settings, store: sessionmaker[Session], request: RunRequest) -> list[RunOutcome]:
    """Run the requested models over the workspace warehouse and store their leads in ``store``."""
    catalog = catalog_or_fail(request.catalogs, request.models)
    models = selected(request, catalog)
    if not models:
        return []
    values = overrides(request, catalog)
    for model in models:  # fail on a bad override before any work is done
        bindings(model.spec, values.get(model.id))
    as_of = request.as_of or clock.today()
    tables = {t for m in models for t in m.spec.tables}
    engine = open_engine(request.engine, settings, tables, request.lake)
    outcomes: list[RunOutcome] = []
    try:
        for model in models:
            params = values.get(model.id, {})
            leads = find_leads(model, engine, as_of, params)
            recorded = {n: b.record() for n, b in bindings(model.spec, params).items()}
            with session_scope(store) as session:
                system_scope(session)  # runs write every jurisdiction's leads (PostgreSQL RLS)
                run_row = start_run(
                    session, model.id, model.version, engine.name, as_of, recorded, shadow=request.shadow
                )
                save = save_shadow if request.shadow else save_leads
                outcomes.append(save(session, run_row, leads))
    finally:
        engine.close()
    return outcomes
