"""Who is acting: the principal, its roles and departments."""

from __future__ import annotations

from dataclasses import dataclass, field

from procura import vocab

# One department per prong; roles and both their labels live in the vocabulary.
DEPARTMENTS = vocab.codes("prongs")
ROLES = vocab.codes("roles")
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
    # Set for an agency acting through its API key (role ``agency``, not a user role): its id.
    agency_id: str = ""
    # The session token the principal was authenticated by: on PostgreSQL the definer function
    # that writes passwords checks it (ADR 0590). Never printed, never compared.
    token: str = field(default="", repr=False, compare=False)

    @property
    def is_head(self) -> bool:
        """A department head or the office's chief."""
        return self.role in HEADS


SYSTEM = Principal(user_id=0, username="system", office_id="", department="", role="system")
"""The principal of unattended jobs (migrations, model runs, demo set-up)."""
