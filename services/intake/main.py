"""Intake app factory. Intake owns nothing durable: Kafka is its durability point."""

from pathlib import Path

from fastapi import FastAPI

from services.intake import api
from services.intake.domain import load_channels
from services.intake.settings import IntakeSettings
from shared.auth import ApiKeyRegistry
from shared.bus import Bus
from shared.config import DEFAULT_CONFIG_DIR
from shared.service import build_state, create_service_app


def validate_config(config_dir: Path) -> None:
    """Load every configuration file this service reads; raises ConfigError naming the
    file and field. Used at start-up and by the config validator."""
    ApiKeyRegistry.load(config_dir)
    load_channels(config_dir)


def create_app(settings: IntakeSettings | None = None, *, bus: Bus | None = None) -> FastAPI:
    settings = settings or IntakeSettings()
    state, owns_bus = build_state(service="intake", settings=settings, bus=bus, uses_database=False)
    state.extras["channels"] = load_channels(settings.config_dir or DEFAULT_CONFIG_DIR)
    return create_service_app(state=state, routers=[api.router], tables=[], owns_bus=owns_bus)
