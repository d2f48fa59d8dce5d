"""Every query of the metrics service."""

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Column, DateTime, Table, func
from sqlalchemy import select as select_columns
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.metrics.domain import EventFacts, OpenEscalation, decode_labels
from shared.db import aware


def _utc_column(*, nullable: bool, index: bool = False) -> Any:
    return Field(
        default=None if nullable else ...,
        sa_column=Column(DateTime(timezone=True), nullable=nullable, index=index),
    )


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
    labels: str | None = Field(default=None, max_length=1000)
    seconds: float | None = None
    received_at: datetime | None = _utc_column(nullable=True)

    @property
    def facts(self) -> EventFacts:
        return EventFacts(
            type=self.type,
            channel=self.channel,
            category=self.category,
            priority=self.priority,
            labels=decode_labels(self.labels),
            seconds=self.seconds,
            received_at=aware(self.received_at) if self.received_at else None,
        )


class EscalationState(SQLModel, table=True):
    """The latest known state of each escalation, from its events: the gauges' source."""

    __tablename__ = "metrics_escalations"

    escalation_id: str = Field(primary_key=True, max_length=64)
    ticket_id: str = Field(max_length=64)
    priority: str = Field(max_length=4)
    queue: str = Field(max_length=64)
    status: str = Field(max_length=16, index=True)
    opened_at: datetime = _utc_column(nullable=False)
    updated_at: datetime = _utc_column(nullable=False)
    sla_at_risk: bool = False


class TrendWindow(SQLModel, table=True):
    """Tickets per category x channel x window (by receipt time)."""

    __tablename__ = "metrics_trend_windows"

    category: str = Field(primary_key=True, max_length=64)
    channel: str = Field(primary_key=True, max_length=64)
    window_start: datetime = Field(
        sa_column=Column(DateTime(timezone=True), primary_key=True, nullable=False)
    )
    count: int = 0


class Trend(SQLModel, table=True):
    """A detected spike, with the event that announced it (re-sent until it is sent)."""

    __tablename__ = "metrics_trends"

    trend_id: str = Field(primary_key=True, max_length=64)
    category: str = Field(max_length=64)
    channel: str = Field(max_length=64)
    window_start: datetime = _utc_column(nullable=False, index=True)
    window_end: datetime = _utc_column(nullable=False)
    count: int
    baseline: float
    score: float
    detected_at: datetime = _utc_column(nullable=False)
    event_json: str
    published: bool = Field(default=False, index=True)


class DeadLetter(SQLModel, table=True):
    """One row per dead-lettered message, keyed by its position on its source topic (by the
    dead-letter record's own position when the record does not name it)."""

    __tablename__ = "metrics_dead_letters"

    topic: str = Field(primary_key=True, max_length=255)
    partition: int = Field(primary_key=True)
    offset: int = Field(sa_column=Column(BigInteger, primary_key=True, nullable=False))
    source_topic: str = Field(max_length=255)
    error_type: str = Field(max_length=64)
    recorded_at: datetime = _utc_column(nullable=False)


TABLES: list[Table] = [
    RecordedEvent.__table__,  # type: ignore[attr-defined]
    EscalationState.__table__,  # type: ignore[attr-defined]
    TrendWindow.__table__,  # type: ignore[attr-defined]
    Trend.__table__,  # type: ignore[attr-defined]
    DeadLetter.__table__,  # type: ignore[attr-defined]
]


# --- recorded events ------------------------------------------------------------------------


async def add_event(session: AsyncSession, event: RecordedEvent) -> bool:
    """Stage the event; False (and nothing staged) when it had been recorded before."""
    if await session.get(RecordedEvent, event.event_id) is not None:
        return False
    session.add(event)
    try:
        await session.flush()
    except IntegrityError:
        await session.rollback()
        return False
    return True


async def recorded_event_ids(session: AsyncSession, event_ids: Sequence[str]) -> set[str]:
    statement = select(RecordedEvent.event_id).where(col(RecordedEvent.event_id).in_(event_ids))
    return set((await session.exec(statement)).all())


async def counts_by_facts(session: AsyncSession) -> list[tuple[EventFacts, int]]:
    columns = (
        col(RecordedEvent.type),
        col(RecordedEvent.channel),
        col(RecordedEvent.category),
        col(RecordedEvent.priority),
        col(RecordedEvent.labels),
    )
    statement = select_columns(*columns, func.count()).group_by(*columns)
    # Past sqlmodel's typed select(); the plain connection takes any query.
    connection = await session.connection()
    rows = (await connection.execute(statement)).all()
    return [
        (
            EventFacts(
                type=type_,
                channel=channel,
                category=category,
                priority=priority,
                labels=decode_labels(labels),
            ),
            count,
        )
        for type_, channel, category, priority, labels, count in rows
    ]


async def measured_events(session: AsyncSession) -> AsyncIterator[tuple[str, str | None, float]]:
    """(type, priority, seconds) of every event that measured a duration, streamed."""
    statement = select_columns(
        col(RecordedEvent.type), col(RecordedEvent.priority), col(RecordedEvent.seconds)
    ).where(col(RecordedEvent.seconds).is_not(None))
    connection = await session.connection()
    result = await connection.stream(statement)
    async for type_, priority, seconds in result:
        if seconds is not None:
            yield type_, priority, float(seconds)


