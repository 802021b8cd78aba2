"""Why personal data is shown: a listed purpose and the reason in words (ADR 0561).

Unmasking a lead, exporting leads in clear and showing linkage details in
clear all take a purpose ``"<purpose>: <why>"``; it is checked here and
written to the audit log.
"""

from __future__ import annotations

from procura.errors import InvalidInput

# "<purpose>: <why>", the why with at least
# MIN_PURPOSE letters, digits or Chinese characters, not a repeated few.
PURPOSES = {
    "case_handling": "办案 case handling",
    "review": "复核 review",
    "legal_supervision": "法律监督 legal supervision",
    "hearing": "听证 hearing",
    "victim_support": "司法救助 victim support",
}
MIN_PURPOSE = 10


def check_purpose(purpose: str) -> str:
    """The purpose, normalized; InvalidInput unless it names a listed purpose and says why."""
    code, _, why = purpose.replace("：", ":").partition(":")
    listed = ", ".join(PURPOSES)
    if code.strip() not in PURPOSES:
        raise InvalidInput(
            f"目的须为 purpose must be '<one of {listed}>: <why, at least {MIN_PURPOSE} characters>'",
            {"field": "purpose", "purposes": list(PURPOSES)},
        )
    meaningful = [ch for ch in why if ch.isalnum()]
    if len(meaningful) < MIN_PURPOSE or len(set(meaningful)) < 4:
        raise InvalidInput(
            f"目的说明不足 purpose: say why in at least {MIN_PURPOSE} meaningful characters",
            {"field": "purpose"},
        )
    return f"{code.strip()}: {why.strip()}"
