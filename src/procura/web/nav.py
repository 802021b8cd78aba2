"""The pages of the navigation bar, with the roles that see each.

A new page adds one ``NavItem`` here (and its router in ``routes/__init__.py``);
the base template draws the bar from this list. The service layer still
checks every read: the bar only hides links a role cannot use.
"""

from __future__ import annotations

from dataclasses import dataclass

from procura.access.principal import LEAD_READERS
from procura.web.i18n import N_


@dataclass(frozen=True)
class NavItem:
    """One link of the navigation bar."""

    path: str
    title: str  # an English message id, translated when drawn
    roles: frozenset[str]


ALL_ROLES = frozenset({"handler", "department_head", "chief", "analyst", "auditor", "admin"})
NAV: list[NavItem] = [
    NavItem("/", N_("Dashboard"), frozenset(LEAD_READERS)),
    NavItem("/leads", N_("Lead queue"), frozenset(LEAD_READERS)),
    NavItem("/classes", N_("Lead classes"), frozenset(LEAD_READERS)),
    NavItem("/trends", N_("Trends"), frozenset(LEAD_READERS)),
    NavItem("/models", N_("Models"), ALL_ROLES),
    NavItem("/data", N_("Data"), frozenset({"analyst", "admin"})),
    NavItem("/audit", N_("Audit log"), frozenset({"auditor", "admin"})),
    NavItem("/inbox", N_("Inbox"), frozenset({"handler", "department_head", "chief"})),
    # An agency signs in with its API key and sees only its own pages (ADR 0529).
    NavItem("/agency", N_("Documents and data exchange"), frozenset({"agency"})),
]


def visible_pages(role: str) -> list[NavItem]:
    """The links a role sees."""
    return [item for item in NAV if role in item.roles]
