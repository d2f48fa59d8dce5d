"""Pure row and event builders: outbox events, audit entries, pages and timers, and the
rows of a fired timer's decision (:mod:`services.escalation.domain` decides, this builds).

Nothing here touches a database: each function returns rows the caller adds to its session.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlmodel import SQLModel

from services.escalation import store
from services.escalation.config import EscalationConfig, Policy
from services.escalation.domain import Climb, Remind, sla_at_risk_time, snapshot
from shared.events import (
    EscalationAcknowledgedV1,
    EscalationData,
    EscalationEscalatedV1,
    EscalationNotifiedV1,
    EscalationOpenedV1,
    EscalationResolvedV1,
    Priority,
)
from shared.tracing import child_traceparent

_EVENT_TYPES: dict[
    str,
    type[EscalationOpenedV1]
    | type[EscalationAcknowledgedV1]
    | type[EscalationResolvedV1]
    | type[EscalationNotifiedV1]
    | type[EscalationEscalatedV1],
] = {
    "opened": EscalationOpenedV1,
    "acknowledged": EscalationAcknowledgedV1,
    "resolved": EscalationResolvedV1,
    "notified": EscalationNotifiedV1,
    "escalated": EscalationEscalatedV1,
}


def event_row(
    escalation: store.Escalation,
    *,
    kind: str,
    actor: str | None,
    at: datetime,
    level: int | None = None,
    target: str | None = None,
    reason: str | None = None,
) -> store.EscalationEventRow:
    """An outbox row; its traceparent is a child of the one that opened the escalation, so
    every later event (API actions, timers, deliveries) stays in the ticket's trace."""
    event = _EVENT_TYPES[kind](
        source="/vigil/escalation",
        subject=escalation.ticket_id,
        traceparent=child_traceparent(escalation.traceparent),
        data=EscalationData(
            escalation_id=escalation.id,
            ticket_id=escalation.ticket_id,
            priority=Priority(escalation.priority),
            category=escalation.category,
            queue=escalation.queue,
            status=escalation.status,
            actor=actor,
            at=at,
            received_at=escalation.received_at,
            level=level,
            target=target,
            reason=reason,
            trend_id=escalation.ticket_id if escalation.kind == "trend" else None,
        ),
    )
    return store.EscalationEventRow(
        event_id=event.id,
        escalation_id=escalation.id,
        ticket_id=escalation.ticket_id,
        type=event.type,
        actor=actor,
        created_at=at,
        payload=event.model_dump_json(),
    )


def escalated_row(
    escalation: store.Escalation,
    *,
    at: datetime,
    reason: str,
    level: int,
    actor: str = "system",
    target: str | None = None,
) -> store.EscalationEventRow:
    return event_row(
        escalation,
        kind="escalated",
        actor=actor,
        at=at,
        level=level,
        target=target,
        reason=reason,
    )


def audit(
    escalation: store.Escalation,
    *,
    actor: str,
    action: str,
    at: datetime,
    before: str | None = None,
    after: str | None = None,
    detail: str | None = None,
    idempotency_key: str | None = None,
) -> store.AuditEntry:
    return store.AuditEntry(
        escalation_id=escalation.id,
        category=escalation.category,
        actor=actor,
        action=action,
        at=at,
        before=before,
        after=after,
        detail=detail,
        idempotency_key=idempotency_key,
    )


