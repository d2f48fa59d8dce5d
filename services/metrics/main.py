"""Metrics app factory: consumes every topic, serves business metrics and timelines."""

from pathlib import Path
from typing import cast

from fastapi import FastAPI

from services.metrics import api, consumer, store
from services.metrics.domain import increment_for
from services.metrics.instruments import BusinessMetrics
from services.metrics.settings import MetricsSettings
from shared.auth import ApiKeyRegistry
from shared.bus import Bus
from shared.service import ConsumerSpec, ServiceState, build_state, create_service_app
from shared.topics import ALL_TOPICS


async def restore_counters(state: ServiceState) -> None:
    """Counters continue from the recorded events, so a restart does not zero them."""
    assert state.db is not None
    business = cast(BusinessMetrics, state.extras["business_metrics"])
    async with state.db.session() as session:
        for facts, count in await store.counts_by_facts(session):
            increment = increment_for(facts)
            if increment is not None:
                business.apply(increment, amount=count)


def validate_config(config_dir: Path) -> None:
    """Load every configuration file this service reads; raises ConfigError naming the
    file and field. Used at start-up and by the config validator."""
    ApiKeyRegistry.load(config_dir)


def create_app(settings: MetricsSettings | None = None, *, bus: Bus | None = None) -> FastAPI:
    settings = settings or MetricsSettings()
    state, owns_bus = build_state(service="metrics", settings=settings, bus=bus)
    state.extras["business_metrics"] = BusinessMetrics(state.metrics.registry)
    return create_service_app(
        state=state,
        routers=[api.router],
        tables=store.TABLES,
        owns_bus=owns_bus,
        consumer=ConsumerSpec(topics=ALL_TOPICS, make_handler=consumer.make_handler),
        on_startup=[restore_counters],
    )
