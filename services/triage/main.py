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
from services.triage.state import TriageState
from shared.auth import ApiKeyRegistry
from shared.bus import Bus
from shared.events import utcnow
from shared.jobs import run_every
from shared.service import ConsumerSpec, build_state, common_fields, create_service_app
from shared.topics import TICKETS_RECEIVED, TICKETS_TRIAGED

logger = logging.getLogger(__name__)


def validate_config(config_dir: Path) -> None:
    """Load every configuration file this service reads; raises ConfigError naming the
    file and field. Used at start-up and by the config validator."""
    ApiKeyRegistry.load(config_dir)
    load_rules_file(rules_path(config_dir))


def create_app(settings: TriageSettings | None = None, *, bus: Bus | None = None) -> FastAPI:
    settings = settings or TriageSettings()
    base, owns_bus = build_state(service="triage", settings=settings, bus=bus)
    assert base.db is not None
    instruments = TriageMetrics(base.metrics.registry)
    state = TriageState(
        **common_fields(base),
        rules=RulesManager(db=base.db, config_dir=settings.config_dir, metrics=instruments),
        model=shipped_model(),
        instruments=instruments,
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


async def _load_rules(state: TriageState) -> None:
    compile_lexicons()
    await state.rules.sync()
    if not state.rules.loaded:
        # Neither the database nor the file had valid rules: fail start-up naming the file,
        # the rule and the field.
        load_rules_file(rules_path(state.settings.config_dir))
        raise RuntimeError("no rules could be activated")


async def _watch_rules(state: TriageState) -> None:
    await run_every(
        "rules-sync",
        interval_seconds=state.settings.rules_poll_seconds,
        one_pass=state.rules.sync,
    )


async def _relay_overrides(state: TriageState) -> None:
    interval = state.settings.override_relay_seconds
    topic = state.settings.topic(TICKETS_TRIAGED)
    grace = timedelta(seconds=max(5.0, 5 * interval))

    async def one_pass() -> None:
        await publish_pending_overrides(
            state.db, bus=state.bus, topic=topic, grace=grace, now=utcnow()
        )

    await run_every("override-relay", interval_seconds=interval, one_pass=one_pass)
