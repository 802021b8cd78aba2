"""The API's routers, one per resource; ``ROUTERS`` is mounted under ``/api/v1``."""

<<<<<<< HEAD
from procura.api.routes import (
    audit,
    auth,
    classes,
    documents,
    exchange,
    health,
    lead_actions,
    leads,
    models,
    similar,
    users,
)
=======
from procura.api.routes import audit, auth, dashboard, documents, health, lead_actions, leads, models, users
>>>>>>> i9

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
<<<<<<< HEAD
    similar.router,
    classes.router,
    exchange.router,
    exchange.office_router,
=======
    dashboard.router,
>>>>>>> i9
)
