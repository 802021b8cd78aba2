"""The OpenAPI page at ``/api/v1/docs`` with Swagger UI served from the package (works offline), and
the Chinese web font (Noto Sans SC, SIL OFL, from the pinned ``pylopdf-fonts-zh-cn`` package that the
PDF documents use) for machines without a Chinese system font."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse

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


@router.get("/fonts/noto-sans-sc.otf")
def chinese_font() -> FileResponse:
    """Noto Sans SC, used by the pages only when no Chinese system font is installed."""
    import pylopdf_fonts_zh_cn

    return FileResponse(
        pylopdf_fonts_zh_cn.sans_path(),
        media_type="font/otf",
        headers={"Cache-Control": "public, max-age=86400"},
    )
