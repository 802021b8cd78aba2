"""One language of a bilingual text: the source data and the models' targets are often bilingual."""

from __future__ import annotations

import re

_SLASH_ENGLISH = re.compile(r"\s*/\s*(?=[A-Za-z])[^/\u4e00-\u9fff]*$")
_PAREN_ENGLISH = re.compile(r"\s*[(（](?=[A-Za-z])[^()（）\u4e00-\u9fff]*[)）]")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def one_language(text: str, lang: str) -> str:
    """The ``lang`` half of a bilingual text (``尚在审查 / under review`` -> ``尚在审查``); else ``text``.

    Only a text that has Chinese in it is cut: an English-only text is left whole.
    """
    if not _CJK.search(text):
        return text
    if lang == "zh":
        return _PAREN_ENGLISH.sub("", _SLASH_ENGLISH.sub("", text)).strip() or text
    match = _SLASH_ENGLISH.search(text)
    if match:
        return text[match.start() :].strip(" /")
    paren = _PAREN_ENGLISH.search(text)
    return paren.group(0).strip(" （）()") if paren else text
