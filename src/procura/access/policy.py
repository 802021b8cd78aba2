"""Authorization checks shared by every service function.

Jurisdiction: an office acts on its own leads and those of offices below it.
Roles and departments limit actions; see docs/workflow.md for the full table.
"""

from __future__ import annotations

from collections.abc import Iterable

from procura.access.offices import within
from procura.access.principal import Principal
from procura.errors import Forbidden


def require_role(principal: Principal, roles: Iterable[str], action: str) -> None:
    """Forbidden unless the principal has one of ``roles`` (the system principal always passes)."""
    allowed = set(roles)
    if principal.role == "system" or principal.role in allowed:
        return
    raise Forbidden(
        f"角色无权操作 role {principal.role} may not {action} (needs {', '.join(sorted(allowed))})",
        {"action": action, "role": principal.role},
    )


def in_jurisdiction(principal: Principal, office_id: str) -> bool:
    """True when ``office_id`` is the principal's office or below it."""
    return principal.role == "system" or within(principal.office_id, office_id)


def require_jurisdiction(principal: Principal, office_id: str, action: str) -> None:
    """Forbidden unless ``office_id`` is within the principal's jurisdiction."""
    if not in_jurisdiction(principal, office_id):
        raise Forbidden(
            f"超出管辖范围 office {office_id} is outside the jurisdiction of {principal.office_id}",
            {"action": action, "office": office_id},
        )


def require_department(principal: Principal, department: str, action: str) -> None:
    """Forbidden unless the principal works in ``department`` (chiefs cover all departments)."""
    if principal.role in ("system", "chief") or principal.department == department:
        return
    raise Forbidden(
        f"非本部门线索 {action}: the lead belongs to department {department}, not {principal.department}",
        {"action": action, "department": department},
    )
