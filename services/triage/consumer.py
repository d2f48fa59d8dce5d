"""Triage's event handler: classify each received ticket once, emit its decision."""

from services.triage import store
from services.triage.domain import GroupSignal, classify
from services.triage.flows import RulesManager, ticket_row, triage_received
from services.triage.instruments import TriageMetrics
from services.triage.rules import SAFETY_CATEGORIES, RuleSet
from shared.bus import Message
from shared.consume import EventHandler
from shared.events import TicketReceivedV1, VigilEvent, utcnow
from shared.service import ServiceState
from shared.topics import TICKETS_TRIAGED


def make_handler(state: ServiceState) -> EventHandler:
    db = state.db
    assert db is not None
    triaged_topic = state.settings.topic(TICKETS_TRIAGED)
    rules: RulesManager = state.extras["triage_rules"]
    metrics: TriageMetrics = state.extras["triage_metrics"]

    async def handle(event: VigilEvent, message: Message) -> None:
        if not isinstance(event, TicketReceivedV1):
            return
        async with db.session() as session:
            ticket = await store.get_ticket(session, event.subject)
            if ticket is None:
                ticket = await triage_received(session, event, ruleset=rules.active.ruleset)
                if ticket.category in SAFETY_CATEGORIES:
                    metrics.safety_detections.labels(ticket.category).inc()
        # Also on a duplicate: the first attempt may have crashed between commit and send.
        await state.bus.send(
            triaged_topic, key=ticket.ticket_id, value=ticket.triaged_event.encode()
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
