"""Escalation flows: the steps that combine the domain, the store and the bus."""

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from services.escalation import store
from services.escalation.actions import apply_action, check_person
from services.escalation.config import EscalationConfig, Policy
from services.escalation.domain import (
    DEFAULT_SLA_LEAD,
    FIRST_RESPONSE,
    TREND_ID_MAX_LENGTH,
    Action,
    Clock,
    IllegalTransitionError,
    PersonRequiredError,
    escalation_id_for,
    needs_escalation,
    sla_deadlines,
    snapshot,
)
from services.escalation.notifiers import Outcome, Page, Sender
from services.escalation.policies import (
    Step,
    level_users,
    match_policy,
    match_trend,
    next_step,
    retry_delay,
)
from services.escalation.records import (
    ack_timer,
    audit,
    escalated_row,
    event_row,
    pages,
    reminder_timer,
    sla_timers,
)
from shared.bus import BusUnavailableError, Outgoing
from shared.consume import PermanentError
from shared.db import Database, aware
from shared.events import (
    TicketTriagedV1,
    TicketUpdatedV1,
    TrendDetectedV1,
    utcnow,
)
from shared.logging import ticket_context
from shared.service import ServiceState
from shared.topics import ESCALATIONS
from shared.tracing import child_traceparent, valid_traceparent

logger = logging.getLogger(__name__)


async def _audit_once(session: AsyncSession, entry: store.AuditEntry) -> None:
    """Add an audit entry unless one with its idempotency key exists (a redelivery)."""
    assert entry.idempotency_key is not None
    if await store.audit_by_key(session, entry.idempotency_key) is not None:
        return
    session.add(entry)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()  # a concurrent delivery recorded it first


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
        escalation, opened, extra = _ticket_opening(triaged, config=config, now=now)
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
            _ticket_opening(event, config=config, now=now)
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


