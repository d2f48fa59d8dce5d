"""Escalation's pure logic: who gets an escalation, its id, the state machine, SLA clocks,
the audit snapshot, what a fired timer decides (climb, remind, act on an SLA clock) and
the errors of the on-call actions. Nothing here touches a database.

    open ──ack──▶ acknowledged ──resolve──▶ resolved
      └────────────────resolve────────────────┘

While open, a policy's levels climb on ack timeouts; reassign is legal while open or
acknowledged (the status stays), snooze only while acknowledged (reminders pause).

Repeating the action that led to the current state is a no-op (idempotent retries);
anything else out of a state is illegal (409).
"""

import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel

from services.escalation import store
from services.escalation.config import EscalationConfig, Policy
from services.escalation.policies import PersonOnly, Step, level_users, next_step
from shared.db import aware
from shared.events import (
    EscalationStatus,
    Priority,
    TicketTriagedData,
    TicketTriagedV1,
    VigilEvent,
)

Action = Literal["ack", "resolve"]
# Not status changes, but only legal out of some states (see the README's state machine).
Operation = Action | Literal["reassign", "snooze"]

ESCALATED_PRIORITIES = frozenset({Priority.P0, Priority.P1})

Clock = Callable[[], datetime]

# Fixed forever: an escalation's id derives from its ticket's, so replicas agree on it.
ESCALATION_NAMESPACE = uuid.UUID("0f8d7a3e-6c1b-4e8e-b7f4-2a9c5d1e3b77")

# A trend escalation's ticket_id column holds the trend id (metrics sends UUIDs).
TREND_ID_MAX_LENGTH = 64

DEFAULT_SLA_LEAD = timedelta(minutes=15)
SLA_FIELDS = ("first_response_due", "resolution_due")
# An acknowledgement is the first response: that clock stops once the escalation is not open.
FIRST_RESPONSE = store.FIRST_RESPONSE_SLA

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


def escalation_id_for(ticket_id: str) -> str:
    """Of a ticket's escalation, or of a trend's (``ticket_id`` is then the trend id)."""
    return str(uuid.uuid5(ESCALATION_NAMESPACE, ticket_id))


def snapshot(escalation: store.Escalation) -> str:
    """What the audit log keeps as 'before' and 'after'."""
    return json.dumps(
        {
            "status": escalation.status,
            "level": escalation.level,
            "cycle": escalation.cycle,
            "assignee": escalation.assignee,
            "acknowledged_by": escalation.acknowledged_by,
            "resolved_by": escalation.resolved_by,
            "snoozed_until": (
                escalation.snoozed_until.isoformat() if escalation.snoozed_until else None
            ),
        },
        sort_keys=True,
    )


# --- SLA clocks ---------------------------------------------------------------------------


def sla_deadlines(data: TicketTriagedData) -> list[tuple[str, datetime]]:
    """Triage's SLA due times (``first_response_due``, ``resolution_due``; or an ``sla``
    mapping), if its event carries them: older events do not."""
    fields: dict[str, Any] = {name: getattr(data, name, None) for name in SLA_FIELDS}
    sla: Any = getattr(data, "sla", None)
    if isinstance(sla, BaseModel):
        fields.update(sla.model_dump())
    elif isinstance(sla, dict):
        fields.update(sla)
    return [
        (str(name), value)
        for name, value in fields.items()
        if isinstance(value, datetime) and value.tzinfo is not None
    ]


def sla_at_risk_time(*, opened: datetime, due: datetime, lead: timedelta) -> datetime:
    """``lead`` before the deadline, but never in the first half of the time left: a 15-minute
    first-response SLA with a 15-minute lead is at risk after 7.5 minutes, not at once."""
    return max(due - lead, opened + (due - opened) / 2)


# --- errors of the on-call actions ----------------------------------------------------------


class EscalationNotFoundError(Exception):
    pass


class UnknownUserError(Exception):
    pass


