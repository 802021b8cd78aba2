"""The prosecutors' workbench in the browser: server-rendered pages over the service layer.

``create_app`` is the app ``procura serve`` runs: the REST API of
``procura.api.create_app`` with the pages, their static files and HTML error
pages added by ``install``. Pages call the same service functions as the API,
so access control, masking and audit are the same by construction.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session, sessionmaker
from starlette.responses import Response

from procura.api import create_app as create_api
from procura.config import Settings
from procura.web import failures
from procura.web.routes import ROUTERS, agency

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
    app.add_exception_handler(agency.AgencySignInRequired, agency.to_sign_in)


def create_app(settings: Settings, sessions: sessionmaker[Session] | None = None) -> FastAPI:
    """The REST API and the workbench in one app over the workspace of ``settings``."""
    app = create_api(settings, sessions)
    install(app)
    return app


def app_from_environment() -> FastAPI:
    """The app of the workspace named by the environment (``procura serve --workers N``)."""
    from procura.config import get_settings

    return create_app(get_settings())
