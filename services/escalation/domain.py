"""Escalation's pure logic: who gets an escalation and the state machine.

    open ──ack──▶ acknowledged ──resolve──▶ resolved
      └────────────────resolve────────────────┘

Repeating the action that led to the current state is a no-op (idempotent retries);
anything else out of a state is illegal (409).
"""

from dataclasses import dataclass
from typing import Literal

from shared.events import EscalationStatus, Priority

Action = Literal["ack", "resolve"]

ESCALATED_PRIORITIES = frozenset({Priority.P0, Priority.P1})

_TRANSITIONS: dict[tuple[EscalationStatus, Action], EscalationStatus] = {
    ("open", "ack"): "acknowledged",
    ("open", "resolve"): "resolved",
    ("acknowledged", "resolve"): "resolved",
}
_REPEATS: frozenset[tuple[EscalationStatus, Action]] = frozenset(
    {("acknowledged", "ack"), ("resolved", "resolve")}
)


class IllegalTransitionError(Exception):
    def __init__(self, *, status: EscalationStatus, action: Action) -> None:
        super().__init__(f"cannot {action} an escalation that is {status}")
        self.status = status
        self.action = action


@dataclass(frozen=True)
class Transition:
    new_status: EscalationStatus
    changed: bool


def needs_escalation(priority: Priority) -> bool:
    return priority in ESCALATED_PRIORITIES


def transition(status: EscalationStatus, action: Action) -> Transition:
    if (status, action) in _REPEATS:
        return Transition(new_status=status, changed=False)
    new_status = _TRANSITIONS.get((status, action))
    if new_status is None:
        raise IllegalTransitionError(status=status, action=action)
    return Transition(new_status=new_status, changed=True)
