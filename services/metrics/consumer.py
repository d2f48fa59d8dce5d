"""Metrics' event handler: record each distinct event once, then send any pending trend."""

from typing import cast

from services.metrics import flows
from shared.bus import Message
from shared.consume import EventHandler
from shared.events import VigilEvent
from shared.service import ServiceState


def make_handler(state: ServiceState) -> EventHandler:
    context = cast(flows.MetricsContext, state.extras["metrics_context"])

    async def handle(event: VigilEvent, message: Message) -> None:
        recorded = await flows.record(context, event)
        # Also on a duplicate: a crash may have come between the commit and the send.
        if recorded.trend is not None or not recorded.is_new:
            await flows.publish_pending_trends(context)

    return handle
