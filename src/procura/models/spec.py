"""The model specification: what a ``model.yaml`` must say, validated on load."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from procura import vocab

PARAM_TYPES = ("int", "float", "money", "str", "date", "bool", "list[str]")
LEAD_COLUMNS = ("anchor_keys", "evidence", "subject_entity_id", "subject_name", "region_code", "score")
RESERVED_PARAMS = frozenset({"as_of", "params"})

_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """A text in Chinese and English."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class LegalBasis(_Strict):
    """One cited provision."""

    ref: str = Field(min_length=1)
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class DatedValue(_Strict):
    """A parameter value in force from a date (an amended interpretation is a new row)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    from_: date = Field(alias="from")
    value: Any
    citation: str | None = None


def coerce(kind: str, value: Any) -> Any:
    """``value`` as a parameter of type ``kind``; strings from the command line are parsed."""
    if value is None:
        raise ValueError("a value is required")
    if kind == "int":
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError(f"{value!r} is not an integer")
        return int(value)
    if kind in ("float", "money"):
        if isinstance(value, bool):
            raise ValueError(f"{value!r} is not a number")
        return float(value)
    if kind == "str":
        return str(value)
    if kind == "date":
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "1", "yes"):
            return True
        if text in ("false", "0", "no"):
            return False
        raise ValueError(f"{value!r} is not a boolean")
    if kind == "list[str]":
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()]
        if isinstance(value, list | tuple):
            return [str(v) for v in value]
        raise ValueError(f"{value!r} is not a list of strings")
    raise ValueError(f"unknown parameter type {kind!r}")


class Parameter(_Strict):
    """A threshold or list the rule reads as ``$name``, with its citation."""

    type: Literal["int", "float", "money", "str", "date", "bool", "list[str]"]
    default: Any = None
    citation: str = Field(min_length=1)
    description: Text
    values: tuple[DatedValue, ...] = ()
    event_date: str | None = None

    @model_validator(mode="after")
    def _check(self) -> Parameter:
        if self.default is None and not self.values:
            raise ValueError("a parameter needs a default or dated values")
        if bool(self.values) != bool(self.event_date):
            raise ValueError("dated values and event_date go together")
        froms = [v.from_ for v in self.values]
        if froms != sorted(set(froms)):
            raise ValueError("dated values must have distinct `from` dates in ascending order")
        if self.default is not None:
            object.__setattr__(self, "default", coerce(self.type, self.default))
        coerced = tuple(v.model_copy(update={"value": coerce(self.type, v.value)}) for v in self.values)
        object.__setattr__(self, "values", coerced)
        return self

    @property
    def base_value(self) -> Any:
        """The value before the first dated row (the default, else the earliest value)."""
        return self.default if self.default is not None else self.values[0].value

    def value_on(self, day: date | None) -> Any:
        """The value in force on ``day`` (the base value when undated or earlier)."""
        current = self.base_value
        for row in self.values:
            if day is not None and day >= row.from_:
                current = row.value
        return current


class Anchor(_Strict):
    """The table whose records anchor a lead, and the fields of their key."""

    table: str
    key: tuple[str, ...] = Field(min_length=1)


class Subject(_Strict):
    kind: Literal["person", "org"]


class ModelSpec(_Strict):
    """Everything ``model.yaml`` says about one model version."""

    id: str
    version: str = Field(min_length=1)
    title: Text
    description: Text
    prong: str
    measure: str
    target: Text
    legal_basis: tuple[LegalBasis, ...] = Field(min_length=1)
    tables: tuple[str, ...] = Field(min_length=1)
    anchor: Anchor
    subject: Subject
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    explanation: Text
    postprocess: str | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("an id is lower-case words joined by '-'")
        return value

    @field_validator("prong", "measure")
    @classmethod
    def _vocabulary_code(cls, value: str, info: Any) -> str:
        group = "prongs" if info.field_name == "prong" else "measures"
        if value not in vocab.codes(group):
            raise ValueError(f"{info.field_name} {value!r}: one of {', '.join(vocab.codes(group))}")
        return value

    @field_validator("version", mode="before")
    @classmethod
    def _version(cls, value: Any) -> str:
        return str(value)

    @field_validator("parameters")
    @classmethod
    def _names(cls, value: dict[str, Parameter]) -> dict[str, Parameter]:
        for name in value:
            if not _NAME.match(name) or name in RESERVED_PARAMS:
                raise ValueError(f"parameter name {name!r} is not allowed")
        return value

    @field_validator("postprocess")
    @classmethod
    def _hook(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^(\w+|[\w.]+:\w+)$", value):
            raise ValueError("postprocess is a built-in hook name or 'module.path:function'")
        return value

    def defaults(self) -> dict[str, Any]:
        """Parameter values before any override: the default, or the dated schedule."""
        return {name: p.base_value for name, p in self.parameters.items()}
