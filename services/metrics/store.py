"""Every query of the metrics service."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select as select_columns
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.metrics.domain import EventFacts


class RecordedEvent(SQLModel, table=True):
    """One row per distinct event id: redelivered events are counted once."""

    __tablename__ = "metrics_events"

    event_id: str = Field(primary_key=True, max_length=64)
    ticket_id: str = Field(index=True, max_length=64)
    type: str = Field(max_length=64)
    occurred_at: datetime
    channel: str | None = Field(default=None, max_length=64)
    category: str | None = Field(default=None, max_length=64)
    priority: str | None = Field(default=None, max_length=4)


TABLES = [RecordedEvent.__table__]  # type: ignore[attr-defined]


async def record_event(session: AsyncSession, event: RecordedEvent) -> bool:
    """True when the event is new; False when it had been recorded before."""
    if await session.get(RecordedEvent, event.event_id) is not None:
        return False
    session.add(event)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        return False
    return True


async def counts_by_facts(session: AsyncSession) -> list[tuple[EventFacts, int]]:
    columns = (
        col(RecordedEvent.type),
        col(RecordedEvent.channel),
        col(RecordedEvent.category),
        col(RecordedEvent.priority),
    )
    statement = select_columns(*columns, func.count()).group_by(*columns)
    # Five columns is past sqlmodel's typed select(); the plain connection takes any query.
    connection = await session.connection()
    rows = (await connection.execute(statement)).all()
    return [
        (EventFacts(type=type_, channel=channel, category=category, priority=priority), count)
        for type_, channel, category, priority, count in rows
    ]


async def events_of_ticket(session: AsyncSession, ticket_id: str) -> Sequence[RecordedEvent]:
    statement = (
        select(RecordedEvent)
        .where(RecordedEvent.ticket_id == ticket_id)
        .order_by(col(RecordedEvent.occurred_at))
    )
    return (await session.exec(statement)).all()
