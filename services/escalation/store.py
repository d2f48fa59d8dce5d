"""Every query of the escalation service.

``escalation_events`` is both the escalation's timeline and its outbox: an event row is
written in the same transaction as the state change, then published and stamped, so a
crash between commit and publish only delays the event (the relay sends it later).
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Column, Text, and_, case, func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

# The deadline an acknowledgement meets (domain.FIRST_RESPONSE names it too).
FIRST_RESPONSE_SLA = "first_response_due"


class Escalation(SQLModel, table=True):
    __tablename__ = "escalations"

    id: str = Field(primary_key=True, max_length=64)
    ticket_id: str = Field(unique=True, max_length=64)
    priority: str = Field(max_length=4, index=True)
    category: str = Field(max_length=64)
    queue: str = Field(max_length=64)
    status: str = Field(max_length=16, index=True)
    received_at: datetime | None = None
    opened_at: datetime
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = Field(default=None, max_length=128)
    resolved_at: datetime | None = None
    resolved_by: str | None = Field(default=None, max_length=128)
    policy: str | None = Field(default=None, max_length=64)
    level: int = 0
    cycle: int = 0
    assignee: str | None = Field(default=None, max_length=128, index=True)
    snoozed_until: datetime | None = None
    # "ticket" (opened for a triaged ticket) or "trend" (opened for a detected spike; its
    # ticket_id is then the trend's id, the subject of vigil.trend.detected.v1).
    kind: str = Field(
        default="ticket", max_length=16, sa_column_kwargs={"server_default": "ticket"}
    )
    # The W3C traceparent of the event that opened it: what it emits later (acks, resolves,
    # reassignments, timers, notifications) continues that trace.
    traceparent: str | None = Field(default=None, max_length=55)


class EscalationEventRow(SQLModel, table=True):
    __tablename__ = "escalation_events"

    seq: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(unique=True, max_length=64)
    escalation_id: str = Field(index=True, max_length=64)
    ticket_id: str = Field(max_length=64)
    type: str = Field(max_length=64)
    actor: str | None = Field(default=None, max_length=128)
    created_at: datetime
    published_at: datetime | None = Field(default=None, index=True)
    payload: str = Field(sa_column=Column(Text, nullable=False))


class EscalationTimer(SQLModel, table=True):
    """A durable timer: fired once by whichever scheduler replica claims it first."""

    __tablename__ = "escalation_timers"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=255)
    escalation_id: str = Field(index=True, max_length=64)
    kind: str = Field(max_length=32)
    due_at: datetime = Field(index=True)
    level: int = 0
    cycle: int = 0
    detail: str | None = Field(default=None, max_length=128)
    fired_at: datetime | None = Field(default=None, index=True)


class Notification(SQLModel, table=True):
    """One message to one contact of one person; ends delivered or failed, never dropped."""

    __tablename__ = "escalation_notifications"

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(unique=True, max_length=255)
    escalation_id: str = Field(index=True, max_length=64)
    user: str = Field(max_length=128)
    contact_index: int
    channel: str = Field(max_length=16)
    reason: str = Field(max_length=32)
    level: int = 0
    status: str = Field(default="pending", max_length=16, index=True)
    attempts: int = 0
    next_attempt_at: datetime = Field(index=True)
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime
    finished_at: datetime | None = None


class AuditEntry(SQLModel, table=True):
    """Every action on an escalation, by a person or by the system, with before and after."""

    __tablename__ = "escalation_audit"

    seq: int | None = Field(default=None, primary_key=True)
    escalation_id: str = Field(index=True, max_length=64)
    category: str = Field(max_length=64)
    actor: str = Field(max_length=128)
    action: str = Field(max_length=32)
    at: datetime = Field(index=True)
    before: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    after: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    detail: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    idempotency_key: str | None = Field(default=None, unique=True, max_length=255)


class TicketCategory(SQLModel, table=True):
    """A category a ticket's decision had besides its escalation's: overrides and triage's
    own revisions can change it after the escalation opened, and who may see the
    escalation depends on every category the ticket has had."""

    __tablename__ = "escalation_ticket_categories"

    ticket_id: str = Field(primary_key=True, max_length=64)
    category: str = Field(primary_key=True, max_length=64)


class PendingTicketUpdate(SQLModel, table=True):
    """A source's ack/resolve that arrived before the ticket's escalation was opened."""

    __tablename__ = "escalation_pending_updates"

    seq: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(unique=True, max_length=64)
    ticket_id: str = Field(index=True, max_length=64)
    action: str = Field(max_length=16)
    channel: str = Field(max_length=64)
    updated_at: datetime
    applied_at: datetime | None = None


TABLES = [
    Escalation.__table__,  # type: ignore[attr-defined]
    EscalationEventRow.__table__,  # type: ignore[attr-defined]
    EscalationTimer.__table__,  # type: ignore[attr-defined]
    Notification.__table__,  # type: ignore[attr-defined]
    AuditEntry.__table__,  # type: ignore[attr-defined]
    PendingTicketUpdate.__table__,  # type: ignore[attr-defined]
    TicketCategory.__table__,  # type: ignore[attr-defined]
]


async def get_escalation(session: AsyncSession, escalation_id: str) -> Escalation | None:
    statement = select(Escalation).where(Escalation.id == escalation_id)
    return (await session.exec(statement)).first()


async def record_ticket_categories(
    session: AsyncSession, categories: Mapping[str, set[str]]
) -> None:
    """Commit the (ticket, category) pairs not recorded yet; a pair a concurrent replica
    committed first is kept as it is."""
    pairs = {(ticket_id, category) for ticket_id, named in categories.items() for category in named}
    if not pairs:
        return
    statement = select(TicketCategory).where(col(TicketCategory.ticket_id).in_(list(categories)))
    known = {(row.ticket_id, row.category) for row in (await session.exec(statement)).all()}
    new = sorted(pairs - known)
    session.add_all(
        [TicketCategory(ticket_id=ticket_id, category=category) for ticket_id, category in new]
    )
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        for ticket_id, category in new:
            session.add(TicketCategory(ticket_id=ticket_id, category=category))
            try:
                await session.commit()
            except IntegrityError:
                await session.rollback()


async def categories_of_ticket(session: AsyncSession, ticket_id: str) -> set[str]:
    """The categories recorded for the ticket besides its escalation's own."""
    statement = select(TicketCategory.category).where(TicketCategory.ticket_id == ticket_id)
    return set((await session.exec(statement)).all())


