"""Escalation app factory: consumes tickets.triaged, owns escalations and their events."""

import asyncio
import logging
from pathlib import Path
from typing import cast

from fastapi import FastAPI

from services.escalation import api, consumer, flows, store
from services.escalation.settings import EscalationSettings
from shared.auth import ApiKeyRegistry
from shared.bus import Bus
from shared.service import ConsumerSpec, ServiceState, build_state, create_service_app
from shared.topics import TICKETS_TRIAGED

logger = logging.getLogger(__name__)


async def run_outbox_relay(state: ServiceState) -> None:
    settings = cast(EscalationSettings, state.settings)
    while True:
        try:
            await flows.relay_unpublished(state)
        except Exception:
            logger.exception("outbox relay pass failed")
        await asyncio.sleep(settings.outbox_relay_interval_seconds)


def validate_config(config_dir: Path) -> None:
    """Load every configuration file this service reads; raises ConfigError naming the
    file and field. Used at start-up and by the config validator."""
    ApiKeyRegistry.load(config_dir)


def create_app(settings: EscalationSettings | None = None, *, bus: Bus | None = None) -> FastAPI:
    settings = settings or EscalationSettings()
    state, owns_bus = build_state(service="escalation", settings=settings, bus=bus)
    return create_service_app(
        state=state,
        routers=[api.router],
        tables=store.TABLES,
        owns_bus=owns_bus,
        consumer=ConsumerSpec(topics=[TICKETS_TRIAGED], make_handler=consumer.make_handler),
        background=[run_outbox_relay],
    )
