"""Escalation flows: the steps that combine the domain, the store and the bus."""

import logging
import uuid
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from services.escalation import store
from services.escalation.domain import Action, transition
from shared.bus import BusUnavailableError
from shared.db import Database
from shared.events import (
    EscalationAcknowledgedV1,
    EscalationData,
    EscalationOpenedV1,
    EscalationResolvedV1,
    Priority,
    TicketTriagedV1,
    utcnow,
)
from shared.service import ServiceState
from shared.topics import ESCALATIONS
from shared.tracing import child_traceparent

logger = logging.getLogger(__name__)

# Fixed forever: an escalation's id derives from its ticket's, so replicas agree on it.
ESCALATION_NAMESPACE = uuid.UUID("0f8d7a3e-6c1b-4e8e-b7f4-2a9c5d1e3b77")

_MAX_RACES = 10

_EVENT_TYPES: dict[
    str, type[EscalationOpenedV1] | type[EscalationAcknowledgedV1] | type[EscalationResolvedV1]
] = {
    "opened": EscalationOpenedV1,
    "acknowledged": EscalationAcknowledgedV1,
    "resolved": EscalationResolvedV1,
}


def _event_row(
    escalation: store.Escalation,
    *,
    kind: str,
    actor: str | None,
    at: datetime,
    traceparent: str | None,
) -> store.EscalationEventRow:
    event = _EVENT_TYPES[kind](
        source="/vigil/escalation",
        subject=escalation.ticket_id,
        traceparent=child_traceparent(traceparent),
        data=EscalationData(
            escalation_id=escalation.id,
            ticket_id=escalation.ticket_id,
            priority=Priority(escalation.priority),
            category=escalation.category,
            queue=escalation.queue,
            status=escalation.status,
            actor=actor,
            at=at,
            received_at=escalation.received_at,
        ),
    )
    return store.EscalationEventRow(
        event_id=event.id,
        escalation_id=escalation.id,
        ticket_id=escalation.ticket_id,
        type=event.type,
        actor=actor,
        created_at=at,
        payload=event.model_dump_json(),
    )


async def open_for_ticket(db: Database, triaged: TicketTriagedV1) -> store.Escalation:
    async with db.session() as session:
        existing = await store.get_by_ticket(session, triaged.subject)
        if existing is not None:
            return existing
        now = utcnow()
        data = triaged.data
        escalation = store.Escalation(
            id=str(uuid.uuid5(ESCALATION_NAMESPACE, data.ticket_id)),
            ticket_id=data.ticket_id,
            priority=data.priority.value,
            category=data.category,
            queue=data.queue,
            status="open",
            received_at=data.received_at,
            opened_at=now,
        )
        opened = _event_row(
            escalation, kind="opened", actor=None, at=now, traceparent=triaged.traceparent
        )
        return await store.insert_opened(session, escalation, opened)


class EscalationNotFoundError(Exception):
    pass


async def apply_action(
    session: AsyncSession, escalation_id: str, *, action: Action, actor: str
) -> store.Escalation:
    """Apply an on-call action once, however many requests race for it.

    Raises EscalationNotFoundError or IllegalTransitionError; a repeat of the action that
    led to the current state changes nothing."""
    for _ in range(_MAX_RACES):
        escalation = await store.get_escalation(session, escalation_id)
        # End the read transaction: SQLite cannot upgrade a stale snapshot to a write.
        await session.commit()
        if escalation is None:
            raise EscalationNotFoundError(escalation_id)
        step = transition(escalation.status, action)  # type: ignore[arg-type]
        if not step.changed:
            return escalation
        now = utcnow()
        changes: dict[str, object] = {"status": step.new_status}
        if step.new_status == "acknowledged":
            changes.update(acknowledged_at=now, acknowledged_by=actor)
        else:
            changes.update(resolved_at=now, resolved_by=actor)
        won = await store.change_status_if(
            session, escalation_id, expected_status=escalation.status, changes=changes
        )
        if not won:
            await session.rollback()  # someone else moved it first: decide again
            continue
        await session.refresh(escalation)
        session.add(
            _event_row(escalation, kind=step.new_status, actor=actor, at=now, traceparent=None)
        )
        await session.commit()
        return escalation
    raise RuntimeError(f"escalation {escalation_id} kept changing under concurrent updates")


async def publish_pending(state: ServiceState, escalation_id: str) -> None:
    """Send this escalation's unsent events in order; leave them for the relay if the
    broker is down."""
    assert state.db is not None
    topic = state.settings.topic(ESCALATIONS)
    async with state.db.session() as session:
        rows = await store.lock_unpublished(session, escalation_id)
        try:
            for row in rows:
                await state.bus.send(topic, key=row.ticket_id, value=row.payload.encode())
        except BusUnavailableError:
            await session.rollback()
            logger.warning(
                "escalation events left for the relay", extra={"escalation_id": escalation_id}
            )
            return
        now = utcnow()
        for row in rows:
            row.published_at = now
            session.add(row)
        await session.commit()


async def relay_unpublished(state: ServiceState, *, batch: int = 100) -> int:
    assert state.db is not None
    async with state.db.session() as session:
        pending = await store.escalations_with_unpublished_events(session, limit=batch)
    for escalation_id in pending:
        await publish_pending(state, escalation_id)
    return len(pending)
