"""The demo agency: the police bureau that took most reports in the demo county, with a fresh key.

``procura agency demo`` (run by ``procura demo``) registers it, or revokes its
old keys and issues a new one, so that a user can walk the whole loop: upload a
batch, read the receipt, receive the suggestion finalised from a lead, reply,
and see the handler verify and close.
"""

from __future__ import annotations

import duckdb
from sqlalchemy import select
from sqlalchemy.orm import Session

from procura.access.principal import SYSTEM, Principal
from procura.clock import utcnow
from procura.config import Settings
from procura.exchange.keys import add_agency, issue_key
from procura.exchange.orm import Agency, ApiKey
from procura.warehouse.connection import connect

DEMO_AGENCY = "demo-police"


def busiest_bureau(settings: Settings, county: str) -> str:
    """The police unit with most reports in ``county``'s region (a placeholder name without data)."""
    region = county.split("-", 1)[0]
    if settings.warehouse_path.exists():
        con = connect(settings, read_only=True)
        try:
            row = con.execute(
                "SELECT police_unit, count(*) AS n FROM police_reports WHERE region_code = ? "
                "AND police_unit IS NOT NULL GROUP BY police_unit ORDER BY n DESC, police_unit LIMIT 1",
                [region],
            ).fetchone()
        except duckdb.CatalogException:  # no police reports loaded yet: the placeholder
            row = None
        finally:
            con.close()
        if row:
            return str(row[0])
    return "演示公安分局"


def create_demo_agency(
    session: Session, settings: Settings, county: str, principal: Principal = SYSTEM
) -> tuple[Agency, str]:
    """The demo agency (created or reset) and a new key for it; older keys are revoked."""
    bureau = busiest_bureau(settings, county)
    agency = session.get(Agency, DEMO_AGENCY)
    if agency is None:
        agency = add_agency(
            session, principal, DEMO_AGENCY, bureau, "police", county.split("-", 1)[0], ["police_reports"]
        )
    else:
        agency.names = [bureau, *[n for n in agency.names if n != bureau]]
        agency.name, agency.active = bureau, True
        for old in session.scalars(select(ApiKey).where(ApiKey.agency_id == DEMO_AGENCY)):
            old.revoked_at = old.revoked_at or utcnow()
    return agency, issue_key(session, principal, DEMO_AGENCY)
