"""Loading the catalogue: every model folder validated completely, or not loaded.

A model folder holds ``model.yaml``, ``rule.sql`` and ``tests.yaml``; a
candidate version lives in ``versions/<version>/`` beside them (ADR 0400).
The built-in catalogue is ``procura/catalog``; ``--catalog DIR`` adds folders.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from sqlglot import exp

from procura.errors import InvalidInput
from procura.models.casefile import TestCase, read_tests
from procura.models.spec import LEAD_COLUMNS, ModelSpec
from procura.models.sql import (
    RuleError,
    output_columns,
    parse_expression,
    parse_rule,
    placeholders,
    referenced_tables,
)
from procura.warehouse.schema import readable_tables, table_columns

# libyaml's parser when built in: tests.yaml files are large.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

BUILTIN_CATALOG = Path(__file__).resolve().parent.parent / "catalog"
VERSIONS_DIR = "versions"


class ModelLoadError(InvalidInput):
    """A model folder that does not load, with the reason."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


@dataclass(frozen=True)
class Model:
    """One loaded, validated model version."""

    spec: ModelSpec
    rule: exp.Query
    rule_sql: str
    tests: tuple[TestCase, ...]
    path: Path

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def version(self) -> str:
        return self.spec.version

    def postprocess(self) -> Callable[..., Any] | None:
        """The Python step after SQL, if the model has one."""
        return resolve_hook(self.spec.postprocess) if self.spec.postprocess else None


@dataclass
class Catalog:
    """The loaded models (current versions), candidate versions, and what failed to load."""

    models: dict[str, Model] = field(default_factory=dict)
    candidates: dict[str, list[Model]] = field(default_factory=dict)
    errors: list[ModelLoadError] = field(default_factory=list)

    def get(self, model_id: str) -> Model:
        if model_id not in self.models:
            raise KeyError(f"no model {model_id!r} in the catalogue")
        return self.models[model_id]

    def shadow(self, model_id: str) -> Model:
        """The highest candidate version of ``model_id``."""
        self.get(model_id)
        versions = self.candidates.get(model_id)
        if not versions:
            raise KeyError(f"model {model_id!r} has no shadow version (versions/<n>/)")
        return versions[-1]

    def select(self, ids: Sequence[str]) -> list[Model]:
        """The named models (all, sorted by id, when none are named)."""
        return [self.get(i) for i in ids] if ids else [self.models[i] for i in sorted(self.models)]


def resolve_hook(ref: str) -> Callable[..., Any]:
    """A built-in hook by name (``procura.models.stats.HOOKS``), or ``module.path:function``.

    The second form is for catalogues outside the package (``--catalog``); procura's own
    modules are never imported by name, so the import graph stays what the code says.
    """
    from procura.models.stats import HOOKS  # numpy, pandas and scipy: only when a hook is used

    if ":" not in ref:
        if ref not in HOOKS:
            raise ValueError(f"postprocess {ref!r} is not a built-in hook ({', '.join(sorted(HOOKS))})")
        return HOOKS[ref]
    module_name, _, attr = ref.partition(":")
    if module_name.split(".")[0] == "procura":
        raise ValueError(f"postprocess {ref!r}: name a built-in hook ({', '.join(sorted(HOOKS))})")
    try:
        fn = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"postprocess {ref!r} cannot be imported: {exc}") from None
    if not callable(fn):
        raise ValueError(f"postprocess {ref!r} is not a function")
    return fn  # type: ignore[no-any-return]


def _validation_message(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "model.yaml"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)


def _check_rule(spec: ModelSpec, rule: exp.Query) -> None:
    allowed = readable_tables()
    used = referenced_tables(rule)
    for name in sorted(used):
        if name not in allowed:
            raise RuleError(
                f"rule.sql reads unknown table {name!r} (allowed: standard tables, mentions, entities)"
            )
        if name not in spec.tables:
            raise RuleError(f"rule.sql reads {name!r}, which is not in `tables:`")
    for name in spec.tables:
        if name not in allowed:
            raise RuleError(f"`tables:` names unknown table {name!r}")
        if name not in used:
            raise RuleError(f"`tables:` lists {name!r}, which rule.sql does not read")
    for name, param in spec.parameters.items():
        if param.event_date:
            try:
                parse_expression(param.event_date)
            except RuleError as exc:
                raise RuleError(f"parameter {name!r}: event_date: {exc}") from None
    names = placeholders(rule)
    declared = set(spec.parameters) | {"as_of"}
    for name in sorted(names - declared):
        raise RuleError(f"rule.sql uses undeclared parameter ${name}")
    if spec.postprocess is None:
        for name in sorted(set(spec.parameters) - names):
            raise RuleError(f"parameter {name!r} is declared but rule.sql never uses ${name}")
        columns = output_columns(rule)
        missing = [c for c in LEAD_COLUMNS if columns is not None and c not in columns]
        if missing:
            raise RuleError(f"rule.sql output lacks lead column(s) {', '.join(missing)}")


