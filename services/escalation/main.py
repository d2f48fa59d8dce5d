"""Escalation app factory and wiring: consumes tickets.triaged (and tickets.received for
source updates, trends for trend policies), owns escalations, their events, timers,
notifications and audit log."""

from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI

from services.escalation import api, consumer, jobs, store
from services.escalation.config import load_config
from services.escalation.domain import Clock
from services.escalation.instruments import EscalationInstruments, RefreshOnScrape, refresh_gauges
from services.escalation.notifiers import Sender
from services.escalation.openapi import document_configuration
from services.escalation.settings import EscalationSettings
from services.escalation.state import EscalationState
from shared.auth import ApiKeyRegistry
from shared.bus import Bus
from shared.config import DEFAULT_CONFIG_DIR
from shared.events import utcnow
from shared.service import ConsumerSpec, build_state, common_fields, create_service_app
from shared.topics import TICKETS_RECEIVED, TICKETS_TRIAGED, TRENDS


def validate_config(config_dir: Path) -> None:
    """Load every configuration file this service reads; raises ConfigError naming the
    file and field. Used at start-up and by the config validator."""
    ApiKeyRegistry.load(config_dir)
    load_config(config_dir)


def create_app(
    settings: EscalationSettings | None = None,
    *,
    bus: Bus | None = None,
    clock: Clock | None = None,
) -> FastAPI:
    settings = settings or EscalationSettings()
    base, owns_bus = build_state(service="escalation", settings=settings, bus=bus)
    assert base.db is not None
    config = load_config(settings.config_dir or DEFAULT_CONFIG_DIR)
    state = EscalationState(
        **common_fields(base),
        config=config,
        clock=clock or utcnow,
        sender=Sender(config),
        instruments=EscalationInstruments(base.metrics.registry),
    )
    app = create_service_app(
        state=state,
        routers=[api.router, api.oncall_router, api.audit_router],
        tables=store.TABLES,
        owns_bus=owns_bus,
        consumer=ConsumerSpec(
            topics=[TICKETS_TRIAGED, TICKETS_RECEIVED, TRENDS],
            make_batch_handler=consumer.make_batch_handler,
        ),
        background=[jobs.run_outbox_relay, jobs.run_timer_scheduler, jobs.run_notification_worker],
        customize_openapi=document_configuration(config),
    )
    grace = timedelta(seconds=settings.timer_interval_seconds)

    async def refresh() -> None:
        await refresh_gauges(state.db, state.instruments, now=state.clock(), grace=grace)

    app.add_middleware(RefreshOnScrape, refresh=refresh)
    return app
