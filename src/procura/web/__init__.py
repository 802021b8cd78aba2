"""The prosecutors' workbench in the browser: server-rendered pages over the service layer.

``install(app)`` adds the pages, the static files (vendored scripts included),
the offline API docs and the HTML error pages to the FastAPI app of
``procura.api.create_app``. Pages call the same service functions as the API,
so access control, masking and audit are the same by construction.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response

from procura.web import failures
from procura.web.routes import ROUTERS

STATIC = Path(__file__).parent / "static"


class _CachedStatic(StaticFiles):
    """Scripts, styles and fonts hold no personal data: browsers may keep them for a day."""

    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers["Cache-Control"] = "public, max-age=86400"
        return response


def install(app: FastAPI) -> None:
    """Mount the workbench on ``app`` (after the API's routers and error handlers)."""
    app.mount("/static", _CachedStatic(directory=STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router)
    failures.install(app)