def load_model(folder: Path) -> Model:
    """Load and validate one model version folder (cached while its files are unchanged)."""
    stamp = tuple(
        (name, (folder / name).stat().st_mtime_ns if (folder / name).is_file() else None)
        for name in ("model.yaml", "rule.sql", "tests.yaml")
    )
    return _load_model(folder.resolve(), stamp)


@lru_cache(maxsize=512)
def _load_model(folder: Path, stamp: tuple[tuple[str, int | None], ...]) -> Model:
    files = {name: folder / name for name in ("model.yaml", "rule.sql", "tests.yaml")}
    for name, path in files.items():
        if not path.is_file():
            raise ModelLoadError(folder, f"missing {name}")
    try:
        raw = yaml.load(files["model.yaml"].read_text(encoding="utf-8"), Loader=_LOADER)
        spec = ModelSpec.model_validate(raw)
    except yaml.YAMLError as exc:
        raise ModelLoadError(files["model.yaml"], f"invalid YAML: {exc}") from None
    except ValidationError as exc:
        raise ModelLoadError(files["model.yaml"], _validation_message(exc)) from None
    if spec.anchor.table not in spec.tables:
        raise ModelLoadError(files["model.yaml"], f"anchor table {spec.anchor.table!r} is not in `tables:`")
    unknown_key = [k for k in spec.anchor.key if k not in table_columns(spec.anchor.table)]
    if unknown_key:
        raise ModelLoadError(files["model.yaml"], f"anchor key field {unknown_key[0]!r} is not a column")
    rule_sql = files["rule.sql"].read_text(encoding="utf-8")
    try:
        rule = parse_rule(rule_sql)
        _check_rule(spec, rule)
    except RuleError as exc:
        raise ModelLoadError(files["rule.sql"], str(exc)) from None
    if spec.postprocess:
        try:
            resolve_hook(spec.postprocess)
        except ValueError as exc:
            raise ModelLoadError(files["model.yaml"], str(exc)) from None
    try:
        tests = read_tests(files["tests.yaml"], spec)
    except ValueError as exc:
        raise ModelLoadError(files["tests.yaml"], str(exc)) from None
    return Model(spec=spec, rule=rule, rule_sql=rule_sql, tests=tests, path=folder)


def _model_folders(root: Path) -> Iterable[Path]:
    for child in sorted(root.iterdir()):
        if child.is_dir() and not child.name.startswith((".", "_")):
            yield child


def _version_key(model: Model) -> tuple[int, str]:
    v = model.version
    return (int(v), v) if v.isdigit() else (10**9, v)


def load_catalog(extra: Sequence[Path] = (), *, builtin: bool = True) -> Catalog:
    """Load the built-in catalogue and any extra folders; failures are collected, not raised."""
    catalog = Catalog()
    roots = ([BUILTIN_CATALOG] if builtin and BUILTIN_CATALOG.is_dir() else []) + list(extra)
    for root in roots:
        if not root.is_dir():
            catalog.errors.append(ModelLoadError(root, "catalogue folder does not exist"))
            continue
        for folder in _model_folders(root):
            try:
                model = load_model(folder)
            except ModelLoadError as exc:
                catalog.errors.append(exc)
                continue
            if model.id != folder.name:
                catalog.errors.append(ModelLoadError(folder, f"folder name differs from id {model.id!r}"))
                continue
            if model.id in catalog.models:
                other = catalog.models[model.id].path
                message = f"model id {model.id!r} already loaded from {other}"
                catalog.errors.append(ModelLoadError(folder, message))
                continue
            catalog.models[model.id] = model
            _load_candidates(catalog, model)
    return catalog


@cache
def builtin_catalog() -> Catalog:
    """The built-in catalogue, loaded once per process (models change with a release)."""
    return load_catalog()


def _load_candidates(catalog: Catalog, current: Model) -> None:
    versions = current.path / VERSIONS_DIR
    if not versions.is_dir():
        return
    found: list[Model] = []
    for folder in _model_folders(versions):
        try:
            model = load_model(folder)
        except ModelLoadError as exc:
            catalog.errors.append(exc)
            continue
        if model.id != current.id or model.version != folder.name:
            message = f"a version folder must hold id {current.id!r} version {folder.name!r}"
            catalog.errors.append(ModelLoadError(folder, message))
            continue
        if _version_key(model) > _version_key(current):
            found.append(model)
    if found:
        catalog.candidates[current.id] = sorted(found, key=_version_key)