async def events_of_ticket(session: AsyncSession, ticket_id: str) -> Sequence[RecordedEvent]:
    statement = (
        select(RecordedEvent)
        .where(RecordedEvent.ticket_id == ticket_id)
        .order_by(col(RecordedEvent.occurred_at))
    )
    return (await session.exec(statement)).all()


# --- escalation state -------------------------------------------------------------------


async def apply_escalation_event(
    session: AsyncSession,
    *,
    escalation_id: str,
    ticket_id: str,
    priority: str,
    queue: str,
    status: str | None,
    at: datetime,
    sla_at_risk: bool | None = None,
) -> None:
    """Stage the state an escalation event implies; an older event never overwrites a newer."""
    row = await session.get(EscalationState, escalation_id)
    if row is None:
        row = EscalationState(
            escalation_id=escalation_id,
            ticket_id=ticket_id,
            priority=priority,
            queue=queue,
            status=status or "open",
            opened_at=at,
            updated_at=at,
            sla_at_risk=bool(sla_at_risk),
        )
        session.add(row)
        return
    if at < aware(row.updated_at):
        return
    if status is not None and row.status != "resolved":
        row.status = status
    if sla_at_risk is not None:
        row.sla_at_risk = sla_at_risk
    row.updated_at = at
    session.add(row)


async def unresolved_escalations(session: AsyncSession) -> list[OpenEscalation]:
    statement = select(EscalationState).where(EscalationState.status != "resolved")
    return [
        OpenEscalation(
            priority=row.priority,
            queue=row.queue,
            status=row.status,
            opened_at=aware(row.opened_at),
            sla_at_risk=row.sla_at_risk,
        )
        for row in (await session.exec(statement)).all()
    ]


# --- trends -----------------------------------------------------------------------------


async def count_in_window(
    session: AsyncSession, *, category: str, channel: str, window_start: datetime
) -> int:
    """Stage one more ticket in the window; returns the window's new count."""
    row = await session.get(TrendWindow, (category, channel, window_start))
    if row is None:
        row = TrendWindow(category=category, channel=channel, window_start=window_start, count=0)
    row.count += 1
    session.add(row)
    await session.flush()
    return row.count


async def window_counts(
    session: AsyncSession, *, category: str, channel: str, since: datetime, until: datetime
) -> dict[datetime, int]:
    statement = select(TrendWindow).where(
        TrendWindow.category == category,
        TrendWindow.channel == channel,
        col(TrendWindow.window_start) >= since,
        col(TrendWindow.window_start) < until,
    )
    return {aware(row.window_start): row.count for row in (await session.exec(statement)).all()}


async def first_window(session: AsyncSession) -> datetime | None:
    """The start of the first window ever counted: trends need a full baseline after it."""
    statement = select_columns(func.min(col(TrendWindow.window_start)))
    connection = await session.connection()
    first = (await connection.execute(statement)).scalar_one_or_none()
    return aware(first) if isinstance(first, datetime) else None


async def get_trend(session: AsyncSession, trend_id: str) -> Trend | None:
    return await session.get(Trend, trend_id)


async def unpublished_trends(session: AsyncSession) -> Sequence[Trend]:
    statement = (
        select(Trend).where(col(Trend.published).is_(False)).order_by(col(Trend.detected_at))
    )
    return (await session.exec(statement)).all()


def stamp_published(trend: Trend, _at: datetime) -> None:
    trend.published = True


async def recent_trends(
    session: AsyncSession,
    *,
    since: datetime,
    hidden_categories: Sequence[str],
    limit: int,
) -> Sequence[Trend]:
    """Newest first, without trends of ``hidden_categories`` (left out before the limit, so
    a page is never short because of them)."""
    statement = (
        select(Trend)
        .where(col(Trend.window_start) >= since)
        .order_by(col(Trend.window_start).desc(), col(Trend.score).desc())
        .limit(limit)
    )
    if hidden_categories:
        statement = statement.where(col(Trend.category).not_in(list(hidden_categories)))
    return (await session.exec(statement)).all()


# --- dead letters -----------------------------------------------------------------------


async def add_dead_letters(session: AsyncSession, rows: Sequence[DeadLetter]) -> list[DeadLetter]:
    """Stage the rows not recorded before and commit; returns the new ones. Several groups'
    records of one message share its identity, in one batch or across batches."""
    by_identity = {(row.topic, row.partition, row.offset): row for row in rows}
    new = [
        row
        for identity, row in by_identity.items()
        if await session.get(DeadLetter, identity) is None
    ]
    session.add_all(new)
    await session.commit()
    return new


async def dead_letter_counts(session: AsyncSession) -> list[tuple[str, str, int]]:
    columns = (col(DeadLetter.source_topic), col(DeadLetter.error_type))
    statement = select_columns(*columns, func.count()).group_by(*columns)
    connection = await session.connection()
    return [
        (topic, error, count) for topic, error, count in (await connection.execute(statement)).all()
    ]
