"""Intake app factory. Intake owns nothing durable: Kafka is its durability point."""

import gc
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import cast

from fastapi import FastAPI
from prometheus_client import Counter

from services.intake import api
from services.intake.channels import load_channels
from services.intake.domain import RateLimiter
from services.intake.openapi import document_channels
from services.intake.settings import IntakeSettings
from shared.auth import ApiKeyRegistry
from shared.bus import Bus
from shared.config import DEFAULT_CONFIG_DIR
from shared.events import utcnow
from shared.service import ServiceState, build_state, create_service_app


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


async def _tune_gc(state: ServiceState) -> None:
    raise_gc_threshold(cast(IntakeSettings, state.settings).gc_gen0_threshold)


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
    state, owns_bus = build_state(service="intake", settings=settings, bus=bus, uses_database=False)
    channels = load_channels(settings.config_dir or DEFAULT_CONFIG_DIR)
    state.extras["channels"] = channels
    state.extras["rate_limiter"] = RateLimiter(channels)
    state.extras["clock"] = clock
    state.extras["monotonic"] = monotonic
    state.extras["webhooks_counter"] = api.WebhookCounter(
        Counter(
            "vigil_intake_webhooks_total",
            "Webhook deliveries by configured channel and outcome (accepted, ignored, "
            "unauthenticated, too_large, unsupported_media_type, invalid, rate_limited, "
            "broker_unavailable).",
            ["channel", "outcome"],
            registry=state.metrics.registry,
        )
    )
    return create_service_app(
        state=state,
        routers=[api.router],
        tables=[],
        owns_bus=owns_bus,
        on_startup=[_tune_gc],
        # Webhooks authenticate by a signature over the body, capped per channel.
        guard_requests=False,
        customize_openapi=document_channels(channels),
    )
