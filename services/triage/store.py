"""Every query of the triage service."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Text, func, insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.db import commit_or_existing


class TriagedTicket(SQLModel, table=True):
    """One row per ticket: its decision and the exact event emitted for it, so a duplicate
    delivery re-emits the same bytes (same event id) instead of deciding again. After an
    override, ``triaged_event`` is the override's event: the latest word on the ticket."""

    __tablename__ = "triage_tickets"

    ticket_id: str = Field(primary_key=True, max_length=64)
    channel: str = Field(max_length=64)
    category: str = Field(max_length=64, index=True)
    severity: str = Field(max_length=32)
    priority: str = Field(max_length=4, index=True)
    queue: str = Field(max_length=64)
    reasons: list[dict[str, object]] = Field(sa_column=Column(JSON, nullable=False))
    rules_version: str = Field(max_length=96)
    received_at: datetime = Field(index=True)
    triaged_at: datetime
    triaged_event: str = Field(sa_column=Column(Text, nullable=False))
    # The report as received, so rule changes can be replayed (POST /v1/rules/simulate).
    report: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    sla_policies: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    first_response_due: datetime | None = None
    resolution_due: datetime | None = None
    group_key: str | None = Field(default=None, max_length=2200, index=True)
    group_count: int = 0
    overridden: bool = False


class GroupReport(SQLModel, table=True):
    """One row per ticket with a subject: the surge counter, shared by every replica."""

    __tablename__ = "triage_group_reports"

    ticket_id: str = Field(primary_key=True, max_length=64)
    group_key: str = Field(max_length=2200, index=True)
    received_at: datetime = Field(index=True)


class RulesRevision(SQLModel, table=True):
    """Every rules version ever activated; the highest revision is the active one, so all
    replicas agree on it."""

    __tablename__ = "triage_rules_revisions"

    revision: int | None = Field(default=None, primary_key=True)
    version: str = Field(max_length=96)
    sha256: str = Field(max_length=64, index=True)
    source: str = Field(max_length=16)  # "file" or "api"
    origin: str = Field(max_length=512)  # file path, or the API key's name
    content: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime


class OverrideAudit(SQLModel, table=True):
    """Who changed which decision, why, from what to what; and the event it emitted."""

    __tablename__ = "triage_override_audit"

    id: str = Field(default_factory=lambda: str(uuid.uuid4()), primary_key=True, max_length=36)
    ticket_id: str = Field(max_length=64, index=True)
    actor: str = Field(max_length=128)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    from_category: str = Field(max_length=64)
    to_category: str = Field(max_length=64)
    from_priority: str = Field(max_length=4)
    to_priority: str = Field(max_length=4)
    from_queue: str = Field(max_length=64)
    to_queue: str = Field(max_length=64)
    from_severity: str = Field(max_length=32)
    to_severity: str = Field(max_length=32)
    event_id: str = Field(max_length=64)
    event: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(index=True)
    published_at: datetime | None = None


class SurgeRaiseRecord(SQLModel, table=True):
    """An earlier decision raised by its group's surge, and the event that says so (the
    outbox: sent by the consumer, else by the relay). Its id is the event's id and is
    derived from ticket and new priority, so a ticket is raised to a priority once."""

    __tablename__ = "triage_surge_raises"

    id: str = Field(primary_key=True, max_length=36)
    ticket_id: str = Field(max_length=64, index=True)
    group_key: str = Field(max_length=2200, index=True)
    group_count: int
    trigger_ticket_id: str = Field(max_length=64)
    from_priority: str = Field(max_length=4)
    to_priority: str = Field(max_length=4)
    event: str = Field(sa_column=Column(Text, nullable=False))
    # The decision event this raise replaced: a redelivery re-sends the ticket's first
    # decision from here, in case it was raised before that decision was ever published.
    replaced_event: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(index=True)
    published_at: datetime | None = None


TABLES = [
    TriagedTicket.__table__,  # type: ignore[attr-defined]
    GroupReport.__table__,  # type: ignore[attr-defined]
    RulesRevision.__table__,  # type: ignore[attr-defined]
    OverrideAudit.__table__,  # type: ignore[attr-defined]
    SurgeRaiseRecord.__table__,  # type: ignore[attr-defined]
]


# --- tickets ----------------------------------------------------------------------------


async def get_ticket(session: AsyncSession, ticket_id: str) -> TriagedTicket | None:
    return await session.get(TriagedTicket, ticket_id)


