"""What other systems say about a ticket's escalation: the source acknowledged, resolved,
closed or edited its report (``vigil.ticket.updated.v1``), or triage was overridden to a
priority that is not escalated. Each applies through the on-call actions, once."""

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from services.escalation import store
from services.escalation.actions import apply_action, check_person
from services.escalation.config import EscalationConfig
from services.escalation.domain import (
    Action,
    IllegalTransitionError,
    PersonRequiredError,
    needs_escalation,
)
from services.escalation.records import audit
from shared.db import Database
from shared.events import TicketTriagedV1, TicketUpdatedV1, utcnow


async def _audit_once(session: AsyncSession, entry: store.AuditEntry) -> None:
    """Add an audit entry unless one with its idempotency key exists (a redelivery)."""
    assert entry.idempotency_key is not None
    if await store.audit_by_key(session, entry.idempotency_key) is not None:
        return
    session.add(entry)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()  # a concurrent delivery recorded it first


_UPDATE_ACTIONS: dict[str, Action] = {
    "acknowledged": "ack",
    "resolved": "resolve",
    "closed": "resolve",
}


async def handle_ticket_update(
    db: Database, event: TicketUpdatedV1, *, config: EscalationConfig | None, now: datetime
) -> None:
    """The source acknowledged, resolved or closed its report: apply it to the ticket's
    escalation, now or (if triage has not opened it yet) when it opens."""
    data = event.data
    if data.action not in _UPDATE_ACTIONS:
        async with db.session() as session:
            escalation = await store.get_by_ticket(session, data.ticket_id)
            if escalation is not None:
                await _audit_once(
                    session,
                    audit(
                        escalation,
                        actor=f"source:{data.channel}",
                        action="source_edited",
                        at=now,
                        detail="the source edited its report",
                        idempotency_key=event.id,
                    ),
                )
        return
    async with db.session() as session:
        await store.add_pending_update(
            session,
            store.PendingTicketUpdate(
                event_id=event.id,
                ticket_id=data.ticket_id,
                action=data.action,
                channel=data.channel,
                updated_at=data.updated_at,
            ),
        )
    await apply_pending_updates(db, data.ticket_id, config=config, now=now)


async def apply_pending_updates(
    db: Database, ticket_id: str, *, config: EscalationConfig | None, now: datetime
) -> None:
    """Apply stored source updates once the escalation exists. Called after both the update
    and the opening commit, so whichever comes second applies them; actions are idempotent."""
    async with db.session() as session:
        escalation = await store.get_by_ticket(session, ticket_id)
        if escalation is None:
            return
        updates = await store.unapplied_updates(session, ticket_id)
        await session.commit()
        for update in updates:
            actor = f"source:{update.channel}"
            try:
                await apply_action(
                    session,
                    escalation.id,
                    action=_UPDATE_ACTIONS[update.action],
                    actor=actor,
                    by_bot=True,
                    config=config,
                    now=now,
                )
            except IllegalTransitionError:
                pass  # e.g. the source acknowledges what was already resolved
            except PersonRequiredError as error:
                # Recorded, not applied: the page goes on until a person acts. Written with
                # the update's "applied" mark, so a redelivered update adds no second entry.
                session.add(
                    audit(
                        escalation,
                        actor=actor,
                        action=f"{error.operation}_ignored",
                        at=now,
                        detail=f"the source {update.action} its report; {error}",
                    )
                )
            assert update.seq is not None
            await store.mark_update_applied(session, update.seq, now=now)
            await session.commit()


async def resolve_for_downgrade(
    db: Database,
    triaged: TicketTriagedV1,
    *,
    config: EscalationConfig | None,
    now: datetime | None = None,
) -> store.Escalation | None:
    """Triage was overridden to a priority that is not escalated (P2-P4): resolve the
    ticket's escalation (which stops its timers) with an entry naming the override. A
    redelivered override finds it resolved and changes nothing.

    A bot's override on a policy that needs a person is only recorded in the activity (once
    per event); the escalation stays open and keeps paging."""
    data = triaged.data
    override = data.override
    if override is None or needs_escalation(data.priority):
        return None
    at = now or utcnow()
    actor = f"override:{override.by}"[:128]
    change = f"{override.previous.priority.value} -> {data.priority.value}"
    detail = f"triage override by {override.by}: {change} ({override.reason})"
    async with db.session() as session:
        escalation = await store.get_by_ticket(session, data.ticket_id)
        await session.commit()
        if escalation is None or escalation.status == "resolved":
            return escalation
        try:
            check_person(config, escalation, operation="override", by_bot=override.by_bot)
            return await apply_action(
                session,
                escalation.id,
                action="resolve",
                actor=actor,
                by_bot=override.by_bot,
                config=config,
                now=at,
                reason=f"override {change}",
                detail=detail,
            )
        except IllegalTransitionError:
            return escalation  # resolved meanwhile
        except PersonRequiredError as error:
            await _audit_once(
                session,
                audit(
                    escalation,
                    actor=actor,
                    action="override_ignored",
                    at=at,
                    detail=f"{detail}; not applied: {error}",
                    idempotency_key=f"{escalation.id}:override:{triaged.id}",
                ),
            )
            return escalation
