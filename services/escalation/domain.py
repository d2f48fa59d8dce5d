"""Escalation's pure logic: who gets an escalation and the state machine.

    open ──ack──▶ acknowledged ──resolve──▶ resolved
      └────────────────resolve────────────────┘

While open, a policy's levels climb on ack timeouts; reassign is legal while open or
acknowledged (the status stays), snooze only while acknowledged (reminders pause).

Repeating the action that led to the current state is a no-op (idempotent retries);
anything else out of a state is illegal (409).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from shared.events import EscalationStatus, Priority, TicketTriagedV1, VigilEvent

Action = Literal["ack", "resolve"]
# Not status changes, but only legal out of some states (see the README's state machine).
Operation = Action | Literal["reassign", "snooze"]

ESCALATED_PRIORITIES = frozenset({Priority.P0, Priority.P1})

_TRANSITIONS: dict[tuple[EscalationStatus, Action], EscalationStatus] = {
    ("open", "ack"): "acknowledged",
    ("open", "resolve"): "resolved",
    ("acknowledged", "resolve"): "resolved",
}
_REPEATS: frozenset[tuple[EscalationStatus, Action]] = frozenset(
    {("acknowledged", "ack"), ("resolved", "resolve")}
)


def categories_changed(events: Sequence[VigilEvent]) -> dict[str, set[str]]:
    """Per ticket, the categories its overrides and revisions among ``events`` name (the new
    one and the one replaced): an escalation keeps its opening category, and must still be
    hidden when the ticket became, or had been, restricted."""
    named: dict[str, set[str]] = {}
    for event in events:
        if not isinstance(event, TicketTriagedV1):
            continue
        data = event.data
        change = data.override or data.revision
        if change is None:
            continue
        named.setdefault(data.ticket_id, set()).update((data.category, change.previous.category))
    return named


class IllegalTransitionError(Exception):
    def __init__(self, *, status: EscalationStatus, action: Operation) -> None:
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


_ALLOWED_FROM: dict[str, frozenset[EscalationStatus]] = {
    # Hand an escalation over to someone else while it is not resolved.
    "reassign": frozenset({"open", "acknowledged"}),
    # Silence reminders for a while: only for an acknowledged escalation (an open one must
    # keep climbing until someone takes it).
    "snooze": frozenset({"acknowledged"}),
}


def check_allowed(status: EscalationStatus, operation: Literal["reassign", "snooze"]) -> None:
    if status not in _ALLOWED_FROM[operation]:
        raise IllegalTransitionError(status=status, action=operation)
