"""The Chinese web font: Noto Sans SC (SIL OFL) from the pinned ``pylopdf-fonts-zh-cn`` package that
the PDF documents use, for machines without a Chinese system font."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse

router = APIRouter(include_in_schema=False)


@router.get("/fonts/noto-sans-sc.otf")
def chinese_font() -> FileResponse:
    """Noto Sans SC, used by the pages only when no Chinese system font is installed."""
    import pylopdf_fonts_zh_cn

    return FileResponse(
        pylopdf_fonts_zh_cn.sans_path(),
        media_type="font/otf",
        headers={"Cache-Control": "public, max-age=86400"},
    )
