"""Explanation templates (Jinja2, sandboxed, strict): a lead in plain language."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from procura.errors import InvalidInput


def _finalize(value: Any) -> Any:
    """How a value prints: an empty (NULL) value as a dash, never as "None"."""
    return "—" if value is None else value


_ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, finalize=_finalize)
_SPACE = re.compile(r"\s+")


class ExplanationError(InvalidInput):
    """A template that does not compile or names something the lead lacks."""


def _display(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_display(v) for v in value]
    return value


@lru_cache(maxsize=256)
def _template(text: str) -> Any:
    try:
        return _ENV.from_string(text)
    except TemplateError as exc:
        raise ExplanationError(f"template does not compile: {exc}") from None


def render(text: str, context: dict[str, Any]) -> str:
    """Render ``text`` over ``context``; whitespace runs collapse to one space."""
    try:
        out = _template(text).render({k: _display(v) for k, v in context.items()})
    except TemplateError as exc:
        raise ExplanationError(f"explanation: {exc}") from None
    return _SPACE.sub(" ", out).strip()
