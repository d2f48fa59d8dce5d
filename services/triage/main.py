"""Triage app factory: consumes tickets.received, stores decisions, emits tickets.triaged."""

from pathlib import Path

from fastapi import FastAPI

from services.triage import api, consumer, store
from services.triage.settings import TriageSettings
from shared.auth import ApiKeyRegistry
from shared.bus import Bus
from shared.service import ConsumerSpec, build_state, create_service_app
from shared.topics import TICKETS_RECEIVED


def validate_config(config_dir: Path) -> None:
    """Load every configuration file this service reads; raises ConfigError naming the
    file and field. Used at start-up and by the config validator."""
    ApiKeyRegistry.load(config_dir)


def create_app(settings: TriageSettings | None = None, *, bus: Bus | None = None) -> FastAPI:
    settings = settings or TriageSettings()
    state, owns_bus = build_state(service="triage", settings=settings, bus=bus)
    return create_service_app(
        state=state,
        routers=[api.router],
        tables=store.TABLES,
        owns_bus=owns_bus,
        consumer=ConsumerSpec(topics=[TICKETS_RECEIVED], make_handler=consumer.make_handler),
    )
