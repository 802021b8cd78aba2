"""The API's routers, one per resource; ``ROUTERS`` is mounted under ``/api/v1``."""

from procura.api.routes import (
    audit,
    auth,
    classes,
    dashboard,
    documents,
    exchange,
    health,
    lead_actions,
    leads,
    models,
    similar,
    users,
)

ROUTERS = (
    health.router,
    auth.router,
    leads.router,
    lead_actions.router,
    documents.kinds_router,
    documents.router,
    users.router,
    audit.router,
    models.router,
    similar.router,
    classes.router,
    exchange.router,
    exchange.office_router,
    dashboard.router,
)
