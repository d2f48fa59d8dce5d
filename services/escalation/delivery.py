"""Notifications: send due pages concurrently, each attempt counted and leased first, then
record the outcome; retried with backoff until delivered, permanently refused or out of
attempts, and a final outcome writes a notified event and an audit entry."""

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta

from services.escalation import store
from services.escalation.config import EscalationConfig
from services.escalation.domain import Clock
from services.escalation.notifiers import Outcome, Page, Sender
from services.escalation.policies import retry_delay
from services.escalation.records import audit, event_row
from shared.db import Database, aware
from shared.tracing import child_traceparent

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
