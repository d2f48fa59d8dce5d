"""Escalation app factory: consumes tickets.triaged (and tickets.received for source
updates, trends for trend policies), owns escalations, their events, timers,
notifications and audit log."""

import asyncio
import logging
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import cast

from fastapi import FastAPI
from prometheus_client import Counter, Gauge
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Receive, Scope, Send

from services.escalation import api, consumer, delivery, outbox, store, timers
from services.escalation.config import EscalationConfig, load_config
from services.escalation.domain import Clock
from services.escalation.notifiers import Sender
from services.escalation.settings import EscalationSettings
from shared.auth import ApiKeyRegistry
from shared.bus import Bus
from shared.config import DEFAULT_CONFIG_DIR
from shared.events import utcnow
from shared.jobs import run_every
from shared.service import ConsumerSpec, ServiceState, build_state, create_service_app
from shared.topics import TICKETS_RECEIVED, TICKETS_TRIAGED, TRENDS

logger = logging.getLogger(__name__)


SlaCounts = list[tuple[str, str, str, int]]  # (priority, sla, "at_risk" | "breached", count)


class _SlaCollector(Collector):
    """SLA deadlines at risk / breached now, from the values the last scrape computed."""

    def __init__(self) -> None:
        self.latest: SlaCounts = []

    def collect(self) -> Iterable[Metric]:
        families = {
            "at_risk": GaugeMetricFamily(
                "vigil_escalation_sla_at_risk",
                "SLA deadlines of unresolved escalations that are at risk now (past the "
                "policy's at-risk lead, not yet due), by priority and deadline.",
                labels=["priority", "sla"],
            ),
            "breached": GaugeMetricFamily(
                "vigil_escalation_sla_breached",
                "SLA deadlines of unresolved escalations that are past due now, by priority "
                "and deadline.",
                labels=["priority", "sla"],
            ),
        }
        for priority, sla, state, count in sorted(self.latest):
            families[state].add_metric([priority, sla], count)
        yield from families.values()


class _OpenCollector(Collector):
    """Unresolved escalations now, from the values the last scrape computed."""

    def __init__(self) -> None:
        self.latest: list[tuple[str, str, str, int]] = []

    def collect(self) -> Iterable[Metric]:
        family = GaugeMetricFamily(
            "vigil_escalation_open",
            "Unresolved escalations now, by priority, queue and status (open, acknowledged).",
            labels=["priority", "queue", "status"],
        )
        for priority, queue, status, count in sorted(self.latest):
            family.add_metric([priority, queue, status], count)
        yield family


class EscalationInstruments:
    """Escalation's own gauges and counters, on the service's registry (its /metrics).

    The gauges are computed from the database when /metrics is requested (see
    :class:`RefreshOnScrape`), so they are right on every replica and after a restart."""

    def __init__(self, state: ServiceState) -> None:
        registry = state.metrics.registry
        self.sla = _SlaCollector()
        registry.register(self.sla)
        self.open = _OpenCollector()
        registry.register(self.open)
        self.timers_overdue = Gauge(
            "vigil_escalation_timers_overdue",
            "Timers due for longer than one scheduler pass but not fired (should be zero).",
            registry=registry,
        )
        self.timers_pending = Gauge(
            "vigil_escalation_timers_pending", "Timers not fired yet.", registry=registry
        )
        self.notifications_pending = Gauge(
            "vigil_escalation_notifications_pending",
            "Notifications not yet delivered or failed.",
            registry=registry,
        )
        self.notifications = Counter(
            "vigil_escalation_notifications_total",
            "Notifications that reached their final state.",
            ["channel", "outcome"],
            registry=registry,
        )


SCRAPE_REFRESH_TIMEOUT_SECONDS = 3.0


