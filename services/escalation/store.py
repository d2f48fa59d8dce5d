"""Every query of the escalation service.

``escalation_events`` is both the escalation's timeline and its outbox: an event row is
written in the same transaction as the state change, then published and stamped, so a
crash between commit and publish only delays the event (the relay sends it later).
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Text, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession


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


TABLES = [Escalation.__table__, EscalationEventRow.__table__]  # type: ignore[attr-defined]


async def get_escalation(session: AsyncSession, escalation_id: str) -> Escalation | None:
    statement = select(Escalation).where(Escalation.id == escalation_id)
    return (await session.exec(statement)).first()


async def change_status_if(
    session: AsyncSession, escalation_id: str, *, expected_status: str, changes: dict[str, Any]
) -> bool:
    """Compare-and-set: apply ``changes`` only if the status is still ``expected_status``.

    Works the same on PostgreSQL and SQLite (which has no ``SELECT ... FOR UPDATE``): of
    two concurrent transitions from one state, exactly one matches a row."""
    statement = (
        update(Escalation)
        .where(col(Escalation.id) == escalation_id)
        .where(col(Escalation.status) == expected_status)
        .values(**changes)
    )
    result = await session.exec(statement)
    return result.rowcount == 1


async def get_by_ticket(session: AsyncSession, ticket_id: str) -> Escalation | None:
    statement = select(Escalation).where(Escalation.ticket_id == ticket_id)
    return (await session.exec(statement)).first()


async def list_escalations(
    session: AsyncSession, *, ticket_id: str | None, status: str | None, limit: int
) -> Sequence[Escalation]:
    statement = select(Escalation).order_by(col(Escalation.opened_at).desc()).limit(limit)
    if ticket_id is not None:
        statement = statement.where(Escalation.ticket_id == ticket_id)
    if status is not None:
        statement = statement.where(Escalation.status == status)
    return (await session.exec(statement)).all()


async def insert_opened(
    session: AsyncSession, escalation: Escalation, event: EscalationEventRow
) -> Escalation:
    """Insert a new escalation with its opened event, or return the one already there."""
    session.add(escalation)
    session.add(event)
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


async def lock_unpublished(
    session: AsyncSession, escalation_id: str
) -> Sequence[EscalationEventRow]:
    """This escalation's unsent events in order, locked so concurrent publishers queue up
    behind each other instead of sending out of order."""
    statement = (
        select(EscalationEventRow)
        .where(EscalationEventRow.escalation_id == escalation_id)
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
