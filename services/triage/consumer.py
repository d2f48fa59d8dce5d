"""Triage's event handler: classify each received ticket once, emit its decision; when the
batch makes a group surge, re-emit the group's earlier decisions raised."""

import logging
from collections.abc import Sequence

from services.triage.decisions import triage_batch
from services.triage.rules import SAFETY_CATEGORIES
from services.triage.state import TriageState
from services.triage.surge import (
    mark_surge_raises_published,
    original_decisions,
    raise_surging_groups,
)
from shared.bus import Outgoing
from shared.consume import BatchHandler, Delivery
from shared.events import TicketReceivedV1, utcnow
from shared.logging import ticket_context
from shared.topics import TICKETS_TRIAGED

logger = logging.getLogger(__name__)


def make_batch_handler(state: TriageState) -> BatchHandler:
    db = state.db
    triaged_topic = state.settings.topic(TICKETS_TRIAGED)
    rules, metrics = state.rules, state.instruments

    async def handle(deliveries: Sequence[Delivery]) -> None:
        events = [event for event, _ in deliveries if isinstance(event, TicketReceivedV1)]
        if not events:
            return
        ruleset = rules.active.ruleset
        async with db.session() as session:
            tickets, decided = await triage_batch(
                session, events, ruleset=ruleset, model=state.model
            )
            raised = await raise_surging_groups(session, tickets, ruleset=ruleset, now=utcnow())
            originals = await original_decisions(session, tickets, decided=decided)
        traceparents = {event.subject: event.traceparent for event in events}
        for ticket in decided:
            if ticket.category in SAFETY_CATEGORIES:
                metrics.safety_detections.labels(ticket.category).inc()
            with ticket_context(
                ticket_id=ticket.ticket_id, traceparent=traceparents[ticket.ticket_id]
            ):
                logger.info(
                    "ticket triaged",
                    extra={
                        "category": ticket.category,
                        "priority": ticket.priority,
                        "queue": ticket.queue,
                        "rules_version": ticket.rules_version,
                    },
                )
        # Already-decided tickets too: the first attempt may have crashed before sending,
        # and a surge may have raised the ticket since (then its first decision goes first;
        # consumers drop an event id they have seen).
        await state.bus.send_many(
            [
                Outgoing(triaged_topic, key=ticket.ticket_id, value=event.encode())
                for ticket in tickets
                for event in (
                    *([originals[ticket.ticket_id]] if ticket.ticket_id in originals else []),
                    ticket.triaged_event,
                )
            ]
            + [
                Outgoing(triaged_topic, key=row.ticket_id, value=row.event.encode())
                for row in raised
            ]
        )
        await mark_surge_raises_published(db, raised, now=utcnow())

    return handle
