"""Opening escalations: one per P0/P1 ticket (alone or a consumed batch in one
transaction), one per detected trend a trend policy matches. The opening's rows (the
opened event, audit entry, first pages, ack timer, SLA clocks) are built without I/O by
:func:`ticket_opening` and :func:`opening` and inserted together."""

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlmodel import SQLModel

from services.escalation import store
from services.escalation.config import EscalationConfig, Policy
from services.escalation.domain import (
    DEFAULT_SLA_LEAD,
    TREND_ID_MAX_LENGTH,
    escalation_id_for,
    sla_deadlines,
)
from services.escalation.policies import level_users, match_policy, match_trend
from services.escalation.records import ack_timer, audit, event_row, pages, sla_timers
from services.escalation.source_updates import apply_pending_updates
from shared.consume import PermanentError
from shared.db import Database
from shared.events import TicketTriagedV1, TrendDetectedV1, utcnow
from shared.logging import ticket_context
from shared.tracing import valid_traceparent

logger = logging.getLogger(__name__)


async def open_for_ticket(
    db: Database,
    triaged: TicketTriagedV1,
    *,
    config: EscalationConfig | None = None,
    now: datetime | None = None,
) -> store.Escalation:
    now = now or utcnow()
    async with db.session() as session:
        existing = await store.get_by_ticket(session, triaged.subject)
        if existing is not None:
            return existing
        escalation, opened, extra = ticket_opening(triaged, config=config, now=now)
        result = await store.insert_opened(session, escalation, opened, extra=extra)
    await apply_pending_updates(db, result.ticket_id, config=config, now=now)
    return result


async def open_for_tickets(
    db: Database,
    events: Sequence[TicketTriagedV1],
    *,
    config: EscalationConfig | None,
    now: datetime,
) -> list[str]:
    """:func:`open_for_ticket` for a consumed batch, in one transaction; the escalation ids.
    If a concurrent delivery opened one of them first, each is opened on its own instead."""
    by_ticket: dict[str, TicketTriagedV1] = {}
    for event in events:
        by_ticket.setdefault(event.subject, event)
    async with db.session() as session:
        existing = await store.get_by_tickets(session, list(by_ticket))
        openings = [
            ticket_opening(event, config=config, now=now)
            for ticket_id, event in by_ticket.items()
            if ticket_id not in existing
        ]
        if not await store.insert_openings(session, openings):
            return [
                (await open_for_ticket(db, event, config=config, now=now)).id
                for event in by_ticket.values()
            ]
        waiting = await store.tickets_with_unapplied_updates(session, list(by_ticket))
    for escalation, _, _ in openings:
        with ticket_context(ticket_id=escalation.ticket_id, traceparent=escalation.traceparent):
            logger.info(
                "escalation opened",
                extra={
                    "escalation_id": escalation.id,
                    "priority": escalation.priority,
                    "policy": escalation.policy,
                },
            )
    for ticket_id in waiting:
        await apply_pending_updates(db, ticket_id, config=config, now=now)
    return [escalation_id_for(ticket_id) for ticket_id in by_ticket]


def ticket_opening(
    triaged: TicketTriagedV1, *, config: EscalationConfig | None, now: datetime
) -> store.Opening:
    data = triaged.data
    policy = (
        match_policy(config, priority=data.priority, category=data.category, queue=data.queue)
        if config is not None
        else None
    )
    escalation = store.Escalation(
        id=escalation_id_for(data.ticket_id),
        ticket_id=data.ticket_id,
        priority=data.priority.value,
        category=data.category,
        queue=data.queue,
        status="open",
        received_at=data.received_at,
        opened_at=now,
        policy=policy.name if policy is not None else None,
        traceparent=valid_traceparent(triaged.traceparent),
    )
    return opening(
        escalation,
        config=config,
        policy=policy,
        deadlines=sla_deadlines(data),
        detail=f"policy {policy.name}" if policy is not None else "no matching policy",
        now=now,
    )


async def open_for_trend(
    db: Database,
    trend: TrendDetectedV1,
    *,
    config: EscalationConfig | None,
    now: datetime | None = None,
) -> store.Escalation | None:
    """Open an escalation for a detected spike when a ``kind: trend`` policy matches it.

    Its id derives from the trend's id, so a redelivered trend event opens nothing twice;
    None when no policy matches (the trend stays a metric and an entry of /v1/trends)."""
    data = trend.data
    route = (
        match_trend(config, category=data.category, channel=data.channel, score=data.score)
        if config is not None
        else None
    )
    if route is None:
        return None
    now = now or utcnow()
    trend_id = data.trend_id or trend.subject
    if len(trend_id) > TREND_ID_MAX_LENGTH:
        raise PermanentError(f"trend id longer than {TREND_ID_MAX_LENGTH} characters")
    async with db.session() as session:
        existing = await store.get_by_ticket(session, trend_id)
        if existing is not None:
            return existing
        escalation = store.Escalation(
            id=escalation_id_for(trend_id),
            ticket_id=trend_id,
            kind="trend",
            priority=route.priority.value,
            category=data.category,
            queue=route.queue,
            status="open",
            received_at=trend.time,
            opened_at=now,
            policy=route.policy.name,
            traceparent=valid_traceparent(trend.traceparent),
        )
        escalation, opened, extra = opening(
            escalation,
            config=config,
            policy=route.policy,
            deadlines=[],
            detail=(
                f"policy {route.policy.name}: trend of {data.count} {data.category} tickets "
                f"from {data.channel} (baseline {data.baseline:g}, score {data.score:g})"
            ),
            now=now,
        )
        return await store.insert_opened(session, escalation, opened, extra=extra)


def opening(
    escalation: store.Escalation,
    *,
    config: EscalationConfig | None,
    policy: Policy | None,
    deadlines: list[tuple[str, datetime]],
    detail: str,
    now: datetime,
) -> store.Opening:
    """A new escalation with its opened event, audit entry, first pages, ack timer and SLA
    clocks, to be inserted together."""
    extra: list[SQLModel] = [
        audit(escalation, actor="system", action="opened", at=now, after=None, detail=detail)
    ]
    if config is not None and policy is not None:
        users = level_users(config, policy, level=0, at=now)
        escalation.assignee = users[0] if users else None
        extra += pages(
            config, escalation, users=users, level=0, reason="page", round_key="L0C0", now=now
        )
        extra.append(ack_timer(escalation, policy, level=0, cycle=0, now=now))
    lead = policy.sla_at_risk_lead if policy is not None else DEFAULT_SLA_LEAD
    extra += sla_timers(escalation, deadlines, lead=lead, now=now)
    opened = event_row(
        escalation,
        kind="opened",
        actor=None,
        at=now,
        level=0 if policy is not None else None,
        target=escalation.assignee,
    )
    return store.Opening(escalation, opened, extra)
