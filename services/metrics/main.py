"""Metrics app factory: consumes every topic, serves business metrics, timelines and trends."""

import logging
from pathlib import Path

from fastapi import FastAPI

from services.metrics import api, consumer, flows, store
from services.metrics.domain import escalation_gauges
from services.metrics.instruments import BusinessMetrics
from services.metrics.settings import MetricsSettings
from services.metrics.state import MetricsState
from shared.auth import ApiKeyRegistry
from shared.bus import Bus
from shared.events import utcnow
from shared.jobs import run_every
from shared.service import (
    BackgroundJob,
    ConsumerSpec,
    build_state,
    common_fields,
    create_service_app,
)
from shared.topics import ALL_TOPICS, TRENDS, dlq

logger = logging.getLogger(__name__)


async def restore_counters(state: MetricsState) -> None:
    """Counters and histograms continue from the recorded events, so a restart does not zero
    them; gauges are computed once before the first scrape; unsent trends are sent."""
    context = state.context
    await flows.restore(context)
    await flows.restore_dead_letters(context)
    await refresh_gauges(context)
    await flows.publish_pending_trends(context)


async def refresh_gauges(context: flows.MetricsContext) -> None:
    async with context.db.session() as session:
        unresolved = await store.unresolved_escalations(session)
    context.business.set_gauges(escalation_gauges(unresolved, now=context.clock()))


def gauge_refresher(interval_seconds: float) -> BackgroundJob[MetricsState]:
    async def run(state: MetricsState) -> None:
        context = state.context
        await run_every(
            "gauges", interval_seconds=interval_seconds, one_pass=lambda: refresh_gauges(context)
        )

    return run


def trend_relay(interval_seconds: float) -> BackgroundJob[MetricsState]:
    """Trends the broker refused after their batch was recorded go out from here."""

    async def run(state: MetricsState) -> None:
        context = state.context
        await run_every(
            "trend-relay",
            interval_seconds=interval_seconds,
            one_pass=lambda: flows.publish_pending_trends(context),
        )

    return run


async def watch_dead_letters(state: MetricsState) -> None:
    settings = state.settings
    consumer = state.bus.consumer(
        topics=[settings.topic(dlq(topic)) for topic in ALL_TOPICS],
        group_id=f"{settings.group('metrics')}-dlq",
    )
    await flows.watch_dead_letters(state.context, consumer=consumer, prefix=settings.topic_prefix)


def validate_config(config_dir: Path) -> None:
    """Load every configuration file this service reads; raises ConfigError naming the
    file and field. Used at start-up and by the config validator."""
    ApiKeyRegistry.load(config_dir)


def create_app(
    settings: MetricsSettings | None = None,
    *,
    bus: Bus | None = None,
    clock: flows.Clock = utcnow,
) -> FastAPI:
    settings = settings or MetricsSettings()
    base, owns_bus = build_state(service="metrics", settings=settings, bus=bus)
    assert base.db is not None
    context = flows.MetricsContext(
        db=base.db,
        bus=base.bus,
        business=BusinessMetrics(base.metrics.registry),
        policy=settings.trend_policy(),
        trends_topic=settings.topic(TRENDS),
        clock=clock,
    )
    state = MetricsState(**common_fields(base), context=context)
    return create_service_app(
        state=state,
        routers=[api.router],
        tables=store.TABLES,
        owns_bus=owns_bus,
        consumer=ConsumerSpec(topics=ALL_TOPICS, make_batch_handler=consumer.make_batch_handler),
        on_startup=[restore_counters],
        background=[
            gauge_refresher(settings.gauge_refresh_seconds),
            trend_relay(settings.trend_relay_seconds),
            watch_dead_letters,
        ],
    )
