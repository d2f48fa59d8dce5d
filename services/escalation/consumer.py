"""Escalation's event handler: one escalation per P0/P1 ticket; source updates
(``vigil.ticket.updated.v1``) acknowledge or resolve it; received tickets are ignored."""

from typing import cast

from services.escalation import flows
from services.escalation.config import EscalationConfig
from services.escalation.domain import needs_escalation
from shared.bus import Message
from shared.consume import EventHandler
from shared.events import TicketTriagedV1, TicketUpdatedV1, VigilEvent, utcnow
from shared.service import ServiceState


def make_handler(state: ServiceState) -> EventHandler:
    db = state.db
    assert db is not None
    config = cast(EscalationConfig | None, state.extras.get("config"))
    clock = cast(flows.Clock, state.extras.get("clock", utcnow))

    async def handle(event: VigilEvent, message: Message) -> None:
        if isinstance(event, TicketUpdatedV1):
            await flows.handle_ticket_update(db, event, config=config, now=clock())
            escalation_id = flows.escalation_id_for(event.data.ticket_id)
            await flows.publish_pending(state, escalation_id)
            return
        if not isinstance(event, TicketTriagedV1) or not needs_escalation(event.data.priority):
            return
        escalation = await flows.open_for_ticket(db, event, config=config, now=clock())
        await flows.publish_pending(state, escalation.id)

    return handle
