"""Intake app factory. Intake owns nothing durable: Kafka is its durability point."""

import gc
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from fastapi import FastAPI

from services.intake import api, pagerduty_api
from services.intake.channels import load_channels
from services.intake.instruments import webhook_counter
from services.intake.openapi import document_channels
from services.intake.ratelimit import RateLimiter
from services.intake.settings import IntakeSettings
from services.intake.state import IntakeState
from shared.auth import ApiKeyRegistry
from shared.bus import Bus
from shared.config import DEFAULT_CONFIG_DIR
from shared.events import utcnow
from shared.service import build_state, common_fields, create_service_app


def validate_config(config_dir: Path) -> None:
    """Load every configuration file this service reads; raises ConfigError naming the
    file and field. Used at start-up and by the config validator."""
    ApiKeyRegistry.load(config_dir)
    load_channels(config_dir)


def raise_gc_threshold(generation0: int) -> None:
    """Collect generation 0 after ``generation0`` net allocations, if that is fewer
    collections than now; generations 1 and 2 keep their ratios."""
    current, generation1, generation2 = gc.get_threshold()
    if generation0 > current:
        gc.set_threshold(generation0, generation1, generation2)


async def _tune_gc(state: IntakeState) -> None:
    raise_gc_threshold(state.settings.gc_gen0_threshold)


def create_app(
    settings: IntakeSettings | None = None,
    *,
    bus: Bus | None = None,
    clock: Callable[[], datetime] = utcnow,
    monotonic: Callable[[], float] = time.monotonic,
) -> FastAPI:
    """``clock`` checks signature timestamps, ``monotonic`` drives the rate limits; tests
    inject both."""
    settings = settings or IntakeSettings()
    base, owns_bus = build_state(service="intake", settings=settings, bus=bus, uses_database=False)
    channels = load_channels(settings.config_dir or DEFAULT_CONFIG_DIR)
    state = IntakeState(
        **common_fields(base),
        channels=channels,
        rate_limiter=RateLimiter(channels),
        webhooks=webhook_counter(base.metrics.registry),
        clock=clock,
        monotonic=monotonic,
    )
    return create_service_app(
        state=state,
        # The generic webhook route first (the hot path); no path matches both routers.
        routers=[api.router, pagerduty_api.router],
        tables=[],
        owns_bus=owns_bus,
        on_startup=[_tune_gc],
        # Webhooks authenticate by a signature over the body, capped per channel.
        guard_requests=False,
        customize_openapi=document_channels(channels),
    )