async def refresh_gauges(state: ServiceState) -> None:
    """Recompute every database-derived gauge of this service."""
    assert state.db is not None
    instruments: EscalationInstruments = state.extras["instruments"]
    now = clock_of(state)()
    # Overdue = due for longer than one scheduler pass: a timer that came due since the
    # last pass is on time, not overdue.
    grace = timedelta(seconds=cast(EscalationSettings, state.settings).timer_interval_seconds)
    async with state.db.session() as session:
        instruments.timers_overdue.set(await store.due_timers(session, now=now - grace))
        instruments.timers_pending.set(await store.pending_timers(session))
        instruments.notifications_pending.set(await store.pending_notifications(session))
        instruments.sla.latest = await store.sla_deadlines_now(session, now=now)
        instruments.open.latest = await store.open_counts(session)


class RefreshOnScrape:
    """Pure ASGI middleware: before ``GET /metrics`` is answered, recompute the gauges from
    the database (scrape time). If the database does not answer in time, the last values
    are served and the failure is logged; /readyz reports the database as down."""

    def __init__(self, app: ASGIApp, *, state: ServiceState) -> None:
        self._app = app
        self._state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == "/metrics":
            try:
                await asyncio.wait_for(
                    refresh_gauges(self._state), timeout=SCRAPE_REFRESH_TIMEOUT_SECONDS
                )
            except Exception as error:
                logger.warning("gauges not refreshed for this scrape", extra={"error": repr(error)})
        await self._app(scope, receive, send)


def config_of(state: ServiceState) -> EscalationConfig:
    return cast(EscalationConfig, state.extras["config"])


def clock_of(state: ServiceState) -> Clock:
    return cast(Clock, state.extras.get("clock", utcnow))


async def run_outbox_relay(state: ServiceState) -> None:
    settings = cast(EscalationSettings, state.settings)
    await run_every(
        "outbox",
        interval_seconds=settings.outbox_relay_interval_seconds,
        one_pass=lambda: outbox.relay_unpublished(state),
    )


async def run_timer_scheduler(state: ServiceState) -> None:
    """Fires due timers (ack timeouts, reminders, SLA clocks); safe with many replicas."""
    settings = cast(EscalationSettings, state.settings)
    assert state.db is not None
    db = state.db

    async def one_pass() -> None:
        now = clock_of(state)()
        for escalation_id in set(await timers.fire_due_timers(db, config_of(state), now=now)):
            await outbox.publish_pending(state, escalation_id)

    await run_every("timers", interval_seconds=settings.timer_interval_seconds, one_pass=one_pass)


async def run_notification_worker(state: ServiceState) -> None:
    settings = cast(EscalationSettings, state.settings)
    assert state.db is not None
    db = state.db
    sender: Sender = state.extras["sender"]
    instruments: EscalationInstruments = state.extras["instruments"]

    def count(channel: str, outcome: str) -> None:
        instruments.notifications.labels(channel, outcome).inc()

    async def one_pass() -> None:
        touched = await delivery.deliver_due(
            db, config_of(state), sender, clock=clock_of(state), on_final=count
        )
        for escalation_id in set(touched):
            await outbox.publish_pending(state, escalation_id)

    try:
        await run_every(
            "notifications",
            interval_seconds=settings.notification_interval_seconds,
            one_pass=one_pass,
        )
    finally:
        await sender.close()


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
    state, owns_bus = build_state(service="escalation", settings=settings, bus=bus)
    config = load_config(settings.config_dir or DEFAULT_CONFIG_DIR)
    state.extras["config"] = config
    state.extras["clock"] = clock or utcnow
    state.extras["sender"] = Sender(config)
    state.extras["instruments"] = EscalationInstruments(state)
    app = create_service_app(
        state=state,
        routers=[api.router, api.oncall_router, api.audit_router],
        tables=store.TABLES,
        owns_bus=owns_bus,
        consumer=ConsumerSpec(
            topics=[TICKETS_TRIAGED, TICKETS_RECEIVED, TRENDS],
            make_batch_handler=consumer.make_batch_handler,
        ),
        background=[run_outbox_relay, run_timer_scheduler, run_notification_worker],
        customize_openapi=api.document_configuration(config),
    )
    app.add_middleware(RefreshOnScrape, state=state)
    return app
