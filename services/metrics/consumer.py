"""Metrics' event handler: record each distinct event once and move its counter."""

from typing import cast

from services.metrics import store
from services.metrics.domain import facts_of, increment_for
from services.metrics.instruments import BusinessMetrics
from shared.bus import Message
from shared.consume import EventHandler
from shared.events import VigilEvent
from shared.service import ServiceState


def make_handler(state: ServiceState) -> EventHandler:
    db = state.db
    assert db is not None
    business = cast(BusinessMetrics, state.extras["business_metrics"])

    async def handle(event: VigilEvent, message: Message) -> None:
        facts = facts_of(event)
        row = store.RecordedEvent(
            event_id=event.id,
            ticket_id=event.subject,
            type=facts.type,
            occurred_at=event.time,
            channel=facts.channel,
            category=facts.category,
            priority=facts.priority,
        )
        async with db.session() as session:
            is_new = await store.record_event(session, row)
        increment = increment_for(facts)
        if is_new and increment is not None:
            business.apply(increment)

    return handle
