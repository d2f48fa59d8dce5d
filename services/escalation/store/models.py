"""Escalation's tables. ``escalation_events`` is both the escalation's timeline and its
outbox: an event row is written in the same transaction as the state change, then
published and stamped, so a crash between commit and publish only delays the event (the
relay sends it later)."""

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

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
