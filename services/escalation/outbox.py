"""The outbox: an escalation's events are written with its state change, then published
here in order and stamped; what the broker did not take stays for the relay."""

from collections.abc import Sequence

from services.escalation import store
from services.escalation.state import EscalationState
from shared.bus import Outgoing
from shared.outbox import publish_rows, stamp_published_at
from shared.topics import ESCALATIONS


async def publish_pending(state: EscalationState, escalation_id: str) -> None:
    await publish_pending_of(state, [escalation_id])


async def publish_pending_of(state: EscalationState, escalation_ids: Sequence[str]) -> None:
    """Send these escalations' unsent events in order, in one round of produces; leave them
    for the relay if the broker is down."""
    if not escalation_ids:
        return
    topic = state.settings.topic(ESCALATIONS)

    def message_of(row: store.EscalationEventRow) -> Outgoing:
        return Outgoing(topic, key=row.ticket_id, value=row.payload.encode())

    # Leaving the session ends a refused round's transaction and releases its row locks.
    async with state.db.session() as session:
        rows = await store.lock_unpublished_of(session, escalation_ids)
        await publish_rows(
            session, rows, bus=state.bus, message_of=message_of, stamp=stamp_published_at
        )


async def relay_unpublished(state: EscalationState, *, batch: int = 100) -> int:
    async with state.db.session() as session:
        pending = await store.escalations_with_unpublished_events(session, limit=batch)
    for escalation_id in pending:
        await publish_pending(state, escalation_id)
    return len(pending)
