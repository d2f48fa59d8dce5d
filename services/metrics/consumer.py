"""Metrics' event handler: record each distinct event of a batch once, then send any
pending trend."""

from collections.abc import Sequence
from typing import cast

from services.metrics import flows
from shared.consume import BatchHandler, Delivery
from shared.service import ServiceState


def make_batch_handler(state: ServiceState) -> BatchHandler:
    context = cast(flows.MetricsContext, state.extras["metrics_context"])

    async def handle(deliveries: Sequence[Delivery]) -> None:
        recorded = await flows.record_batch(context, [event for event, _ in deliveries])
        # Also on a duplicate: a crash may have come between the commit and the send.
        if recorded.trends or recorded.duplicates:
            await flows.publish_pending_trends(context)

    return handle
