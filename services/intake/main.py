"""Intake app factory. Intake owns nothing durable: Kafka is its durability point."""

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from fastapi import FastAPI
from prometheus_client import Counter

from services.intake import api
from services.intake.domain import RateLimiter, load_channels
from services.intake.settings import IntakeSettings
from shared.auth import ApiKeyRegistry
from shared.bus import Bus
from shared.config import DEFAULT_CONFIG_DIR
from shared.events import utcnow
from shared.service import build_state, create_service_app


def validate_config(config_dir: Path) -> None:
    """Load every configuration file this service reads; raises ConfigError naming the
    file and field. Used at start-up and by the config validator."""
    ApiKeyRegistry.load(config_dir)
    load_channels(config_dir)


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
    state.extras["webhooks_counter"] = Counter(
        "vigil_intake_webhooks_total",
        "Webhook deliveries by configured channel and outcome (accepted, ignored, "
        "unauthenticated, too_large, unsupported_media_type, invalid, rate_limited, "
        "broker_unavailable).",
        ["channel", "outcome"],
        registry=state.metrics.registry,
    )
    return create_service_app(state=state, routers=[api.router], tables=[], owns_bus=owns_bus)
