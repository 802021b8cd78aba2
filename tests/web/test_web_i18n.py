"""Chinese first: every message of the workbench has a Chinese translation, and a Chinese page shows
no English word except codes, names and abbreviations."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from web_world import WebWorld, sign_in

import procura.web

WEB = Path(procura.web.__file__).parent
ALLOWED = {
    "PDF",
    "DOCX",
    "Word",
    "CSV",
    "SQL",
    "GB",
    "T",
    "UTC",
    "English",
    "False",
    "True",
    "SELECT",
    "App",
    "p",
}


def _extracted() -> set[str]:
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    found = extract_from_dir(str(WEB), method_map, options, keywords={"_": None, "N_": None, "gettext": None})
    return {message if isinstance(message, str) else message[0] for _, _, message, _, _ in found}


def test_every_message_is_in_the_chinese_catalogue_and_translated() -> None:
    with (WEB / "locale" / "zh" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="zh")
    translated = {m.id: m.string for m in catalog if m.id}
    messages = _extracted() - {""}
    assert len(messages) > 150
    missing = sorted(m for m in messages if not translated.get(m))
    assert not missing, f"untranslated (run make translations, then translate): {missing[:10]}"
    for source, target in translated.items():
        assert re.findall(r"%\(\w+\)s", source) == re.findall(r"%\(\w+\)s", target), source


class _Text(HTMLParser):
    """Visible text, without scripts, styles, code, preformatted blocks and citations (kept as the
    catalogue writes them, marked ``lang="en"``)."""

    SKIP = frozenset({"script", "style", "code", "pre", "option", "cite"})

    def __init__(self) -> None:
        super().__init__()
        self.depth, self.parts = 0, []  # type: ignore[var-annotated]

    def handle_starttag(self, tag: str, attrs: list) -> None:  # type: ignore[type-arg]
        self.depth += tag in self.SKIP

    def handle_endtag(self, tag: str) -> None:
        self.depth -= tag in self.SKIP

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.parts.append(data)


def english_words(html: str) -> set[str]:
    parser = _Text()
    parser.feed(html)
    tokens = re.findall(r"[A-Za-z][A-Za-z0-9_.\-/]*", " ".join(parser.parts))
    # Codes (ids, usernames, office ids, table:key) carry digits, '_' or '-'; they may stay.
    return {t for t in tokens if t.isalpha() and t not in ALLOWED and not t.isupper()}


def test_chinese_pages_have_no_english_words(web: WebWorld) -> None:
    lead = web.lead("investigating", handler="handler_a")
    client = web.client()
    sign_in(client, "handler_a")
    for path in ("/", "/leads", f"/leads/{lead}", "/leads/L-none", "/models", "/models/false-litigation"):
        words = english_words(client.get(path).text)
        assert not words, (path, sorted(words))
    assert english_words("<p>已受理 Accepted</p>") == {"Accepted"}


def test_the_data_page_shows_quarantine_reasons_in_chinese(web: WebWorld) -> None:
    """Ingest writes its reasons in English; the Chinese data page shows them from the vocabulary."""
    client = web.client()
    sign_in(client, "analyst_prov")
    page = client.get("/data").text
    assert "不是日期" in page
    assert not english_words(page), sorted(english_words(page))
