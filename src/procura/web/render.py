"""Rendering pages: one Jinja2 environment per language, with labels, times and the navigation."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from procura import clock, vocab
from procura.web.i18n import LANGS, beijing_time, translations
from procura.web.labels import (
    field_title,
    label,
    model_title,
    office_title,
    purpose_label,
    region_name,
    shown_value,
    table_title,
)
from procura.web.nav import visible_pages
from procura.web.session import Viewer, lang_of

TEMPLATES = Path(__file__).parent / "templates"
# Pages may run only the package's own scripts; styles inline for the chart and graph libraries.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)


def _json_block(value: Any) -> Markup:
    """Data for a page script, as the text of a ``<script type="application/json">`` block."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _age(created: datetime | None) -> str:
    """Whole days since ``created`` (Beijing dates)."""
    return "—" if created is None else str((clock.today() - clock.local_date(created)).days)


@cache
def environment(lang: str) -> Environment:
    """The template environment of ``lang`` (gettext installed, filters bound to the language)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    labeler: Callable[[str, str | None], str] = lambda group, code: label(group, code, lang)  # noqa: E731
    env.globals.update(
        lang=lang,
        langs=LANGS,
        label=labeler,
        model_title=lambda model_id: model_title(model_id, lang),
        table_title=lambda table: table_title(table, lang),
        field_title=lambda table, name: field_title(table, name, lang),
        region_name=region_name,
        office_title=lambda office: office_title(office, lang),
        purpose_label=lambda code: purpose_label(code, lang),
        age=_age,
    )
    env.filters["when"] = lambda value: beijing_time(value, lang)
    env.filters["reason"] = lambda text: vocab.reason(text or "", lang)
    env.filters["shown"] = lambda value: shown_value(value, lang)
    env.filters["json_block"] = _json_block
    env.filters["pct"] = lambda value: "—" if value is None else f"{value * 100:.1f}%"
    return env


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    status: int = 200,
    viewer: Viewer | None = None,
) -> HTMLResponse:
    """Render ``template`` for the viewer of ``request`` in their language."""
    viewer = viewer or getattr(request.state, "viewer", None)
    lang = viewer.lang if viewer else lang_of(request)
    page = (
        environment(lang)
        .get_template(template)
        .render(
            request=request,
            viewer=viewer,
            nav=visible_pages(viewer.principal.role) if viewer else [],
            path=request.url.path,
            **(context or {}),
        )
    )
    response = HTMLResponse(page, status_code=status)
    response.headers["Content-Security-Policy"] = CSP
    return response
