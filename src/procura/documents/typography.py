"""Chinese typography for documents: where lines may break, and the GB/T 9704 page.

Line breaking follows the Chinese rule (避头尾): a closing mark (，。）》 …) never
starts a line and an opening mark (（《“ …) never ends one; when a break would
do that, the character before moves down with it. Latin words and numbers
(``2026``, ``PR-1``) are never split.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Marks that may not start a line, and marks that may not end one.
NO_LINE_START = frozenset("，。、；：？！）》」』】〕〉”’…—·%,.;:?!)]}")
NO_LINE_END = frozenset("（《「『【〔〈“‘([{")

# GB/T 9704-2012: A4, type area 156 mm x 225 mm, top margin 37 mm, binding margin 28 mm;
# body 3号 (16 pt) FangSong, 22 lines of 28 characters; title 2号 (22 pt) XiaoBiaoSong.
PAGE_MM = (210.0, 297.0)
MARGINS_MM = {"top": 37.0, "bottom": 35.0, "left": 28.0, "right": 26.0}
BODY_PT = 16.0
TITLE_PT = 22.0
LINES_PER_PAGE = 22
LINE_MM = 225.0 / LINES_PER_PAGE
BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-_/%:]*|\s+|.", re.DOTALL)


def tokens(text: str) -> list[str]:
    """The unbreakable pieces of ``text``: a CJK character or mark, a Latin word or number, a space."""
    return _TOKEN.findall(text)


def break_lines(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """``text`` broken into lines no wider than ``width`` (as ``measure`` says), keeping the marks' rule."""
    lines: list[str] = []
    current: list[str] = []
    for token in tokens(text):
        if current and measure("".join(current) + token) > width:
            carry = [token]
            while len(current) > 1 and (carry[0][0] in NO_LINE_START or current[-1][-1] in NO_LINE_END):
                carry.insert(0, current.pop())
            lines.append("".join(current).rstrip())
            current = [t for t in carry if not (t.isspace() and t is carry[0])]
            continue
        current.append(token)
    if current:
        lines.append("".join(current).rstrip())
    return lines


def breaks_rule(line: str) -> bool:
    """True when a laid-out line starts with a closing mark or ends with an opening one."""
    text = line.strip()
    return bool(text) and (text[0] in NO_LINE_START or text[-1] in NO_LINE_END)
