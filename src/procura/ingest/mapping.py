"""Source mappings: a YAML file that turns one agency's export into a standard table.

```yaml
mapping: 某市公安局警务综合平台 接报案导出       # a name for people
table: police_reports                          # the standard table
files: ["*.csv"]                               # which files of a folder it applies to
header_row: 2                                  # 1-based line of the header (title lines above it)
encoding: gb18030                              # optional; detected when absent
columns: {接报案编号: report_id, ...}           # source column -> standard field
values:  {offense_type: {"0101": online_defamation}, filed: {已立案: "true"}}
defaults: {region_code: "330110"}              # a constant for fields the source lacks
```
A mapping is checked when loaded: unknown tables, fields or keys are errors
that name the mapping file and the key.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from procura.errors import InvalidInput
from procura.standard.schema import Table, standard

KEYS = {"mapping", "table", "files", "header_row", "encoding", "columns", "values", "defaults", "sheet"}


class MappingError(InvalidInput):
    """A mapping file that cannot be used."""


@dataclass(frozen=True)
class Mapping:
    """A checked mapping."""

    name: str
    table: str
    source: str = ""
    files: tuple[str, ...] = ("*",)
    header_row: int = 1
    encoding: str | None = None
    sheet: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)

    def applies_to(self, filename: str) -> bool:
        return any(fnmatch.fnmatch(filename, pattern) for pattern in self.files)

    @property
    def digest(self) -> str:
        """A hash of everything that changes how rows are read."""
        body = json.dumps(
            [
                self.table,
                self.header_row,
                self.encoding,
                self.sheet,
                self.columns,
                self.values,
                self.defaults,
            ],
            ensure_ascii=False,
            sort_keys=True,
        )
        return hashlib.sha256(body.encode()).hexdigest()[:16]


def _text_map(source: str, key: str, raw: Any) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise MappingError(f"{source}: '{key}' must be a mapping")
    return {str(k): _scalar(v) for k, v in raw.items()}


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def parse_mapping(source: str, raw: Any) -> Mapping:
    """Check a loaded YAML document; ``source`` names it in messages."""
    if not isinstance(raw, dict):
        raise MappingError(f"{source}: a mapping file must be a YAML mapping")
    unknown = set(raw) - KEYS
    if unknown:
        raise MappingError(f"{source}: unknown keys {sorted(unknown)} (allowed: {sorted(KEYS)})")
    tables = standard()
    if raw.get("table") not in tables:
        raise MappingError(f"{source}: 'table' must be one of {sorted(tables)}, got {raw.get('table')!r}")
    table: Table = tables[raw["table"]]
    columns = _text_map(source, "columns", raw.get("columns"))
    for src, target in columns.items():
        if target not in table.field_names:
            raise MappingError(f"{source}: columns: {src!r} -> unknown field {target!r} of {table.name}")
    targets = list(columns.values())
    dupes = sorted({t for t in targets if targets.count(t) > 1})
    if dupes:
        raise MappingError(f"{source}: columns: several source columns map to {dupes}")
    values: dict[str, dict[str, str]] = {}
    for fname, codes in (raw.get("values") or {}).items():
        if fname not in table.field_names:
            raise MappingError(f"{source}: values: unknown field {fname!r} of {table.name}")
        values[fname] = _text_map(source, f"values.{fname}", codes)
    defaults = _text_map(source, "defaults", raw.get("defaults"))
    for fname in defaults:
        if fname not in table.field_names:
            raise MappingError(f"{source}: defaults: unknown field {fname!r} of {table.name}")
    header_row = raw.get("header_row", 1)
    if not isinstance(header_row, int) or header_row < 1:
        raise MappingError(f"{source}: header_row must be a whole number >= 1")
    files = raw.get("files", ["*"])
    files = [files] if isinstance(files, str) else files
    return Mapping(
        name=str(raw.get("mapping") or source),
        table=table.name,
        source=source,
        files=tuple(str(f) for f in files),
        header_row=header_row,
        encoding=raw.get("encoding"),
        sheet=raw.get("sheet"),
        columns=columns,
        values=values,
        defaults=defaults,
    )


def load_mapping(path: Path) -> Mapping:
    """Load and check a mapping file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise MappingError(f"{path}: cannot read ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise MappingError(f"{path}: not valid YAML ({exc})") from exc
    return parse_mapping(str(path), raw)
