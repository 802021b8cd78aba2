"""The standard's tables, loaded from ``tables/*.yaml`` and checked on load.

Each YAML file declares one table: its name, title (zh/en), primary key and
ordered fields with their kind, whether required, and enum values. A file
that breaks these rules stops procura at start-up with a message naming the
file and the field.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from procura.errors import InvalidInput

# Standard kind -> warehouse column type (docs/architecture.md).
KINDS: dict[str, str] = {
    "id": "VARCHAR",
    "text": "VARCHAR",
    "name": "VARCHAR",
    "enum": "VARCHAR",
    "phone": "VARCHAR",
    "icd10": "VARCHAR",
    "id_no": "VARCHAR",
    "uscc": "VARCHAR",
    "region_code": "VARCHAR",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "money": "DECIMAL(18,2)",
    "count": "BIGINT",
    "bool": "BOOLEAN",
    "list": "VARCHAR[]",
}
FLAGGED_KINDS = ("id_no", "uscc")  # these get a `<field>_valid BOOLEAN` column
PROVENANCE = (
    ("_extra", "JSON"),
    ("_batch_id", "VARCHAR"),
    ("_source_file", "VARCHAR"),
    ("_source_row", "BIGINT"),
    ("_row_hash", "VARCHAR"),
)


# libyaml's safe loader when available: ten times faster, same results.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class StandardError(InvalidInput):
    """A table declaration that breaks the rules of the standard files."""


@dataclass(frozen=True)
class Field:
    """One field of a standard table."""

    name: str
    kind: str
    required: bool = False
    zh: str = ""
    values: tuple[str, ...] = ()
    aliases: dict[str, str] = field(default_factory=dict)
    open: bool = False  # an enum that keeps values outside its list

    @property
    def column_type(self) -> str:
        return KINDS[self.kind]

    @property
    def flagged(self) -> bool:
        return self.kind in FLAGGED_KINDS


@dataclass(frozen=True)
class Table:
    """One standard table."""

    name: str
    title_zh: str
    title_en: str
    primary_key: tuple[str, ...]
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def columns(self) -> list[tuple[str, str]]:
        """Warehouse columns ``(name, type)`` in order, provenance last."""
        cols: list[tuple[str, str]] = []
        for f in self.fields:
            cols.append((f.name, f.column_type))
            if f.flagged:
                cols.append((f"{f.name}_valid", "BOOLEAN"))
        return cols + list(PROVENANCE)


def _field(source: str, raw: Any) -> Field:
    if not isinstance(raw, dict) or "name" not in raw:
        raise StandardError(f"{source}: every field needs a 'name'")
    name = raw["name"]
    unknown = set(raw) - {"name", "kind", "required", "zh", "values", "aliases", "open"}
    if unknown:
        raise StandardError(f"{source}: field {name}: unknown keys {sorted(unknown)}")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise StandardError(f"{source}: field {name}: unknown kind {kind!r} (one of {sorted(KINDS)})")
    values = tuple(str(v) for v in raw.get("values", ()))
    if kind == "enum" and not values:
        raise StandardError(f"{source}: field {name}: an enum needs 'values'")
    if kind != "enum" and (values or raw.get("aliases")):
        raise StandardError(f"{source}: field {name}: only enums take 'values'/'aliases'")
    aliases = {str(k): str(v) for k, v in (raw.get("aliases") or {}).items()}
    bad = sorted(v for v in aliases.values() if v not in values)
    if bad:
        raise StandardError(f"{source}: field {name}: aliases point to unknown values {bad}")
    return Field(
        name,
        kind,
        bool(raw.get("required", False)),
        str(raw.get("zh", "")),
        values,
        aliases,
        bool(raw.get("open", False)),
    )


def parse_table(source: str, raw: Any) -> Table:
    """Check one YAML document and build its ``Table``."""
    if not isinstance(raw, dict):
        raise StandardError(f"{source}: not a mapping")
    for key in ("table", "title", "primary_key", "fields"):
        if key not in raw:
            raise StandardError(f"{source}: missing '{key}'")
    fields = tuple(_field(source, f) for f in raw["fields"])
    names = [f.name for f in fields]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise StandardError(f"{source}: duplicate fields {dupes}")
    pk = tuple(raw["primary_key"])
    for key in pk:
        if key not in names:
            raise StandardError(f"{source}: primary key field {key!r} is not a field")
        if not fields[names.index(key)].required:
            raise StandardError(f"{source}: primary key field {key!r} must be required")
    title = raw["title"]
    return Table(str(raw["table"]), str(title.get("zh", "")), str(title.get("en", "")), pk, fields)


def tables_dir() -> Path:
    return Path(str(resources.files("procura.standard") / "tables"))


def load_tables(directory: Path | None = None) -> dict[str, Table]:
    """Load and check every ``*.yaml`` table file of ``directory``."""
    directory = directory or tables_dir()
    tables: dict[str, Table] = {}
    for path in sorted(directory.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        table = parse_table(path.name, yaml.load(text, Loader=_LOADER))
        if table.name != path.stem:
            raise StandardError(f"{path.name}: table {table.name!r} must live in {table.name}.yaml")
        tables[table.name] = table
    if not tables:
        raise StandardError(f"{directory}: no table files")
    return tables


@cache
def standard() -> dict[str, Table]:
    """The shipped standard (loaded once per process)."""
    return load_tables()


def get_table(name: str) -> Table:
    """The standard table called ``name``; KeyError when there is none."""
    return standard()[name]


def export_json(indent: int | None = 2) -> str:
    """The standard as JSON, for docs, the UI and other tools."""
    out = {"version": 1, "tables": []}
    for table in standard().values():
        data = asdict(table)
        data["columns"] = [{"name": n, "type": t} for n, t in table.columns()]
        out["tables"].append(data)  # type: ignore[attr-defined]
    return json.dumps(out, ensure_ascii=False, indent=indent)
