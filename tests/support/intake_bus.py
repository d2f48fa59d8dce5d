"""Reading back what intake published on an in-process bus."""

from shared.bus import InProcessBus
from shared.events import TicketReceivedV1, TicketUpdatedV1, decode_event
from shared.topics import TICKETS_RECEIVED

IntakeEvent = TicketReceivedV1 | TicketUpdatedV1


async def intake_events(
    bus: InProcessBus, *, group_id: str, expect_none: bool = False
) -> list[IntakeEvent]:
    """Everything on tickets.received, through a fresh consumer group, each keyed by its
    ticket. Intake answers only after the bus took its events, so when none is expected
    there is nothing to wait for (``timeout_ms=0``)."""
    consumer = bus.consumer(topics=[TICKETS_RECEIVED], group_id=group_id)
    await consumer.start()
    try:
        messages = await consumer.getmany(timeout_ms=0 if expect_none else 300, max_records=100)
    finally:
        await consumer.stop()
    found: list[IntakeEvent] = []
    for message in messages:
        event = decode_event(message.value)
        assert isinstance(event, TicketReceivedV1 | TicketUpdatedV1)
        assert message.key == event.subject
        found.append(event)
    return found
