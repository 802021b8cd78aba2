"""The OpenAPI page at ``/api/v1/docs``, with Swagger UI served from the package (works offline)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)
VENDOR = "/static/vendor/swagger-ui"


@router.get("/api/v1/docs")
def swagger_ui() -> HTMLResponse:
    """Swagger UI over ``/api/v1/openapi.json``."""
    return get_swagger_ui_html(
        openapi_url="/api/v1/openapi.json",
        title="procura API 接口文档",
        swagger_js_url=f"{VENDOR}/swagger-ui-bundle.js",
        swagger_css_url=f"{VENDOR}/swagger-ui.css",
        swagger_favicon_url=f"{VENDOR}/favicon-32x32.png",
    )
