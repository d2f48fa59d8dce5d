"""The work queues replicas share: durable timers and notifications, each claimed with
``SKIP LOCKED`` on PostgreSQL and taken by compare-and-set, so each fires or is sent once."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.escalation.store.models import (
    EscalationTimer,
    Notification,
)


async def claim_due_timers(
    session: AsyncSession, *, now: datetime, limit: int
) -> Sequence[EscalationTimer]:
    """Due, unfired timers, locked for this transaction. On PostgreSQL ``SKIP LOCKED`` lets
    another replica take the next ones instead of waiting; the caller marks them fired in
    the same transaction, so a timer fires once. (SQLite ignores the lock clause and
    serialises writers; see :func:`mark_timer_fired`.)"""
    statement = (
        select(EscalationTimer)
        .where(col(EscalationTimer.fired_at).is_(None))
        .where(col(EscalationTimer.due_at) <= now)
        .order_by(col(EscalationTimer.due_at), col(EscalationTimer.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return (await session.exec(statement)).all()


async def mark_timer_fired(session: AsyncSession, timer_id: int, *, now: datetime) -> bool:
    """Compare-and-set: False if another scheduler fired it first."""
    statement = (
        update(EscalationTimer)
        .where(col(EscalationTimer.id) == timer_id)
        .where(col(EscalationTimer.fired_at).is_(None))
        .values(fired_at=now)
    )
    result = await session.exec(statement)
    return result.rowcount == 1


async def add_timer_once(session: AsyncSession, timer: EscalationTimer) -> None:
    """Add a timer unless one with its key exists (keys name kind, level, cycle, due time)."""
    found = (
        await session.exec(select(EscalationTimer.id).where(EscalationTimer.key == timer.key))
    ).first()
    if found is None:
        session.add(timer)


async def cancel_timers(session: AsyncSession, escalation_id: str, *, now: datetime) -> int:
    """Mark an escalation's unfired timers as fired (with no effect); returns how many."""
    statement = (
        update(EscalationTimer)
        .where(col(EscalationTimer.escalation_id) == escalation_id)
        .where(col(EscalationTimer.fired_at).is_(None))
        .values(fired_at=now)
    )
    result = await session.exec(statement)
    return int(result.rowcount)


async def claim_due_notifications(
    session: AsyncSession, *, now: datetime, limit: int
) -> Sequence[Notification]:
    statement = (
        select(Notification)
        .where(Notification.status == "pending")
        .where(col(Notification.next_attempt_at) <= now)
        .order_by(col(Notification.next_attempt_at), col(Notification.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return (await session.exec(statement)).all()


async def lease_notification(
    session: AsyncSession, notification_id: int, *, attempts: int, until: datetime
) -> bool:
    """Take one attempt: count it and hide the row until ``until`` (if this process dies
    mid-send, another attempt follows after the lease, with the same idempotency key)."""
    statement = (
        update(Notification)
        .where(col(Notification.id) == notification_id)
        .where(col(Notification.attempts) == attempts - 1)
        .where(col(Notification.status) == "pending")
        .values(attempts=attempts, next_attempt_at=until)
    )
    result = await session.exec(statement)
    return result.rowcount == 1


async def get_notification(session: AsyncSession, notification_id: int) -> Notification | None:
    return (
        await session.exec(select(Notification).where(Notification.id == notification_id))
    ).first()


async def notifications_of(session: AsyncSession, escalation_id: str) -> Sequence[Notification]:
    statement = (
        select(Notification)
        .where(Notification.escalation_id == escalation_id)
        .order_by(col(Notification.id))
    )
    return (await session.exec(statement)).all()


async def add_notification_once(session: AsyncSession, notification: Notification) -> bool:
    found = (
        await session.exec(
            select(Notification.id).where(
                Notification.idempotency_key == notification.idempotency_key
            )
        )
    ).first()
    if found is not None:
        return False
    session.add(notification)
    return True