async def get_tickets(session: AsyncSession, ticket_ids: Sequence[str]) -> dict[str, TriagedTicket]:
    statement = select(TriagedTicket).where(col(TriagedTicket.ticket_id).in_(ticket_ids))
    return {ticket.ticket_id: ticket for ticket in (await session.exec(statement)).all()}


async def insert_ticket_values(
    session: AsyncSession, rows: Sequence[dict[str, Any]]
) -> list[TriagedTicket]:
    """Insert the rows in one transaction (no ORM objects: this is triage's hot path).
    Where a concurrent replica committed a ticket first (a rebalance race), its row wins:
    those stored rows are returned."""
    if not rows:
        return []
    try:
        await session.exec(insert(TriagedTicket), params=rows)
        await session.commit()
    except IntegrityError:
        await session.rollback()
    else:
        return []
    for row in rows:
        await insert_ticket(session, TriagedTicket(**row))
    # Read afterwards: each rollback above expired the rows read before it.
    stored = await get_tickets(session, [row["ticket_id"] for row in rows])
    return [
        stored[row["ticket_id"]]
        for row in rows
        if stored[row["ticket_id"]].triaged_event != row["triaged_event"]
    ]


async def lock_ticket(session: AsyncSession, ticket_id: str) -> TriagedTicket | None:
    """The ticket, locked for update until the transaction ends (PostgreSQL)."""
    statement = select(TriagedTicket).where(TriagedTicket.ticket_id == ticket_id)
    return (await session.exec(statement.with_for_update())).first()


async def insert_ticket(session: AsyncSession, ticket: TriagedTicket) -> TriagedTicket:
    """Insert, or return the row a concurrent replica committed first for this ticket."""
    return await commit_or_existing(
        session,
        [ticket],
        written=ticket,
        existing=lambda: get_ticket(session, ticket.ticket_id),
    )


async def recent_tickets(session: AsyncSession, *, limit: int) -> Sequence[TriagedTicket]:
    """The ``limit`` most recently received tickets, those without stored report text
    (decided before triage kept it) included: the caller says it skipped them."""
    statement = (
        select(TriagedTicket)
        .order_by(col(TriagedTicket.received_at).desc(), col(TriagedTicket.ticket_id))
        .limit(limit)
    )
    return (await session.exec(statement)).all()


# --- grouping ---------------------------------------------------------------------------


async def record_group_report(
    session: AsyncSession, *, ticket_id: str, group_key: str, received_at: datetime
) -> None:
    """Committed on its own, before counting, so concurrent replicas see each other."""
    if await session.get(GroupReport, ticket_id) is not None:
        return
    session.add(GroupReport(ticket_id=ticket_id, group_key=group_key, received_at=received_at))
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()


async def record_group_reports(session: AsyncSession, reports: Sequence[GroupReport]) -> None:
    """The batch form of :func:`record_group_report`: committed before counting."""
    ids = [report.ticket_id for report in reports]
    statement = select(GroupReport.ticket_id).where(col(GroupReport.ticket_id).in_(ids))
    known = set((await session.exec(statement)).all())
    session.add_all([report for report in reports if report.ticket_id not in known])
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        for report in reports:
            await record_group_report(
                session,
                ticket_id=report.ticket_id,
                group_key=report.group_key,
                received_at=report.received_at,
            )


async def count_group_reports(
    session: AsyncSession, *, group_key: str, since: datetime, until: datetime
) -> int:
    statement = (
        select(func.count())
        .select_from(GroupReport)
        .where(
            GroupReport.group_key == group_key,
            col(GroupReport.received_at) >= since,
            col(GroupReport.received_at) <= until,
        )
    )
    return int((await session.exec(statement)).one())


async def lock_group_members(
    session: AsyncSession,
    *,
    group_key: str,
    since: datetime,
    until: datetime,
    priorities: Sequence[str],
) -> Sequence[TriagedTicket]:
    """The group's decisions received in [since, until] at one of ``priorities`` that no
    person overrode, locked for update until the transaction ends (PostgreSQL), in ticket
    order so replicas lock them in the same order. A row changed by a concurrent
    transaction is checked again against these conditions once its lock is released."""
    if not priorities:
        return []
    statement = (
        select(TriagedTicket)
        .where(
            TriagedTicket.group_key == group_key,
            col(TriagedTicket.received_at) >= since,
            col(TriagedTicket.received_at) <= until,
            col(TriagedTicket.priority).in_(priorities),
            col(TriagedTicket.overridden).is_(False),
        )
        .order_by(col(TriagedTicket.ticket_id))
        .with_for_update()
        # Rows this session read before (the batch's known tickets) are read afresh.
        .execution_options(populate_existing=True)
    )
    return (await session.exec(statement)).all()


