"""Who is acting: the principal, its roles and departments."""

from __future__ import annotations

from dataclasses import dataclass

DEPARTMENTS = ("criminal", "civil", "administrative", "public_interest")
ROLES = ("handler", "department_head", "chief", "analyst", "auditor", "admin")
DEPARTMENT_NAMES = {
    "criminal": "刑事检察 Criminal",
    "civil": "民事检察 Civil",
    "administrative": "行政检察 Administrative",
    "public_interest": "公益诉讼检察 Public interest",
}
ROLE_NAMES = {
    "handler": "承办人 Handler",
    "department_head": "部门负责人 Department head",
    "chief": "检察长 Chief",
    "analyst": "数据分析员 Analyst",
    "auditor": "审计员 Auditor",
    "admin": "管理员 Administrator",
    "agency": "协作单位 Agency (API key)",
}
# Roles that read leads in their jurisdiction; auditors and admins do not.
LEAD_READERS = frozenset({"handler", "department_head", "chief", "analyst"})
HEADS = frozenset({"department_head", "chief"})


@dataclass(frozen=True)
class Principal:
    """An authenticated user as the service layer sees them."""

    user_id: int
    username: str
    office_id: str
    department: str
    role: str
    ip: str = ""
    # Set for an agency acting through its API key (role ``agency``): the agency's id.
    agency_id: str = ""

    @property
    def is_head(self) -> bool:
        """A department head or the office's chief."""
        return self.role in HEADS


SYSTEM = Principal(user_id=0, username="system", office_id="", department="", role="system")
"""The principal of unattended jobs (migrations, model runs, demo set-up)."""
