"""The workbench's pages, one router per page; a new page adds its router here and a link in ``nav``."""

from procura.web.routes import (
    agency,
    audit,
    dashboard,
    data,
    fonts,
    inbox,
    lead,
    models,
    queue,
    signin,
    similar,
)

ROUTERS = (
    signin.router,
    dashboard.router,
    queue.router,  # before ``lead``: /leads/export and /leads/triage are not lead ids
    similar.router,  # before ``lead``: /leads/{id}/similar
    lead.router,
    models.router,
    data.router,
    audit.router,
    inbox.router,
    agency.router,
    fonts.router,
)
