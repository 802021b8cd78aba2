"""The prosecutors' workbench in the browser: server-rendered pages over the service layer.

``install(app)`` adds the pages, the static files (vendored scripts included),
the offline API docs and the HTML error pages to the FastAPI app of
``procura.api.create_app``. Pages call the same service functions as the API,
so access control, masking and audit are the same by construction.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from procura.web import failures
from procura.web.routes import ROUTERS

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI) -> None:
    """Mount the workbench on ``app`` (after the API's routers and error handlers)."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router)
    failures.install(app)
