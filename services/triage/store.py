"""Every query of the triage service."""

from datetime import datetime

from sqlalchemy import JSON, Column, Text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession


class TriagedTicket(SQLModel, table=True):
    """One row per ticket: its decision and the exact event emitted for it, so a duplicate
    delivery re-emits the same bytes (same event id) instead of deciding again."""

    __tablename__ = "triage_tickets"

    ticket_id: str = Field(primary_key=True, max_length=64)
    channel: str = Field(max_length=64)
    category: str = Field(max_length=64, index=True)
    severity: str = Field(max_length=32)
    priority: str = Field(max_length=4, index=True)
    queue: str = Field(max_length=64)
    reasons: list[dict[str, object]] = Field(sa_column=Column(JSON, nullable=False))
    rules_version: str = Field(max_length=64)
    received_at: datetime
    triaged_at: datetime
    triaged_event: str = Field(sa_column=Column(Text, nullable=False))


TABLES = [TriagedTicket.__table__]  # type: ignore[attr-defined]


async def get_ticket(session: AsyncSession, ticket_id: str) -> TriagedTicket | None:
    return await session.get(TriagedTicket, ticket_id)


async def insert_ticket(session: AsyncSession, ticket: TriagedTicket) -> TriagedTicket:
    """Insert, or return the row a concurrent replica committed first for this ticket."""
    session.add(ticket)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        existing = await get_ticket(session, ticket.ticket_id)
        if existing is None:
            raise
        return existing
    return ticket
