"""Triage's event handler: classify each received ticket once, emit its decision."""

import logging
from collections.abc import Sequence

from services.triage import store
from services.triage.domain import GroupSignal, classify
from services.triage.flows import RulesManager, ticket_row, triage_batch
from services.triage.instruments import TriageMetrics
from services.triage.rules import SAFETY_CATEGORIES, RuleSet
from shared.bus import Outgoing
from shared.consume import BatchHandler, Delivery
from shared.events import TicketReceivedV1, utcnow
from shared.logging import ticket_context
from shared.service import ServiceState
from shared.topics import TICKETS_TRIAGED

logger = logging.getLogger(__name__)


def make_batch_handler(state: ServiceState) -> BatchHandler:
    db = state.db
    assert db is not None
    triaged_topic = state.settings.topic(TICKETS_TRIAGED)
    rules: RulesManager = state.extras["triage_rules"]
    metrics: TriageMetrics = state.extras["triage_metrics"]

    async def handle(deliveries: Sequence[Delivery]) -> None:
        events = [event for event, _ in deliveries if isinstance(event, TicketReceivedV1)]
        if not events:
            return
        async with db.session() as session:
            tickets, decided = await triage_batch(session, events, ruleset=rules.active.ruleset)
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
        # Already-decided tickets too: the first attempt may have crashed before sending.
        await state.bus.send_many(
            [
                Outgoing(triaged_topic, key=ticket.ticket_id, value=ticket.triaged_event.encode())
                for ticket in tickets
            ]
        )

    return handle


def triage_event(
    event: TicketReceivedV1, *, ruleset: RuleSet | None = None, group: GroupSignal | None = None
) -> store.TriagedTicket:
    """Classify a received ticket into the row to store, with the event to emit."""
    decision = classify(
        event.data.report,
        ruleset=ruleset,
        channel=event.data.channel,
        received_at=event.data.received_at,
        group=group,
    )
    return ticket_row(event, decision, triaged_at=utcnow(), group_count=group.count if group else 0)