def _tickets_in(categories: Sequence[str]) -> Any:
    """Ids of the tickets that had one of ``categories`` besides their escalation's."""
    return select(TicketCategory.ticket_id).where(
        col(TicketCategory.category).in_(list(categories))
    )


async def get_by_ticket(session: AsyncSession, ticket_id: str) -> Escalation | None:
    statement = select(Escalation).where(Escalation.ticket_id == ticket_id)
    return (await session.exec(statement)).first()


async def list_escalations(
    session: AsyncSession,
    *,
    ticket_id: str | None = None,
    status: str | None = None,
    priority: str | None = None,
    queue: str | None = None,
    assignee: str | None = None,
    kind: str | None = None,
    hidden_categories: Sequence[str] = (),
    after: tuple[datetime, str] | None = None,
    limit: int,
) -> Sequence[Escalation]:
    """Newest first (opened_at, then id, descending); ``after`` is the last row of the
    previous page (keyset pagination: stable while new escalations arrive)."""
    statement = (
        select(Escalation)
        .order_by(col(Escalation.opened_at).desc(), col(Escalation.id).desc())
        .limit(limit)
    )
    for column, value in (
        (Escalation.ticket_id, ticket_id),
        (Escalation.status, status),
        (Escalation.priority, priority),
        (Escalation.queue, queue),
        (Escalation.assignee, assignee),
        (Escalation.kind, kind),
    ):
        if value is not None:
            statement = statement.where(column == value)
    if hidden_categories:
        statement = statement.where(
            col(Escalation.category).not_in(list(hidden_categories)),
            col(Escalation.ticket_id).not_in(_tickets_in(hidden_categories)),
        )
    if after is not None:
        opened_at, escalation_id = after
        statement = statement.where(
            or_(
                col(Escalation.opened_at) < opened_at,
                and_(col(Escalation.opened_at) == opened_at, col(Escalation.id) < escalation_id),
            )
        )
    return (await session.exec(statement)).all()


class Opening(NamedTuple):
    escalation: Escalation
    opened: EscalationEventRow
    extra: list[SQLModel]


async def get_by_tickets(session: AsyncSession, ticket_ids: Sequence[str]) -> dict[str, Escalation]:
    statement = select(Escalation).where(col(Escalation.ticket_id).in_(ticket_ids))
    return {escalation.ticket_id: escalation for escalation in (await session.exec(statement))}


async def insert_openings(session: AsyncSession, openings: Sequence[Opening]) -> bool:
    """Insert every opening in one transaction; False, rolled back, if a concurrent delivery
    inserted one of them first."""
    for escalation, opened, extra in openings:
        session.add(escalation)
        session.add(opened)
        session.add_all(extra)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        return False
    return True


async def tickets_with_unapplied_updates(
    session: AsyncSession, ticket_ids: Sequence[str]
) -> set[str]:
    statement = (
        select(PendingTicketUpdate.ticket_id)
        .where(col(PendingTicketUpdate.ticket_id).in_(ticket_ids))
        .where(col(PendingTicketUpdate.applied_at).is_(None))
    )
    return set((await session.exec(statement)).all())


