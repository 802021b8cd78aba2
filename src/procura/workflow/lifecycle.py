"""The lifecycle of a lead as data: states, actions, allowed transitions, who may act.

``TRANSITIONS[action]`` maps each state the action may start from to the state
it leads to (``None``: the state does not change). Everything else is an
invalid transition. ``ACTORS[action]`` names the roles allowed to take it; the
service adds department, handler and jurisdiction checks.
"""

from __future__ import annotations

from procura.access.errors import InvalidTransition

STATES = (
    "new",
    "accepted",
    "investigating",
    "awaiting_response",
    "rectified",
    "not_rectified",
    "escalated",
    "transferred",
    "dismissed",
    "closed",
)
STATE_NAMES = {
    "new": "新线索 New",
    "accepted": "已受理 Accepted",
    "investigating": "调查中 Investigating",
    "awaiting_response": "待回复 Awaiting response",
    "rectified": "已整改 Rectified",
    "not_rectified": "未整改 Not rectified",
    "escalated": "已报请上级 Escalated",
    "transferred": "已移送 Transferred",
    "dismissed": "已排除 Dismissed",
    "closed": "已办结 Closed",
}
TERMINAL = frozenset({"dismissed", "closed"})

TRANSITIONS: dict[str, dict[str, str | None]] = {
    # Triage: the office with the lead accepts or dismisses it (also after a transfer/escalation).
    "accept": {"new": "accepted", "transferred": "accepted", "escalated": "accepted"},
    "dismiss": {s: "dismissed" for s in ("new", "transferred", "escalated", "accepted", "investigating")},
    "assign": {"accepted": "investigating", "investigating": "investigating"},
    # Hand over to another department or office; the receiver triages it again.
    "transfer": {"new": "transferred", "accepted": "transferred", "investigating": "transferred"},
    # Spawn a linked lead in another prong; the original's state does not change.
    "spawn": {"accepted": None, "investigating": None, "awaiting_response": None, "not_rectified": None},
    "escalate": {s: "escalated" for s in ("new", "accepted", "investigating", "not_rectified")},
    "designate": {"new": "transferred", "escalated": "transferred", "accepted": "transferred"},
    "act": {"investigating": "awaiting_response", "not_rectified": "awaiting_response"},
    "respond_rectified": {"awaiting_response": "rectified"},
    "respond_not_rectified": {"awaiting_response": "not_rectified"},
    "close": {"rectified": "closed"},
}
ACTIONS = tuple(TRANSITIONS)
# How the history names each act, in Chinese first (a designation is 指定管辖, not a transfer).
ACTION_NAMES = {
    "accept": "受理 Accepted",
    "dismiss": "排除 Dismissed",
    "assign": "指派 Assigned",
    "transfer": "移送 Transferred",
    "spawn": "衍生线索 Spawned",
    "escalate": "报请上级 Escalated",
    "designate": "指定管辖 Designated",
    "act": "制发监督措施 Measure issued",
    "respond_rectified": "已整改 Rectified",
    "respond_not_rectified": "未整改 Not rectified",
    "close": "办结 Closed",
}


def history_state(action: str, state: str) -> str:
    """The name of the state an event led to, as the history shows it (designation: 指定管辖)."""
    if action == "designate":
        return ACTION_NAMES["designate"]
    return STATE_NAMES.get(state, state)


HEADS = ("department_head", "chief")
CASE_WORKERS = ("handler", "department_head", "chief")
ACTORS: dict[str, tuple[str, ...]] = {
    "accept": CASE_WORKERS,
    "dismiss": CASE_WORKERS,
    "assign": HEADS,
    "transfer": HEADS,
    "spawn": CASE_WORKERS,
    "escalate": HEADS,
    "designate": HEADS,
    "act": CASE_WORKERS,
    "respond_rectified": CASE_WORKERS,
    "respond_not_rectified": CASE_WORKERS,
    "close": CASE_WORKERS,
}
# Actions a plain handler may not take on a lead assigned to someone else.
HANDLER_MUST_BE_ASSIGNED = frozenset(
    {"dismiss", "spawn", "act", "respond_rectified", "respond_not_rectified", "close"}
)

DISMISS_REASONS = ("false_match", "already_handled", "below_threshold", "data_error", "other")
MEASURES = (
    "case_filing_notice",
    "corrective_opinion",
    "procuratorial_suggestion",
    "pre_litigation_notice",
    "public_interest_suit",
    "support_prosecution",
    "protest",
    "admin_penalty_opinion",
    "filing_order",
)
# The measures each prong may take (ADR 0522): a case-filing notice is criminal work,
# a support for a civil action civil work, a pre-litigation notice public-interest work.
MEASURES_BY_PRONG: dict[str, tuple[str, ...]] = {
    "criminal": (
        "case_filing_notice",
        "filing_order",
        "corrective_opinion",
        "procuratorial_suggestion",
        "protest",
    ),
    "civil": ("support_prosecution", "protest", "procuratorial_suggestion", "corrective_opinion"),
    "administrative": ("procuratorial_suggestion", "admin_penalty_opinion", "corrective_opinion", "protest"),
    "public_interest": ("pre_litigation_notice", "public_interest_suit", "procuratorial_suggestion"),
}
MEASURE_NAMES = {
    "case_filing_notice": "立案监督通知 Case-filing notice",
    "corrective_opinion": "纠正意见 Corrective opinion",
    "procuratorial_suggestion": "检察建议 Procuratorial suggestion",
    "pre_litigation_notice": "诉前检察建议/公告 Pre-litigation notice",
    "public_interest_suit": "公益诉讼 Public-interest suit",
    "support_prosecution": "支持起诉 Support prosecution",
    "protest": "抗诉 Protest",
    "admin_penalty_opinion": "检察意见 Opinion on administrative penalty",
    "filing_order": "通知立案 Order to file a case",
}


def next_state(action: str, state: str) -> str:
    """The state ``action`` leads to from ``state``; InvalidTransition when not allowed."""
    if action not in TRANSITIONS:
        raise InvalidTransition(f"unknown action {action!r}")
    allowed = TRANSITIONS[action]
    if state not in allowed:
        starts = ", ".join(allowed)
        raise InvalidTransition(
            f"状态不允许 cannot {action} a lead that is {state} (allowed from: {starts})",
            {"action": action, "status": state, "allowed_from": list(allowed)},
        )
    target = allowed[state]
    return state if target is None else target
