"""Escalation's event handler: one escalation per P0/P1 ticket; source updates
(``vigil.ticket.updated.v1``) acknowledge or resolve it; an override below P1 resolves it;
a detected trend (``vigil.trend.detected.v1``) opens one when a trend policy matches it;
received tickets are ignored."""

from collections.abc import Sequence
from datetime import datetime

from services.escalation import opening, outbox, source_updates, store
from services.escalation.config import EscalationConfig
from services.escalation.domain import (
    categories_changed,
    escalation_id_for,
    needs_escalation,
)
from services.escalation.state import EscalationState
from shared.consume import BatchHandler, Delivery
from shared.db import Database
from shared.events import TicketTriagedV1, TicketUpdatedV1, TrendDetectedV1, VigilEvent
from shared.logging import ticket_context


def make_batch_handler(state: EscalationState) -> BatchHandler:
    """Each event in its own transaction; the batch's new escalation events are then
    published in one round of produces, before the consume loop commits the offsets."""
    db, config, clock = state.db, state.config, state.clock

    async def handle(deliveries: Sequence[Delivery]) -> None:
        # Before anything else in the batch, so a reclassified ticket's escalation is never
        # readable under its old category alone; a redelivered batch records nothing new.
        changed = categories_changed([event for event, _ in deliveries])
        if changed:
            async with db.session() as session:
                await store.record_ticket_categories(session, changed)
        touched: dict[str, None] = {}  # escalation ids, in order, once each
        openings: list[TicketTriagedV1] = []

        async def open_pending() -> None:
            # A run of openings shares one transaction; events in between keep their place,
            # so each ticket's events still apply in order.
            touched.update(
                dict.fromkeys(
                    await opening.open_for_tickets(db, openings, config=config, now=clock())
                )
            )
            openings.clear()

        for event, _ in deliveries:
            if isinstance(event, TicketTriagedV1) and needs_escalation(event.data.priority):
                openings.append(event)
                continue
            if openings:
                await open_pending()
            with ticket_context(ticket_id=event.subject, traceparent=event.traceparent):
                escalation_id = await apply_event(db, event, config=config, now=clock())
            if escalation_id is not None:
                touched[escalation_id] = None
        if openings:
            await open_pending()
        await outbox.publish_pending_of(state, list(touched))

    return handle


async def apply_event(
    db: Database, event: VigilEvent, *, config: EscalationConfig | None, now: datetime
) -> str | None:
    """Apply one event; the id of the escalation it may have changed, if any."""
    if isinstance(event, TicketUpdatedV1):
        await source_updates.handle_ticket_update(db, event, config=config, now=now)
        return escalation_id_for(event.data.ticket_id)
    if isinstance(event, TrendDetectedV1):
        opened = await opening.open_for_trend(db, event, config=config, now=now)
        return opened.id if opened is not None else None
    if not isinstance(event, TicketTriagedV1):
        return None
    if not needs_escalation(event.data.priority):
        if event.data.override is None:
            return None
        # A person downgraded it below P1.
        await source_updates.resolve_for_downgrade(db, event, config=config, now=now)
        return escalation_id_for(event.subject)
    escalation = await opening.open_for_ticket(db, event, config=config, now=now)
    return escalation.id
