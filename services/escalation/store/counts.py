"""Counts behind escalation's gauges, computed at scrape time from the tables, so they are
right on every replica and after a restart."""

from datetime import datetime

from sqlalchemy import and_, case, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.escalation.store.models import (
    FIRST_RESPONSE_SLA,
    Escalation,
    EscalationTimer,
    Notification,
)


async def due_timers(session: AsyncSession, *, now: datetime) -> int:
    statement = (
        select(func.count())
        .select_from(EscalationTimer)
        .where(col(EscalationTimer.fired_at).is_(None))
        .where(col(EscalationTimer.due_at) <= now)
    )
    return int((await session.exec(statement)).one())


async def sla_deadlines_now(
    session: AsyncSession, *, now: datetime
) -> list[tuple[str, str, str, int]]:
    """Deadlines of unresolved escalations that are at risk or breached at ``now``, counted
    as ``(priority, sla, "at_risk" | "breached", count)``; ``sla`` names the deadline
    (first_response_due, resolution_due). From the due times of the SLA clocks, not from
    whether a clock has fired, so the answer is the same on every replica and after a
    restart. The first response stops counting once the escalation is acknowledged."""
    breach = aliased(EscalationTimer)
    risk = aliased(EscalationTimer)
    state = case((col(breach.due_at) <= now, "breached"), else_="at_risk")
    statement = (
        select(Escalation.priority, breach.detail, state, func.count())
        .select_from(breach)
        .join(Escalation, col(Escalation.id) == col(breach.escalation_id))
        .join(
            risk,
            and_(
                col(risk.escalation_id) == col(breach.escalation_id),
                col(risk.detail) == col(breach.detail),
                col(risk.kind) == "sla_at_risk",
            ),
        )
        .where(col(breach.kind) == "sla_breached")
        .where(col(risk.due_at) <= now)
        .where(col(Escalation.status) != "resolved")
        .where(or_(col(breach.detail) != FIRST_RESPONSE_SLA, col(Escalation.status) == "open"))
        .group_by(col(Escalation.priority), col(breach.detail), state)
    )
    rows = (await session.exec(statement)).all()
    return [(priority, detail or "sla", kind, int(count)) for priority, detail, kind, count in rows]


async def pending_notifications(session: AsyncSession) -> int:
    statement = (
        select(func.count()).select_from(Notification).where(Notification.status == "pending")
    )
    return int((await session.exec(statement)).one())


async def open_counts(session: AsyncSession) -> list[tuple[str, str, str, int]]:
    """Unresolved escalations now, counted as ``(priority, queue, status, count)``."""
    statement = (
        select(Escalation.priority, Escalation.queue, Escalation.status, func.count())
        .where(Escalation.status != "resolved")
        .group_by(Escalation.priority, Escalation.queue, Escalation.status)
    )
    return [tuple(row) for row in (await session.exec(statement)).all()]  # type: ignore[misc]


async def pending_timers(session: AsyncSession) -> int:
    statement = (
        select(func.count())
        .select_from(EscalationTimer)
        .where(col(EscalationTimer.fired_at).is_(None))
    )
    return int((await session.exec(statement)).one())
