"""The workbench's pages, one router per page; a new page adds its router here and a link in ``nav``."""

from procura.web.routes import (
    agency,
    audit,
    classes,
    dashboard,
    data,
    fonts,
    inbox,
    lead,
    models,
    queue,
    signin,
    similar,
    trends,
)

ROUTERS = (
    signin.router,
    dashboard.router,
    queue.router,  # before ``lead``: /leads/export and /leads/triage are not lead ids
    similar.router,  # before ``lead``: /leads/{id}/similar
    lead.router,
    classes.router,
    trends.router,
    models.router,
    data.router,
    audit.router,
    inbox.router,
    agency.router,
    fonts.router,
)
