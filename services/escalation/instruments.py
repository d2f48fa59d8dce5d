"""Escalation's own metrics: SLA and open-escalation collectors, timer and notification
gauges computed from the database when /metrics is scraped, notification outcomes."""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta

from prometheus_client import CollectorRegistry, Counter, Gauge
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Receive, Scope, Send

from services.escalation import store
from shared.db import Database

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

    def __init__(self, registry: CollectorRegistry) -> None:
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


async def refresh_gauges(
    db: Database, instruments: EscalationInstruments, *, now: datetime, grace: timedelta
) -> None:
    """Recompute every database-derived gauge of this service. Overdue = due for longer
    than ``grace`` (one scheduler pass): a timer that came due since the last pass is on
    time, not overdue."""
    async with db.session() as session:
        instruments.timers_overdue.set(await store.due_timers(session, now=now - grace))
        instruments.timers_pending.set(await store.pending_timers(session))
        instruments.notifications_pending.set(await store.pending_notifications(session))
        instruments.sla.latest = await store.sla_deadlines_now(session, now=now)
        instruments.open.latest = await store.open_counts(session)


class RefreshOnScrape:
    """Pure ASGI middleware: before ``GET /metrics`` is answered, recompute the gauges from
    the database (scrape time). If the database does not answer in time, the last values
    are served and the failure is logged; /readyz reports the database as down."""

    def __init__(self, app: ASGIApp, *, refresh: Callable[[], Awaitable[None]]) -> None:
        self._app = app
        self._refresh = refresh

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == "/metrics":
            try:
                await asyncio.wait_for(self._refresh(), timeout=SCRAPE_REFRESH_TIMEOUT_SECONDS)
            except Exception as error:
                logger.warning("gauges not refreshed for this scrape", extra={"error": repr(error)})
        await self._app(scope, receive, send)
