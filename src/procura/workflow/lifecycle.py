"""The lifecycle of a lead as data: states, actions, allowed transitions, who may act.

States, actions, measures and dismiss reasons are codes of the one vocabulary
(``procura/vocab/vocabulary.yaml``); this module adds what happens between them.
``TRANSITIONS[action]`` maps each state the action may start from to the state
it leads to (``None``: the state does not change). Everything else is an
invalid transition. ``ACTORS[action]`` names the roles allowed to take it; the
service adds department, handler and jurisdiction checks.
"""

from __future__ import annotations

from procura import vocab
from procura.errors import InvalidTransition

STATES = vocab.codes("lead_states")
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
ACTIONS = vocab.codes("actions")
assert set(ACTIONS) == set(TRANSITIONS), "vocabulary.yaml actions and TRANSITIONS disagree"


def history_state(action: str, state: str) -> str:
    """The state an event led to, as the history names it: a designation reads 指定管辖, not 已移送."""
    if action == "designate":
        return vocab.both("actions", "designate")
    return vocab.both("lead_states", state)

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

DISMISS_REASONS = vocab.codes("dismiss_reasons")
MEASURES = vocab.codes("measures")


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
