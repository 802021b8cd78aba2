"""Languages of the workbench: Chinese first, English by a switch (Babel catalogues).

Message ids are English; ``locale/zh/LC_MESSAGES/messages.po`` translates
every one of them, ``locale/en`` keeps the ids. The ``.po`` files are compiled
in memory when first used, so no build step is needed; ``make translations``
re-extracts the ids from the templates and views (pybabel).
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from procura.clock import OFFICE_TZ, as_utc

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
LOCALE = Path(__file__).parent / "locale"


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated when shown."""
    return message


@cache
def translations(lang: str) -> Translations:
    """The compiled catalogue of ``lang``."""
    path = LOCALE / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def gettext(lang: str, message: str) -> str:
    """``message`` in ``lang``."""
    return translations(lang).gettext(message)


def beijing_time(value: datetime | date | str | None, lang: str) -> str:
    """A moment in Beijing time with the zone named; a date as it is.

    Text is an ISO moment as the warehouse keeps it (naive = UTC).
    """
    if value is None or value == "None":
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        return value.isoformat()
    local = as_utc(value).astimezone(OFFICE_TZ)
    zone = "北京时间" if lang == "zh" else "Beijing time"
    return f"{local:%Y-%m-%d %H:%M} {zone}"
