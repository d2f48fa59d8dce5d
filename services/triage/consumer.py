"""Triage's event handler: classify each received ticket once, emit its decision."""

from services.triage import store
from services.triage.domain import classify
from shared.bus import Message
from shared.consume import EventHandler
from shared.events import TicketReceivedV1, TicketTriagedData, TicketTriagedV1, VigilEvent, utcnow
from shared.service import ServiceState
from shared.topics import TICKETS_TRIAGED
from shared.tracing import child_traceparent


def make_handler(state: ServiceState) -> EventHandler:
    db = state.db
    assert db is not None
    triaged_topic = state.settings.topic(TICKETS_TRIAGED)

    async def handle(event: VigilEvent, message: Message) -> None:
        if not isinstance(event, TicketReceivedV1):
            return
        async with db.session() as session:
            ticket = await store.get_ticket(session, event.subject)
            if ticket is None:
                ticket = await store.insert_ticket(session, triage_event(event))
        # Also on a duplicate: the first attempt may have crashed between commit and send.
        await state.bus.send(
            triaged_topic, key=ticket.ticket_id, value=ticket.triaged_event.encode()
        )

    return handle


def triage_event(event: TicketReceivedV1) -> store.TriagedTicket:
    """Classify a received ticket into the row to store, with the event to emit."""
    decision = classify(event.data.report)
    triaged = TicketTriagedV1(
        source="/vigil/triage",
        subject=event.subject,
        traceparent=child_traceparent(event.traceparent),
        data=TicketTriagedData(
            ticket_id=event.data.ticket_id,
            channel=event.data.channel,
            category=decision.category,
            severity=decision.severity,
            priority=decision.priority,
            queue=decision.queue,
            reasons=decision.reasons,
            rules_version=decision.rules_version,
            received_at=event.data.received_at,
            triaged_at=utcnow(),
        ),
    )
    data = triaged.data
    return store.TriagedTicket(
        ticket_id=data.ticket_id,
        channel=data.channel,
        category=data.category,
        severity=data.severity,
        priority=data.priority.value,
        queue=data.queue,
        reasons=[reason.model_dump() for reason in data.reasons],
        rules_version=data.rules_version,
        received_at=data.received_at,
        triaged_at=data.triaged_at,
        triaged_event=triaged.model_dump_json(),
    )
