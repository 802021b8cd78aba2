"""The errors every service function raises; interfaces map them to statuses.

One family for the whole service layer (access and workflow), so the CLI prints
one line and the API answers with one status per class:
``AuthenticationError`` 401, ``Forbidden`` 403, ``NotFound`` 404,
``InvalidTransition`` 409, ``ValidationError`` 422.
"""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """Base of every expected service failure; ``code`` is stable, ``message`` readable."""

    code = "error"
    status = 400

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class AuthenticationError(ServiceError):
    """Wrong credentials, a locked or disabled account, or an expired session."""

    code = "unauthenticated"
    status = 401


class Forbidden(ServiceError):
    """The principal may not do this (role, department or jurisdiction)."""

    code = "forbidden"
    status = 403


class NotFound(ServiceError):
    """No such object, or none the principal may see (never reveals which)."""

    code = "not_found"
    status = 404


class InvalidTransition(ServiceError):
    """The action is not allowed from the lead's current state."""

    code = "invalid_transition"
    status = 409


class ValidationError(ServiceError):
    """Bad input: a missing reason, an unknown department, a past deadline."""

    code = "validation_error"
    status = 422
