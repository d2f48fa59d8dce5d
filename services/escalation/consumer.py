"""Escalation's event handler: one escalation per P0/P1 ticket."""

from services.escalation import flows
from services.escalation.domain import needs_escalation
from shared.bus import Message
from shared.consume import EventHandler
from shared.events import TicketTriagedV1, VigilEvent
from shared.service import ServiceState


def make_handler(state: ServiceState) -> EventHandler:
    db = state.db
    assert db is not None

    async def handle(event: VigilEvent, message: Message) -> None:
        if not isinstance(event, TicketTriagedV1) or not needs_escalation(event.data.priority):
            return
        escalation = await flows.open_for_ticket(db, event)
        await flows.publish_pending(state, escalation.id)

    return handle