async def insert_opened(
    session: AsyncSession,
    escalation: Escalation,
    event: EscalationEventRow,
    *,
    extra: Sequence[SQLModel] = (),
) -> Escalation:
    """Insert a new escalation with its opened event (and its first pages, timers and audit
    entry), or return the one already there."""
    session.add(escalation)
    session.add(event)
    session.add_all(list(extra))
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        existing = await get_by_ticket(session, escalation.ticket_id)
        if existing is None:
            raise
        return existing
    return escalation


async def timeline(session: AsyncSession, escalation_id: str) -> Sequence[EscalationEventRow]:
    statement = (
        select(EscalationEventRow)
        .where(EscalationEventRow.escalation_id == escalation_id)
        .order_by(col(EscalationEventRow.seq))
    )
    return (await session.exec(statement)).all()


async def lock_unpublished_of(
    session: AsyncSession, escalation_ids: Sequence[str]
) -> Sequence[EscalationEventRow]:
    """These escalations' unsent events in order, locked so concurrent publishers queue up
    behind each other instead of sending out of order; always locked in seq order, so
    publishers never deadlock."""
    statement = (
        select(EscalationEventRow)
        .where(col(EscalationEventRow.escalation_id).in_(escalation_ids))
        .where(col(EscalationEventRow.published_at).is_(None))
        .order_by(col(EscalationEventRow.seq))
        .with_for_update()
    )
    return (await session.exec(statement)).all()


async def escalations_with_unpublished_events(
    session: AsyncSession, *, limit: int
) -> Sequence[str]:
    statement = (
        select(EscalationEventRow.escalation_id)
        .where(col(EscalationEventRow.published_at).is_(None))
        .distinct()
        .limit(limit)
    )
    return (await session.exec(statement)).all()


# --- timers -------------------------------------------------------------------------------


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


async def change_escalation_if(
    session: AsyncSession,
    escalation_id: str,
    *,
    expected: dict[str, Any],
    changes: dict[str, Any],
) -> bool:
    """Compare-and-set on several columns (status, level, cycle ...)."""
    statement = update(Escalation).where(col(Escalation.id) == escalation_id).values(**changes)
    for name, value in expected.items():
        statement = statement.where(col(getattr(Escalation, name)) == value)
    result = await session.exec(statement)
    return result.rowcount == 1


# --- notifications --------------------------------------------------------------------


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


# --- audit and activity -----------------------------------------------------------------


async def audit_of(session: AsyncSession, escalation_id: str) -> Sequence[AuditEntry]:
    statement = (
        select(AuditEntry)
        .where(AuditEntry.escalation_id == escalation_id)
        .order_by(col(AuditEntry.seq))
    )
    return (await session.exec(statement)).all()


async def audit_by_key(session: AsyncSession, idempotency_key: str) -> AuditEntry | None:
    statement = select(AuditEntry).where(AuditEntry.idempotency_key == idempotency_key)
    return (await session.exec(statement)).first()


async def list_audit(
    session: AsyncSession,
    *,
    escalation_id: str | None,
    actor: str | None,
    hidden_categories: Sequence[str],
    after_seq: int | None,
    limit: int,
) -> Sequence[AuditEntry]:
    statement = select(AuditEntry).order_by(col(AuditEntry.seq)).limit(limit)
    if escalation_id is not None:
        statement = statement.where(AuditEntry.escalation_id == escalation_id)
    if actor is not None:
        statement = statement.where(AuditEntry.actor == actor)
    if hidden_categories:
        recategorized = select(Escalation.id).where(
            col(Escalation.ticket_id).in_(_tickets_in(hidden_categories))
        )
        statement = statement.where(
            col(AuditEntry.category).not_in(list(hidden_categories)),
            col(AuditEntry.escalation_id).not_in(recategorized),
        )
    if after_seq is not None:
        statement = statement.where(col(AuditEntry.seq) > after_seq)
    return (await session.exec(statement)).all()


# --- source updates that came early -------------------------------------------------------


async def add_pending_update(session: AsyncSession, update_row: PendingTicketUpdate) -> None:
    found = (
        await session.exec(
            select(PendingTicketUpdate.seq).where(
                PendingTicketUpdate.event_id == update_row.event_id
            )
        )
    ).first()
    if found is None:
        session.add(update_row)
        try:
            await session.commit()
        except IntegrityError:
            await session.rollback()


async def unapplied_updates(session: AsyncSession, ticket_id: str) -> Sequence[PendingTicketUpdate]:
    statement = (
        select(PendingTicketUpdate)
        .where(PendingTicketUpdate.ticket_id == ticket_id)
        .where(col(PendingTicketUpdate.applied_at).is_(None))
        .order_by(col(PendingTicketUpdate.seq))
    )
    return (await session.exec(statement)).all()


async def mark_update_applied(session: AsyncSession, seq: int, *, now: datetime) -> bool:
    statement = (
        update(PendingTicketUpdate)
        .where(col(PendingTicketUpdate.seq) == seq)
        .where(col(PendingTicketUpdate.applied_at).is_(None))
        .values(applied_at=now)
    )
    result = await session.exec(statement)
    return result.rowcount == 1
