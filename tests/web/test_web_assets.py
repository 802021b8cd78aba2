"""Every script, style, font and the Swagger UI come from the package: no page needs the internet."""

from __future__ import annotations

import re
from pathlib import Path

from web_world import WebWorld, sign_in

import procura.api
import procura.web

WEB = Path(procura.web.__file__).parent
VENDOR = WEB / "static" / "vendor"
API_STATIC = Path(procura.api.__file__).parent / "static"
EXTERNAL = re.compile(r"""(?:https?:)?//(?!127\.0\.0\.1|localhost)[a-z0-9.-]+\.[a-z]{2,}""", re.I)
# In the vendored libraries' licence texts and comments, URLs are text, not loads; pages and our own
# scripts and styles must not name any.
OWN = [*WEB.glob("templates/*.html"), *WEB.glob("static/*.js"), *WEB.glob("static/*.css")]


def test_vendored_assets_are_present_with_their_licences() -> None:
    for name in (
        "htmx",
        "echarts",
        "cytoscape",
        "cytoscape-fcose",
        "cose-base",
        "layout-base",
        "axe-core",
    ):
        folder = VENDOR / name
        assert any(folder.glob("*.js")), name
        assert list(folder.glob("LICENSE*")), f"{name} has no licence file"
        assert (folder / "VERSION").read_text().split()[0]


def test_no_template_script_or_style_names_an_external_url() -> None:
    found = {str(p.relative_to(WEB)): EXTERNAL.findall(p.read_text(encoding="utf-8")) for p in OWN}
    assert not {k: v for k, v in found.items() if v}
    # The check itself catches what it should.
    assert EXTERNAL.search('<script src="https://cdn.jsdelivr.net/npm/x.js">')
    assert EXTERNAL.search("<link href='//unpkg.com/a.css'>")


def test_rendered_pages_and_the_api_docs_load_nothing_from_outside(web: WebWorld) -> None:
    lead = web.lead()
    client = web.client()
    sign_in(client, "chief_a")
    pages = ["/", "/leads", f"/leads/{lead}", "/models", "/models/false-litigation", "/api/v1/docs", "/login"]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        sources = re.findall(r"""(?:src|href)=["']([^"']+)["']""", response.text)
        assert sources, path
        assert not [s for s in sources if EXTERNAL.match(s)], (path, sources)
    docs = client.get("/api/v1/docs").text
    assert "/api/v1/static/swagger-ui/swagger-ui-bundle.js" in docs
    assert '"validatorUrl": null' in docs  # the bundle's default would call swagger.io's validator
    assert client.get("/api/v1/static/swagger-ui/swagger-ui-bundle.js").status_code == 200
    assert list((API_STATIC / "swagger-ui").glob("LICENSE*"))
    assert client.get("/fonts/noto-sans-sc.otf").headers["content-type"] == "font/otf"
