"""Escalation flows: the steps that combine the domain, the store and the bus."""

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from services.escalation import store
from services.escalation.config import EscalationConfig, Policy
from services.escalation.domain import (
    FIRST_RESPONSE,
    Clock,
    snapshot,
)
from services.escalation.notifiers import Outcome, Page, Sender
from services.escalation.policies import (
    Step,
    level_users,
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
)
from shared.bus import BusUnavailableError, Outgoing
from shared.db import Database, aware
from shared.events import (
    utcnow,
)
from shared.service import ServiceState
from shared.topics import ESCALATIONS
from shared.tracing import child_traceparent

logger = logging.getLogger(__name__)


# --- source updates (vigil.ticket.updated.v1) ----------------------------------------------


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