def pages(
    config: EscalationConfig,
    escalation: store.Escalation,
    *,
    users: Sequence[str],
    level: int,
    reason: str,
    round_key: str,
    now: datetime,
) -> list[SQLModel]:
    """One notification per contact method of each user; an audit entry (visible in the
    timeline) for anyone who cannot be reached, so nothing is silently dropped."""
    rows: list[SQLModel] = []
    if not users:
        rows.append(
            audit(
                escalation,
                actor="system",
                action="page_skipped",
                at=now,
                detail=f"level {level + 1}: nobody to page (no one on call?)",
            )
        )
    for name in users:
        user = config.user(name)
        if user is None or not user.contacts:
            rows.append(
                audit(
                    escalation,
                    actor="system",
                    action="page_skipped",
                    at=now,
                    detail=f"{name} has no contact methods configured",
                )
            )
            continue
        for index, contact in enumerate(user.contacts):
            rows.append(
                store.Notification(
                    idempotency_key=f"{escalation.id}:{round_key}:{name}:{index}",
                    escalation_id=escalation.id,
                    user=name,
                    contact_index=index,
                    channel=contact.type,
                    reason=reason,
                    level=level,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
    return rows


def ack_timer(
    escalation: store.Escalation, policy: Policy, *, level: int, cycle: int, now: datetime
) -> store.EscalationTimer:
    return store.EscalationTimer(
        key=f"{escalation.id}:ack_timeout:{level}:{cycle}",
        escalation_id=escalation.id,
        kind="ack_timeout",
        due_at=now + policy.levels[level].ack_timeout,
        level=level,
        cycle=cycle,
    )


def reminder_timer(escalation: store.Escalation, *, due: datetime) -> store.EscalationTimer:
    return store.EscalationTimer(
        key=f"{escalation.id}:reminder:{due.isoformat()}",
        escalation_id=escalation.id,
        kind="reminder",
        due_at=due,
    )


def sla_timers(
    escalation: store.Escalation,
    deadlines: list[tuple[str, datetime]],
    *,
    lead: timedelta,
    now: datetime,
) -> list[SQLModel]:
    """At-risk and breach timers per deadline. A deadline already past at opening (an
    'as soon as possible' SLA) sets no clock: the page sent at opening is the response."""
    timers: list[SQLModel] = []
    for name, due in deadlines:
        if due <= now:
            continue
        at_risk = sla_at_risk_time(opened=now, due=due, lead=lead)
        for kind, at in (("sla_at_risk", at_risk), ("sla_breached", due)):
            timers.append(
                store.EscalationTimer(
                    key=f"{escalation.id}:{kind}:{name}",
                    escalation_id=escalation.id,
                    kind=kind,
                    due_at=at,
                    detail=name,
                )
            )
    return timers


# --- the rows of a fired timer ------------------------------------------------------------------


def exhausted_rows(escalation: store.Escalation, *, now: datetime) -> list[SQLModel]:
    return [
        audit(
            escalation,
            actor="system",
            action="policy_exhausted",
            at=now,
            detail="every level was paged without an acknowledgement",
        )
    ]


def climb_rows(
    config: EscalationConfig,
    policy: Policy,
    escalation: store.Escalation,
    climb: Climb,
    *,
    before: str,
    reason: str,
    now: datetime,
) -> list[SQLModel]:
    """A climb that won, from the escalation after the change: its escalated event, audit
    entry, the level's pages and (while open) the next ack timer."""
    step = climb.step
    targets = ",".join(target.label for target in policy.levels[step.level].targets)
    rows: list[SQLModel] = [
        escalated_row(escalation, at=now, level=step.level, target=targets, reason=reason),
        audit(
            escalation,
            actor="system",
            action="escalated",
            at=now,
            before=before,
            after=snapshot(escalation),
            detail=reason,
        ),
    ]
    rows += pages(
        config,
        escalation,
        users=climb.users,
        level=step.level,
        reason=reason,
        round_key=f"L{step.level}C{step.cycle}",
        now=now,
    )
    if escalation.status == "open":
        rows.append(ack_timer(escalation, policy, level=step.level, cycle=step.cycle, now=now))
    return rows


def reminder_rows(
    config: EscalationConfig, escalation: store.Escalation, remind: Remind, *, now: datetime
) -> list[SQLModel]:
    """A reminder's audit entry, its pages and the next reminder."""
    rows: list[SQLModel] = [
        audit(
            escalation,
            actor="system",
            action="reminder",
            at=now,
            detail="acknowledged but not resolved",
        )
    ]
    rows += pages(
        config,
        escalation,
        users=remind.users,
        level=escalation.level,
        reason="reminder",
        round_key=f"reminder:{now.isoformat()}",
        now=now,
    )
    if remind.next_due is not None:
        rows.append(reminder_timer(escalation, due=remind.next_due))
    return rows


def sla_escalated_rows(
    escalation: store.Escalation, *, reason: str, now: datetime
) -> list[SQLModel]:
    """An SLA clock with no level to climb to: an escalated event on the current level."""
    return [
        escalated_row(escalation, at=now, level=escalation.level, reason=reason),
        audit(escalation, actor="system", action="escalated", at=now, detail=reason),
    ]
