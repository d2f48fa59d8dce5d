"""Triage app factory: consumes tickets.received, stores decisions, emits tickets.triaged."""

import logging
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI

from services.triage import api, consumer, store
from services.triage.classifier import shipped_model
from services.triage.detectors import compile_lexicons
from services.triage.instruments import TriageMetrics
from services.triage.overrides import publish_pending_overrides
from services.triage.rules import load_rules_file, rules_path
from services.triage.rules_manager import RulesManager
from services.triage.settings import TriageSettings
from shared.auth import ApiKeyRegistry
from shared.bus import Bus
from shared.events import utcnow
from shared.jobs import run_every
from shared.service import ConsumerSpec, ServiceState, build_state, create_service_app
from shared.topics import TICKETS_RECEIVED, TICKETS_TRIAGED

logger = logging.getLogger(__name__)


def validate_config(config_dir: Path) -> None:
    """Load every configuration file this service reads; raises ConfigError naming the
    file and field. Used at start-up and by the config validator."""
    ApiKeyRegistry.load(config_dir)
    load_rules_file(rules_path(config_dir))


def create_app(settings: TriageSettings | None = None, *, bus: Bus | None = None) -> FastAPI:
    settings = settings or TriageSettings()
    state, owns_bus = build_state(service="triage", settings=settings, bus=bus)
    assert state.db is not None
    metrics = TriageMetrics(state.metrics.registry)
    state.extras["triage_metrics"] = metrics
    state.extras["triage_rules"] = RulesManager(
        db=state.db, config_dir=settings.config_dir, metrics=metrics
    )
    return create_service_app(
        state=state,
        routers=[api.router],
        tables=store.TABLES,
        owns_bus=owns_bus,
        consumer=ConsumerSpec(
            topics=[TICKETS_RECEIVED], make_batch_handler=consumer.make_batch_handler
        ),
        on_startup=[_load_rules],
        background=[_watch_rules, _relay_overrides],
    )


async def _load_rules(state: ServiceState) -> None:
    compile_lexicons()
    shipped_model()
    manager: RulesManager = state.extras["triage_rules"]
    await manager.sync()
    if not manager.loaded:
        # Neither the database nor the file had valid rules: fail start-up naming the file,
        # the rule and the field.
        load_rules_file(rules_path(state.settings.config_dir))
        raise RuntimeError("no rules could be activated")


async def _watch_rules(state: ServiceState) -> None:
    manager: RulesManager = state.extras["triage_rules"]
    settings = state.settings
    interval = settings.rules_poll_seconds if isinstance(settings, TriageSettings) else 2.0
    await run_every("rules-sync", interval_seconds=interval, one_pass=manager.sync)


async def _relay_overrides(state: ServiceState) -> None:
    assert state.db is not None
    settings = state.settings
    interval = settings.override_relay_seconds if isinstance(settings, TriageSettings) else 1.0
    topic = settings.topic(TICKETS_TRIAGED)
    grace = timedelta(seconds=max(5.0, 5 * interval))
    db = state.db

    async def one_pass() -> None:
        await publish_pending_overrides(db, bus=state.bus, topic=topic, grace=grace, now=utcnow())

    await run_every("override-relay", interval_seconds=interval, one_pass=one_pass)