class PersonRequiredError(Exception):
    """The policy only lets a person (not a bot or a source system) stop, end or pause the
    page; ``operation`` is what was refused, ``status`` the escalation's status."""

    def __init__(self, message: str, *, operation: PersonOnly, status: EscalationStatus) -> None:
        super().__init__(message)
        self.operation = operation
        self.status = status


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


# --- paging decisions: what a fired timer does ------------------------------------------------


def ack_timeout_step(
    policy: Policy | None, escalation: store.Escalation, timer: store.EscalationTimer
) -> Step | Literal["stale", "exhausted"]:
    """The level an ack timeout climbs to; "stale" if the escalation was acknowledged,
    resolved or already climbed past the timer's round, "exhausted" if no level is left."""
    if escalation.status != "open" or (escalation.level, escalation.cycle) != (
        timer.level,
        timer.cycle,
    ):
        return "stale"
    step = next_step(policy, level=timer.level, cycle=timer.cycle) if policy else None
    return "exhausted" if step is None else step


@dataclass(frozen=True)
class Climb:
    """A climb to ``step``: whom it pages, and the compare-and-set that makes it happen once
    (``changes`` apply only while the escalation still holds ``expected``)."""

    step: Step
    users: list[str]
    expected: dict[str, Any]
    changes: dict[str, Any]


def plan_climb(
    config: EscalationConfig,
    policy: Policy,
    escalation: store.Escalation,
    step: Step,
    *,
    now: datetime,
) -> Climb:
    """An open escalation is assigned to the level's first user; an acknowledged one (an
    SLA clock climbing it) keeps its assignee."""
    users = level_users(config, policy, level=step.level, at=now)
    changes: dict[str, Any] = {"level": step.level, "cycle": step.cycle}
    if escalation.status == "open" and users:
        changes["assignee"] = users[0]
    expected = {"status": escalation.status, "level": escalation.level, "cycle": escalation.cycle}
    return Climb(step=step, users=users, expected=expected, changes=changes)


@dataclass(frozen=True)
class Remind:
    """Page ``users`` again (the assignee, if configured); the next reminder is due at
    ``next_due`` (None: the policy has no reminder interval)."""

    users: list[str]
    next_due: datetime | None


@dataclass(frozen=True)
class Snoozed:
    """Snoozed: no page now, the reminder moves to the end of the snooze."""

    until: datetime


def reminder_decision(
    config: EscalationConfig,
    policy: Policy | None,
    escalation: store.Escalation,
    *,
    now: datetime,
) -> Remind | Snoozed | None:
    """What a reminder timer does; None when the escalation is no longer acknowledged."""
    if escalation.status != "acknowledged":
        return None
    if escalation.snoozed_until is not None and aware(escalation.snoozed_until) > now:
        return Snoozed(until=aware(escalation.snoozed_until))
    users = (
        [escalation.assignee] if escalation.assignee and config.user(escalation.assignee) else []
    )
    interval = policy.reminder_interval if policy is not None else None
    return Remind(users=users, next_due=now + interval if interval is not None else None)


@dataclass(frozen=True)
class SlaAction:
    """An SLA clock that still matters: climb to ``step`` if there is one (and the climb
    wins), else record ``reason`` as an escalation on the current level."""

    reason: str
    step: Step | None


def sla_action(
    policy: Policy | None, escalation: store.Escalation, timer: store.EscalationTimer
) -> SlaAction | None:
    """None when the clock no longer matters: resolved, or a first-response deadline of an
    escalation that was acknowledged (the first response happened)."""
    if escalation.status == "resolved":
        return None
    if timer.detail == FIRST_RESPONSE and escalation.status != "open":
        return None
    reason = f"{timer.kind}:{timer.detail}" if timer.detail else timer.kind
    step = next_step(policy, level=escalation.level, cycle=escalation.cycle) if policy else None
    return SlaAction(reason=reason, step=step)
