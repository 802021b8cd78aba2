"""Chinese tokenisation for similar-case search (rjieba), the same for records and queries."""

from __future__ import annotations

import unicodedata

import rjieba

# Function words that carry no case meaning; BM25's idf would shrink them, dropping them keeps the
# index and the "shared terms" reasons clean.
STOP_WORDS = frozenset(
    "的了在是和与及或等被将把对为由以于其之并而也就都又从向至该此这那"
    "有无个一中后前时上下者所且则即因如若但还已着过给让"
)


def _meaningful(token: str) -> bool:
    if not token.strip() or token in STOP_WORDS:
        return False
    # Punctuation and symbols only (，。！？、…《》 and ASCII marks): no meaning for search.
    return any(unicodedata.category(ch)[0] in "LN" for ch in token)


def tokenize(text: str | None) -> list[str]:
    """The meaningful tokens of ``text``, lower-cased; empty for empty or punctuation-only text."""
    if not text:
        return []
    normal = unicodedata.normalize("NFKC", str(text)).lower()
    return [t for t in (tok.strip() for tok in rjieba.cut(normal)) if _meaningful(t)]