def _ticket_opening(
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
    return _opening(
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
        escalation, opened, extra = _opening(
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


def _opening(
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


async def resolve_for_downgrade(
    db: Database,
    triaged: TicketTriagedV1,
    *,
    config: EscalationConfig | None,
    now: datetime | None = None,
) -> store.Escalation | None:
    """Triage was overridden to a priority that is not escalated (P2-P4): resolve the
    ticket's escalation (which stops its timers) with an entry naming the override. A
    redelivered override finds it resolved and changes nothing.

    A bot's override on a policy that needs a person is only recorded in the activity (once
    per event); the escalation stays open and keeps paging."""
    data = triaged.data
    override = data.override
    if override is None or needs_escalation(data.priority):
        return None
    at = now or utcnow()
    actor = f"override:{override.by}"[:128]
    change = f"{override.previous.priority.value} -> {data.priority.value}"
    detail = f"triage override by {override.by}: {change} ({override.reason})"
    async with db.session() as session:
        escalation = await store.get_by_ticket(session, data.ticket_id)
        await session.commit()
        if escalation is None or escalation.status == "resolved":
            return escalation
        try:
            check_person(config, escalation, operation="override", by_bot=override.by_bot)
            return await apply_action(
                session,
                escalation.id,
                action="resolve",
                actor=actor,
                by_bot=override.by_bot,
                config=config,
                now=at,
                reason=f"override {change}",
                detail=detail,
            )
        except IllegalTransitionError:
            return escalation  # resolved meanwhile
        except PersonRequiredError as error:
            await _audit_once(
                session,
                audit(
                    escalation,
                    actor=actor,
                    action="override_ignored",
                    at=at,
                    detail=f"{detail}; not applied: {error}",
                    idempotency_key=f"{escalation.id}:override:{triaged.id}",
                ),
            )
            return escalation


# --- source updates (vigil.ticket.updated.v1) ----------------------------------------------

_UPDATE_ACTIONS: dict[str, Action] = {
    "acknowledged": "ack",
    "resolved": "resolve",
    "closed": "resolve",
}


async def handle_ticket_update(
    db: Database, event: TicketUpdatedV1, *, config: EscalationConfig | None, now: datetime
) -> None:
    """The source acknowledged, resolved or closed its report: apply it to the ticket's
    escalation, now or (if triage has not opened it yet) when it opens."""
    data = event.data
    if data.action not in _UPDATE_ACTIONS:
        async with db.session() as session:
            escalation = await store.get_by_ticket(session, data.ticket_id)
            if escalation is not None:
                await _audit_once(
                    session,
                    audit(
                        escalation,
                        actor=f"source:{data.channel}",
                        action="source_edited",
                        at=now,
                        detail="the source edited its report",
                        idempotency_key=event.id,
                    ),
                )
        return
    async with db.session() as session:
        await store.add_pending_update(
            session,
            store.PendingTicketUpdate(
                event_id=event.id,
                ticket_id=data.ticket_id,
                action=data.action,
                channel=data.channel,
                updated_at=data.updated_at,
            ),
        )
    await apply_pending_updates(db, data.ticket_id, config=config, now=now)


async def apply_pending_updates(
    db: Database, ticket_id: str, *, config: EscalationConfig | None, now: datetime
) -> None:
    """Apply stored source updates once the escalation exists. Called after both the update
    and the opening commit, so whichever comes second applies them; actions are idempotent."""
    async with db.session() as session:
        escalation = await store.get_by_ticket(session, ticket_id)
        if escalation is None:
            return
        updates = await store.unapplied_updates(session, ticket_id)
        await session.commit()
        for update in updates:
            actor = f"source:{update.channel}"
            try:
                await apply_action(
                    session,
                    escalation.id,
                    action=_UPDATE_ACTIONS[update.action],
                    actor=actor,
                    by_bot=True,
                    config=config,
                    now=now,
                )
            except IllegalTransitionError:
                pass  # e.g. the source acknowledges what was already resolved
            except PersonRequiredError as error:
                # Recorded, not applied: the page goes on until a person acts. Written with
                # the update's "applied" mark, so a redelivered update adds no second entry.
                session.add(
                    audit(
                        escalation,
                        actor=actor,
                        action=f"{error.operation}_ignored",
                        at=now,
                        detail=f"the source {update.action} its report; {error}",
                    )
                )
            assert update.seq is not None
            await store.mark_update_applied(session, update.seq, now=now)
            await session.commit()


# --- timers -------------------------------------------------------------------------------


async def fire_due_timers(
    db: Database, config: EscalationConfig, *, now: datetime, limit: int = 100
) -> list[str]:
    """Fire what is due; returns the escalations touched. Each timer is marked fired in the
    same transaction as its effects, so it fires exactly once across replicas."""
    touched: list[str] = []
    async with db.session() as session:
        timers = await store.claim_due_timers(session, now=now, limit=limit)
        for timer in timers:
            assert timer.id is not None
            if not await store.mark_timer_fired(session, timer.id, now=now):
                continue
            escalation = await store.get_escalation(session, timer.escalation_id)
            if escalation is not None and await _fire(session, config, escalation, timer, now):
                touched.append(escalation.id)
        await session.commit()
    return touched


async def _fire(
    session: AsyncSession,
    config: EscalationConfig,
    escalation: store.Escalation,
    timer: store.EscalationTimer,
    now: datetime,
) -> bool:
    policy = config.policy(escalation.policy)
    if timer.kind == "ack_timeout":
        if escalation.status != "open" or (escalation.level, escalation.cycle) != (
            timer.level,
            timer.cycle,
        ):
            return False  # acknowledged, resolved or already climbed: stale
        step = next_step(policy, level=timer.level, cycle=timer.cycle) if policy else None
        if step is None:
            session.add(
                audit(
                    escalation,
                    actor="system",
                    action="policy_exhausted",
                    at=now,
                    detail="every level was paged without an acknowledgement",
                )
            )
            return True
        assert policy is not None
        return await _climb(
            session, config, policy, escalation, step, now=now, reason="ack_timeout"
        )
    if timer.kind == "reminder":
        return await _remind(session, config, policy, escalation, now=now)
    if timer.kind in ("sla_at_risk", "sla_breached"):
        return await _sla(session, config, policy, escalation, timer, now=now)
    logger.error("unknown timer kind", extra={"kind": timer.kind})
    return False


async def _climb(
    session: AsyncSession,
    config: EscalationConfig,
    policy: Policy,
    escalation: store.Escalation,
    step: Step,
    *,
    now: datetime,
    reason: str,
) -> bool:
    users = level_users(config, policy, level=step.level, at=now)
    before = snapshot(escalation)
    changes: dict[str, Any] = {"level": step.level, "cycle": step.cycle}
    if escalation.status == "open" and users:
        changes["assignee"] = users[0]
    won = await store.change_escalation_if(
        session,
        escalation.id,
        expected={
            "status": escalation.status,
            "level": escalation.level,
            "cycle": escalation.cycle,
        },
        changes=changes,
    )
    if not won:
        return False
    await session.refresh(escalation)
    targets = ",".join(target.label for target in policy.levels[step.level].targets)
    session.add(escalated_row(escalation, at=now, level=step.level, target=targets, reason=reason))
    session.add(
        audit(
            escalation,
            actor="system",
            action="escalated",
            at=now,
            before=before,
            after=snapshot(escalation),
            detail=reason,
        )
    )
    for row in pages(
        config,
        escalation,
        users=users,
        level=step.level,
        reason=reason,
        round_key=f"L{step.level}C{step.cycle}",
        now=now,
    ):
        if isinstance(row, store.Notification):
            await store.add_notification_once(session, row)
        else:
            session.add(row)
    if escalation.status == "open":
        await store.add_timer_once(
            session, ack_timer(escalation, policy, level=step.level, cycle=step.cycle, now=now)
        )
    return True


async def _remind(
    session: AsyncSession,
    config: EscalationConfig,
    policy: Policy | None,
    escalation: store.Escalation,
    *,
    now: datetime,
) -> bool:
    if escalation.status != "acknowledged":
        return False
    if escalation.snoozed_until is not None and aware(escalation.snoozed_until) > now:
        await store.add_timer_once(
            session, reminder_timer(escalation, due=aware(escalation.snoozed_until))
        )
        return False
    users = (
        [escalation.assignee] if escalation.assignee and config.user(escalation.assignee) else []
    )
    session.add(
        audit(
            escalation,
            actor="system",
            action="reminder",
            at=now,
            detail="acknowledged but not resolved",
        )
    )
    for row in pages(
        config,
        escalation,
        users=users,
        level=escalation.level,
        reason="reminder",
        round_key=f"reminder:{now.isoformat()}",
        now=now,
    ):
        if isinstance(row, store.Notification):
            await store.add_notification_once(session, row)
        else:
            session.add(row)
    if policy is not None and policy.reminder_interval is not None:
        await store.add_timer_once(
            session, reminder_timer(escalation, due=now + policy.reminder_interval)
        )
    return True


async def _sla(
    session: AsyncSession,
    config: EscalationConfig,
    policy: Policy | None,
    escalation: store.Escalation,
    timer: store.EscalationTimer,
    *,
    now: datetime,
) -> bool:
    if escalation.status == "resolved":
        return False
    if timer.detail == FIRST_RESPONSE and escalation.status != "open":
        return False  # acknowledged: the first response happened
    reason = f"{timer.kind}:{timer.detail}" if timer.detail else timer.kind
    step = next_step(policy, level=escalation.level, cycle=escalation.cycle) if policy else None
    if (
        policy is not None
        and step is not None
        and await _climb(session, config, policy, escalation, step, now=now, reason=reason)
    ):
        return True
    session.add(escalated_row(escalation, at=now, level=escalation.level, reason=reason))
    session.add(audit(escalation, actor="system", action="escalated", at=now, detail=reason))
    return True


# --- notifications ----------------------------------------------------------------------------


OnFinal = Callable[[str, str], None]  # (channel, "delivered" | "failed")


async def deliver_due(
    db: Database,
    config: EscalationConfig,
    sender: Sender,
    *,
    clock: Clock,
    limit: int = 20,
    on_final: OnFinal | None = None,
) -> list[str]:
    """Send due notifications concurrently; returns the escalations whose timeline changed.

    Each attempt is counted and leased before sending: a crash mid-send means one more
    attempt later with the same idempotency key, never a lost page."""
    settings = config.policies.notifications
    now = clock()
    lease_until = now + settings.timeout * 2 + timedelta(seconds=5)
    leased: list[store.Notification] = []
    async with db.session() as session:
        for row in await store.claim_due_notifications(session, now=now, limit=limit):
            assert row.id is not None
            if await store.lease_notification(
                session, row.id, attempts=row.attempts + 1, until=lease_until
            ):
                leased.append(row)
        await session.commit()
    if not leased:
        return []
    outcomes = await asyncio.gather(*(_send_one(db, config, sender, row) for row in leased))
    touched: list[str] = []
    for row, outcome in zip(leased, outcomes, strict=True):
        assert row.id is not None
        final = await _record_outcome(db, config, row.id, outcome, now=clock())
        if final is not None:
            touched.append(row.escalation_id)
            if on_final is not None:
                on_final(row.channel, final)
    return touched


async def _send_one(
    db: Database, config: EscalationConfig, sender: Sender, row: store.Notification
) -> Outcome:
    async with db.session() as session:
        escalation = await store.get_escalation(session, row.escalation_id)
    user = config.user(row.user)
    if escalation is None:
        return Outcome(delivered=False, permanent=True, detail="escalation no longer exists")
    if user is None or row.contact_index >= len(user.contacts):
        return Outcome(delivered=False, permanent=True, detail="contact no longer configured")
    contact = user.contacts[row.contact_index]
    page = Page(
        idempotency_key=row.idempotency_key,
        escalation_id=escalation.id,
        ticket_id=escalation.ticket_id,
        priority=escalation.priority,
        category=escalation.category,
        queue=escalation.queue,
        status=escalation.status,
        level=row.level,
        reason=row.reason,
        user=row.user,
        at=aware(row.created_at),
        traceparent=child_traceparent(escalation.traceparent),
    )
    return await sender.send(contact, page)


async def _record_outcome(
    db: Database, config: EscalationConfig, notification_id: int, outcome: Outcome, *, now: datetime
) -> str | None:
    """The final state ("delivered" or "failed") if the notification reached it."""
    settings = config.policies.notifications
    async with db.session() as session:
        row = await store.get_notification(session, notification_id)
        if row is None or row.status != "pending":
            return None
        escalation = await store.get_escalation(session, row.escalation_id)
        final = outcome.delivered or outcome.permanent or row.attempts >= settings.max_attempts
        row.last_error = None if outcome.delivered else outcome.detail
        if not final:
            row.next_attempt_at = now + retry_delay(
                row.attempts, base=settings.base_delay, maximum=settings.max_delay
            )
            session.add(row)
            await session.commit()
            return None
        row.status = "delivered" if outcome.delivered else "failed"
        row.finished_at = now
        session.add(row)
        if escalation is not None:
            detail = (
                f"{row.channel} to {row.user} after {row.attempts} attempt(s): {outcome.detail}"
            )
            session.add(
                event_row(
                    escalation,
                    kind="notified",
                    actor="system",
                    at=now,
                    level=row.level,
                    target=f"{row.user}:{row.channel}",
                    reason=row.status,
                )
            )
            session.add(
                audit(
                    escalation,
                    actor="system",
                    action=f"notification_{row.status}",
                    at=now,
                    detail=detail,
                )
            )
        await session.commit()
        return row.status


async def publish_pending(state: ServiceState, escalation_id: str) -> None:
    await publish_pending_of(state, [escalation_id])


async def publish_pending_of(state: ServiceState, escalation_ids: Sequence[str]) -> None:
    """Send these escalations' unsent events in order, in one round of produces; leave them
    for the relay if the broker is down."""
    assert state.db is not None
    if not escalation_ids:
        return
    topic = state.settings.topic(ESCALATIONS)
    async with state.db.session() as session:
        rows = await store.lock_unpublished_of(session, escalation_ids)
        try:
            await state.bus.send_many(
                [Outgoing(topic, key=row.ticket_id, value=row.payload.encode()) for row in rows]
            )
        except BusUnavailableError:
            await session.rollback()
            logger.warning(
                "escalation events left for the relay",
                extra={"escalation_ids": list(escalation_ids)[:20]},
            )
            return
        now = utcnow()
        for row in rows:
            row.published_at = now
            session.add(row)
        await session.commit()


async def relay_unpublished(state: ServiceState, *, batch: int = 100) -> int:
    assert state.db is not None
    async with state.db.session() as session:
        pending = await store.escalations_with_unpublished_events(session, limit=batch)
    for escalation_id in pending:
        await publish_pending(state, escalation_id)
    return len(pending)
