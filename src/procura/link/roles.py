"""The mention roles: which columns of which standard table name someone.

The roles are data (``roles.yaml``), validated when loaded; this module turns
one role into the SQL that lists its mentions from the warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from procura.errors import InvalidInput
from procura.warehouse.keys import key_sql

ROLES_FILE = Path(__file__).with_name("roles.yaml")
FIELDS = ("name", "id_no", "uscc", "birth_date", "sex", "phone", "address", "region", "alias", "date")
# Fields that make a row name someone; a row with none of them has no mention.
NAMING_FIELDS = ("name", "id_no", "uscc")


class RoleError(InvalidInput):
    """The roles file is malformed."""


@dataclass(frozen=True)
class Role:
    """One (table, role) pair and the columns holding its fields."""

    table: str
    role: str
    key: tuple[str, ...]
    kind: str | dict[str, str]
    fields: dict[str, tuple[str, ...]]

    def columns(self) -> set[str]:
        """Every warehouse column this role reads (validity flags included)."""
        cols = set(self.key)
        for name, sources in self.fields.items():
            cols.update(sources)
            if name in ("id_no", "uscc"):
                cols.update(f"{src}_valid" for src in sources)
        if isinstance(self.kind, dict):
            cols.update(self.kind.values())
        return cols

    def select_sql(self) -> str:
        """A SELECT listing this role's mentions in the common mention layout."""
        record_key = key_sql(self.key)
        exprs = {name: self._value(name) for name in FIELDS}
        valid = {name: self._valid(name) for name in ("id_no", "uscc")}
        present = " OR ".join(f"{exprs[f]} IS NOT NULL" for f in NAMING_FIELDS if f in self.fields)
        return (
            f"SELECT '{self.table}' AS table_name, {record_key} AS record_key, "
            f"'{self.role}' AS role, {self._kind_sql()} AS kind, "
            f"{exprs['name']} AS name_raw, {exprs['id_no']} AS id_no, {valid['id_no']} AS id_valid, "
            f"{exprs['uscc']} AS uscc, {valid['uscc']} AS uscc_valid, "
            f"TRY_CAST({exprs['birth_date']} AS DATE) AS birth_date, {exprs['sex']} AS sex, "
            f"{exprs['phone']} AS phone, {exprs['address']} AS address, {exprs['region']} AS region, "
            f"{exprs['alias']} AS alias, TRY_CAST({exprs['date']} AS DATE) AS record_date "
            f"FROM {self.table} WHERE {present or 'FALSE'}"
        )

    def _value(self, name: str) -> str:
        sources = self.fields.get(name)
        if not sources:
            return "CAST(NULL AS VARCHAR)"
        parts = [f"NULLIF(TRIM(CAST({src} AS VARCHAR)), '')" for src in sources]
        return parts[0] if len(parts) == 1 else f"COALESCE({', '.join(parts)})"

    def _valid(self, name: str) -> str:
        sources = self.fields.get(name)
        if not sources:
            return "CAST(NULL AS BOOLEAN)"
        return f"COALESCE({sources[0]}_valid, FALSE)"

    def _kind_sql(self) -> str:
        if isinstance(self.kind, str):
            return f"'{self.kind}'"
        if "org_when" in self.kind:
            col = self.kind["org_when"]
            return f"CASE WHEN NULLIF(TRIM({col}), '') IS NOT NULL THEN 'org' ELSE 'person' END"
        return f"CASE WHEN lower(TRIM({self.kind['column']})) = 'org' THEN 'org' ELSE 'person' END"


def _parse_role(entry: dict[str, Any], keys: dict[str, tuple[str, ...]]) -> Role:
    table, role, kind, fields = (entry.get(k) for k in ("table", "role", "kind", "fields"))
    where = f"{ROLES_FILE.name}: role {table}.{role}"
    if table not in keys:
        raise RoleError(f"{where}: table has no key in 'tables'")
    if not isinstance(role, str) or not isinstance(fields, dict) or "name" not in fields:
        raise RoleError(f"{where}: needs 'role' and 'fields' with at least 'name'")
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise RoleError(f"{where}: unknown fields {sorted(unknown)}")
    if not (kind in ("person", "org") or (isinstance(kind, dict) and set(kind) <= {"org_when", "column"}
                                          and len(kind) == 1)):
        raise RoleError(f"{where}: kind must be person, org, {{org_when: f}} or {{column: f}}")
    parsed = {k: tuple(v) if isinstance(v, list) else (v,) for k, v in fields.items()}
    return Role(table=table, role=role, key=keys[table], kind=kind, fields=parsed)


@lru_cache(maxsize=4)
def load_roles(path: Path = ROLES_FILE) -> tuple[Role, ...]:
    """The roles of ``path``, validated; a malformed file raises ``RoleError``."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("roles"), list):
        raise RoleError(f"{path.name}: needs 'tables' and a 'roles' list")
    keys = {t: tuple(spec["key"]) for t, spec in (data.get("tables") or {}).items()}
    roles = tuple(_parse_role(entry, keys) for entry in data["roles"])
    seen = {(r.table, r.role) for r in roles}
    if len(seen) != len(roles):
        raise RoleError(f"{path.name}: a (table, role) pair is listed twice")
    return roles