async def first_decision_events(session: AsyncSession, ticket_ids: Sequence[str]) -> dict[str, str]:
    """For those of ``ticket_ids`` a surge raised, the decision event of their first
    raise replaced: the ticket's original decision."""
    if not ticket_ids:
        return {}
    statement = (
        select(SurgeRaiseRecord)
        .where(col(SurgeRaiseRecord.ticket_id).in_(ticket_ids))
        .order_by(col(SurgeRaiseRecord.created_at).desc())
    )
    # Newest first, so each ticket's earliest raise is the one kept.
    return {row.ticket_id: row.replaced_event for row in (await session.exec(statement)).all()}


async def save_surge_raises(
    session: AsyncSession, *, tickets: Sequence[TriagedTicket], raises: Sequence[SurgeRaiseRecord]
) -> bool:
    """The raised decisions and their outbox rows, in one transaction. False (nothing saved)
    when a concurrent replica raised one of these tickets to the same priority first."""
    session.add_all([*tickets, *raises])
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        return False
    return True


async def unpublished_surge_raises(
    session: AsyncSession,
    *,
    limit: int,
    created_before: datetime | None = None,
) -> Sequence[SurgeRaiseRecord]:
    statement = select(SurgeRaiseRecord).where(col(SurgeRaiseRecord.published_at).is_(None))
    if created_before is not None:
        statement = statement.where(col(SurgeRaiseRecord.created_at) < created_before)
    statement = statement.order_by(
        col(SurgeRaiseRecord.created_at), col(SurgeRaiseRecord.id)
    ).limit(limit)
    return (await session.exec(statement)).all()


async def mark_surge_raises_published(
    session: AsyncSession, raise_ids: Sequence[str], *, at: datetime
) -> None:
    if not raise_ids:
        return
    statement = select(SurgeRaiseRecord).where(
        col(SurgeRaiseRecord.id).in_(raise_ids), col(SurgeRaiseRecord.published_at).is_(None)
    )
    for record in (await session.exec(statement)).all():
        record.published_at = at
        session.add(record)
    await session.commit()


# --- rules ------------------------------------------------------------------------------


async def latest_rules(session: AsyncSession, *, source: str | None = None) -> RulesRevision | None:
    statement = select(RulesRevision).order_by(col(RulesRevision.revision).desc()).limit(1)
    if source is not None:
        statement = statement.where(RulesRevision.source == source)
    return (await session.exec(statement)).first()


async def add_rules(session: AsyncSession, revision: RulesRevision) -> RulesRevision:
    session.add(revision)
    await session.commit()
    await session.refresh(revision)
    return revision


async def rules_history(session: AsyncSession, *, limit: int) -> Sequence[RulesRevision]:
    statement = select(RulesRevision).order_by(col(RulesRevision.revision).desc()).limit(limit)
    return (await session.exec(statement)).all()


# --- overrides --------------------------------------------------------------------------


async def save_override(
    session: AsyncSession, *, ticket: TriagedTicket, audit: OverrideAudit
) -> None:
    """The ticket's new decision and its audit row, in one transaction."""
    session.add(ticket)
    session.add(audit)
    await session.commit()


async def overridden_categories(
    session: AsyncSession, ticket_ids: Sequence[str]
) -> dict[str, set[str]]:
    """Both sides of every override of ``ticket_ids``: with the current decision's, every
    category each ticket has had (who may see a ticket depends on all of them)."""
    if not ticket_ids:
        return {}
    statement = select(
        OverrideAudit.ticket_id, OverrideAudit.from_category, OverrideAudit.to_category
    ).where(col(OverrideAudit.ticket_id).in_(ticket_ids))
    categories: dict[str, set[str]] = {}
    for ticket_id, from_category, to_category in (await session.exec(statement)).all():
        categories.setdefault(ticket_id, set()).update((from_category, to_category))
    return categories


async def overrides_of(session: AsyncSession, ticket_id: str) -> Sequence[OverrideAudit]:
    statement = (
        select(OverrideAudit)
        .where(OverrideAudit.ticket_id == ticket_id)
        .order_by(col(OverrideAudit.created_at))
    )
    return (await session.exec(statement)).all()


async def unpublished_overrides(
    session: AsyncSession, *, created_before: datetime, limit: int
) -> Sequence[OverrideAudit]:
    statement = (
        select(OverrideAudit)
        .where(
            col(OverrideAudit.published_at).is_(None),
            col(OverrideAudit.created_at) < created_before,
        )
        .order_by(col(OverrideAudit.created_at))
        .limit(limit)
    )
    return (await session.exec(statement)).all()
