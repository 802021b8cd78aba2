"""The one error root: every expected failure is a ``ProcuraError``.

Each subclass carries a stable ``code`` and an ``http_status``; the API's error
body (``{"error": {"code", "message", "details"}}``) and the CLI's one red line
both come from these two attributes and the message, so an interface never
decides on its own what a failure means. Every layer may import this module.
"""

from __future__ import annotations

from typing import Any, ClassVar


class ProcuraError(Exception):
    """Base of every expected failure; ``code`` is stable, ``message`` readable."""

    code: ClassVar[str] = "error"
    http_status: ClassVar[int] = 400

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class AuthenticationError(ProcuraError):
    """Wrong credentials, a locked or disabled account, or an expired session."""

    code = "unauthenticated"
    http_status = 401


class Forbidden(ProcuraError):
    """The principal may not do this (role, department or jurisdiction)."""

    code = "forbidden"
    http_status = 403


class NotFound(ProcuraError, LookupError):
    """No such object, or none the principal may see (never reveals which)."""

    code = "not_found"
    http_status = 404


class Conflict(ProcuraError):
    """The request clashes with the current state of the data."""

    code = "conflict"
    http_status = 409


class InvalidTransition(Conflict):
    """The action is not allowed from the lead's current state."""

    code = "invalid_transition"


class InvalidInput(ProcuraError, ValueError):
    """Bad input: a file, row or field that does not fit, a missing reason, an unknown code."""

    code = "validation_error"
    http_status = 422


class WarehouseError(ProcuraError):
    """The warehouse is missing, busy, or lacks a table or column a stage needs."""

    code = "warehouse_unavailable"
    http_status = 503
