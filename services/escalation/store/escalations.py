"""Queries of escalations and what is written with them: openings, the categories a
ticket had, the timeline and outbox of events, the audit log and source updates that came
before the escalation was opened."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import and_, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.escalation.store.models import (
    AuditEntry,
    Escalation,
    EscalationEventRow,
    PendingTicketUpdate,
    TicketCategory,
)
from shared.db import commit_or_existing


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
    return await commit_or_existing(
        session,
        [escalation, event, *extra],
        written=escalation,
        existing=lambda: get_by_ticket(session, escalation.ticket_id),
    )


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


async def change_escalation_if(
    session: AsyncSession,
    escalation_id: str,
    *,
    expected: dict[str, Any],
    changes: dict[str, Any],
) -> bool:
    """Compare-and-set: apply ``changes`` only if every ``expected`` column (status, level,
    cycle, assignee ...) still holds its value; a None value matches NULL.

    Works the same on PostgreSQL and SQLite (which has no ``SELECT ... FOR UPDATE``): of
    two concurrent changes from one state, exactly one matches a row."""
    statement = update(Escalation).where(col(Escalation.id) == escalation_id).values(**changes)
    for name, value in expected.items():
        statement = statement.where(col(getattr(Escalation, name)) == value)
    result = await session.exec(statement)
    return result.rowcount == 1


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
