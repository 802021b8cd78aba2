"""The API's routers, one per resource; ``ROUTERS`` is mounted under ``/api/v1``."""

from procura.api.routes import audit, auth, dashboard, documents, health, lead_actions, leads, models, users

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
    dashboard.router,
)
