"""Metrics' event handler: record each distinct event of a batch once, then send any
pending trend."""

from collections.abc import Sequence

from services.metrics import flows
from services.metrics.state import MetricsState
from shared.consume import BatchHandler, Delivery


def make_batch_handler(state: MetricsState) -> BatchHandler:
    context = state.context

    async def handle(deliveries: Sequence[Delivery]) -> None:
        recorded = await flows.record_batch(context, [event for event, _ in deliveries])
        # Also on a duplicate: a crash may have come between the commit and the send.
        if recorded.trends or recorded.duplicates:
            await flows.publish_pending_trends(context)

    return handle
