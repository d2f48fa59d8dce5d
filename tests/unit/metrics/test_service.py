"""The metrics service over its HTTP API and the in-process bus, with an injected clock."""

import asyncio
import contextlib
import sqlite3
import zlib
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from services.metrics.main import create_app
from services.metrics.settings import MetricsSettings
from shared.bus import InProcessBus
from shared.events import Priority, TrendDetectedV1, VigilEvent, decode_event
from shared.topics import ESCALATIONS, TICKETS_RECEIVED, TICKETS_TRIAGED, TRENDS, dlq
from tests.support.helpers import VIEWER_KEY, bearer, sample_value
from tests.support.metrics_events import T0, TRACEPARENT, escalation, received, triaged
from tests.support.polling import wait_until

VIEWER = bearer(VIEWER_KEY)
OVERRIDE = {
    "by": "lead-1",
    "reason": "a quote from a film",
    "at": T0 + timedelta(seconds=350),
    "previous": {
        "category": "violence",
        "severity": "critical",
        "priority": "P0",
        "queue": "safety",
    },
}
TOPIC_OF = {
    "vigil.ticket.received.v1": TICKETS_RECEIVED,
    "vigil.ticket.triaged.v1": TICKETS_TRIAGED,
}


class Metrics:
    def __init__(self, client: httpx.AsyncClient, bus: InProcessBus) -> None:
        self.client = client
        self.bus = bus

    async def send(self, *events: Any) -> None:
        for event in events:
            topic = TOPIC_OF.get(event.type, ESCALATIONS)
            await self.bus.send(topic, key=event.subject, value=event.to_bytes())

    async def value(self, name: str, labels: dict[str, str]) -> float | None:
        response = await self.client.get("/metrics")
        assert response.status_code == 200
        return sample_value(response.text, name, labels)

    async def reaches(self, name: str, labels: dict[str, str], expected: float) -> None:
        async def probe() -> float | None:
            value = await self.value(name, labels)
            return value if value == expected else None

        await wait_until(probe, what=f"{name}{labels} == {expected}")


@contextlib.asynccontextmanager
async def running(
    settings_kwargs: dict[str, Any], *, clock: Callable[[], datetime], bus: InProcessBus
) -> AsyncIterator[Metrics]:
    settings = MetricsSettings(
        **settings_kwargs,
        trend_window_seconds=60,
        trend_min_count=10,
        gauge_refresh_seconds=0.05,
    )
    app = create_app(settings, bus=bus, clock=clock)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://m") as client:
            yield Metrics(client, bus)
            app.state.vigil.consume_loop.request_stop()


@pytest.fixture
def now() -> list[datetime]:
    return [T0 + timedelta(hours=1)]


async def test_counters_histograms_and_gauges_follow_the_events(
    settings_kwargs: dict[str, Any], now: list[datetime]
) -> None:
    bus = InProcessBus()
    async with running(settings_kwargs, clock=lambda: now[0], bus=bus) as metrics:
        await metrics.send(
            received("t1"),
            triaged("t1", seconds=4),
            escalation("opened", "t1", seconds=5),
            escalation("notified", "t1", seconds=6, level=1, reason="delivered"),
            escalation("escalated", "t1", seconds=600, level=2, reason="sla_at_risk"),
            received("t2"),
            triaged("t2", seconds=1, priority=Priority.P1, category="account"),
            escalation("opened", "t2", seconds=2, priority=Priority.P1, queue="account"),
            escalation("acknowledged", "t2", seconds=90, priority=Priority.P1, queue="account"),
        )
        await metrics.reaches("vigil_escalations_acknowledged_total", {"priority": "P1"}, 1)
        await metrics.reaches("vigil_escalations_escalated_total", {"level": "2"}, 1)
        assert await metrics.value("vigil_tickets_received_total", {"channel": "web"}) == 2
        assert await metrics.value("vigil_sla_at_risk_total", {"priority": "P0"}) == 1
        assert await metrics.value("vigil_notifications_total", {"outcome": "delivered"}) == 1
        assert (
            await metrics.value(
                "vigil_ticket_time_to_triage_seconds_bucket", {"priority": "P0", "le": "5.0"}
            )
            == 1
        )
        assert (
            await metrics.value("vigil_ticket_time_to_acknowledge_seconds_sum", {"priority": "P1"})
            == 90
        )
        # Gauges: t1 open (opened 5 s after T0, now is T0 + 1 h) and at risk; t2 acknowledged.
        await metrics.reaches(
            "vigil_escalations_open",
            {"priority": "P1", "queue": "account", "status": "acknowledged"},
            1,
        )
        await metrics.reaches("vigil_sla_at_risk", {"priority": "P0"}, 1)
        assert await metrics.value(
            "vigil_escalation_oldest_unacknowledged_seconds", {"priority": "P0"}
        ) == pytest.approx(3595)

        # A redelivered event is counted once.
        duplicate = received("t1")
        await metrics.send(duplicate, duplicate)
        await metrics.reaches("vigil_tickets_received_total", {"channel": "web"}, 3)
        await metrics.send(escalation("resolved", "t1", seconds=1200))

        async def p0_closed() -> bool | None:
            value = await metrics.value("vigil_escalations_open", {"priority": "P0"})
            return True if value is None else None

        await wait_until(p0_closed, what="no open P0 escalation left")

    # Restarted on the same database: nothing goes back to zero.
    async with running(settings_kwargs, clock=lambda: now[0], bus=InProcessBus()) as metrics:
        assert await metrics.value("vigil_tickets_received_total", {"channel": "web"}) == 3
        assert await metrics.value("vigil_escalations_escalated_total", {"level": "2"}) == 1
        assert (
            await metrics.value("vigil_ticket_time_to_resolve_seconds_count", {"priority": "P0"})
            == 1
        )
        assert (
            await metrics.value(
                "vigil_escalations_open",
                {"priority": "P1", "queue": "account", "status": "acknowledged"},
            )
            == 1
        )


async def test_the_timeline_lists_every_step_with_durations(
    settings_kwargs: dict[str, Any], now: list[datetime]
) -> None:
    bus = InProcessBus()
    async with running(settings_kwargs, clock=lambda: now[0], bus=bus) as metrics:
        await metrics.send(
            received("t1"),
            triaged("t1", seconds=2),
            escalation("opened", "t1", seconds=3),
            escalation("notified", "t1", seconds=4, level=1),
            escalation("escalated", "t1", seconds=300, level=2, reason="ack_timeout"),
            triaged("t1", seconds=350, category="spam", priority=Priority.P3, override=OVERRIDE),
            escalation("acknowledged", "t1", seconds=400),
            escalation("resolved", "t1", seconds=1000),
        )
        await metrics.reaches("vigil_escalations_resolved_total", {"priority": "P0"}, 1)
        await metrics.reaches(
            "vigil_triage_overrides_total",
            {"from_category": "violence", "to_category": "spam", "to_priority": "P3"},
            1,
        )
        assert await metrics.value("vigil_tickets_triaged_total", {"category": "spam"}) is None
        response = await metrics.client.get("/v1/tickets/t1/timeline", headers=VIEWER)
        assert response.status_code == 200, response.text
        body = response.json()
        assert [step["step"] for step in body["steps"]] == [
            "received",
            "triaged",
            "escalation opened",
            "notified",
            "escalated",
            "overridden",
            "acknowledged",
            "resolved",
        ]
        assert body["steps"][4]["details"]["level"] == "2"
        assert body["steps"][5]["details"]["from_priority"] == "P0"
        assert body["steps"][4]["seconds_since_previous"] == 296
        assert body["durations"] == {
            "to_triage": 2,
            "to_escalation": 3,
            "to_acknowledge": 400,
            "to_resolve": 1000,
        }
        missing = await metrics.client.get("/v1/tickets/nope/timeline", headers=VIEWER)
        assert missing.status_code == 404
        assert missing.headers["content-type"].startswith("application/problem+json")
        unauthenticated = await metrics.client.get("/v1/tickets/t1/timeline")
        assert unauthenticated.status_code == 401


async def test_a_spike_emits_one_trend_event_with_evidence(
    settings_kwargs: dict[str, Any], now: list[datetime]
) -> None:
    bus = InProcessBus()
    async with running(settings_kwargs, clock=lambda: now[0], bus=bus) as metrics:
        # Twelve steady minutes of 2 "spam" tickets each, then 15 in minute 13.
        events = []
        for minute in range(12):
            for index in range(2):
                ticket = f"steady-{minute}-{index}"
                events.append(
                    triaged(
                        ticket,
                        received_at=T0 + timedelta(minutes=minute, seconds=index),
                        category="spam",
                        priority=Priority.P3,
                    )
                )
        await metrics.send(*events)
        # Time passes between the steady minutes and the burst: all of them are in first.
        await metrics.reaches("vigil_tickets_triaged_total", {"category": "spam"}, 24)
        events = []
        for index in range(15):
            events.append(
                triaged(
                    f"burst-{index}",
                    received_at=T0 + timedelta(minutes=12, seconds=index),
                    category="spam",
                    priority=Priority.P3,
                )
            )
        await metrics.send(*events)
        await metrics.reaches(
            "vigil_trends_detected_total", {"category": "spam", "channel": "web"}, 1
        )

        trend_messages = [m for part in bus.partitions_of(TRENDS) for m in part]
        assert len(trend_messages) == 1
        trend: VigilEvent = decode_event(trend_messages[0].value)
        assert isinstance(trend, TrendDetectedV1)
        assert trend.data.count == 10, "announced as soon as the window crossed the threshold"
        assert trend.data.history == [2] * 12
        assert trend.data.baseline == 2
        assert trend.data.score >= 5
        assert trend.data.window_start == T0 + timedelta(minutes=12)
        assert trend.traceparent is not None
        assert trend.traceparent.split("-")[1] == TRACEPARENT.split("-")[1]

        now[0] = T0 + timedelta(minutes=12, seconds=30)
        listing = await metrics.client.get("/v1/trends", headers=VIEWER)
        assert listing.status_code == 200, listing.text
        items = listing.json()["items"]
        assert [(item["category"], item["channel"], item["current"]) for item in items] == [
            ("spam", "web", True)
        ]
        assert items[0]["history"] == [2] * 12
        now[0] = T0 + timedelta(minutes=20)
        later = (await metrics.client.get("/v1/trends", headers=VIEWER)).json()["items"]
        assert [item["current"] for item in later] == [False]


async def test_a_steady_stream_emits_no_trend(
    settings_kwargs: dict[str, Any], now: list[datetime]
) -> None:
    bus = InProcessBus()
    async with running(settings_kwargs, clock=lambda: now[0], bus=bus) as metrics:
        sent = 0
        for minute in range(20):
            events = [
                triaged(
                    f"t-{minute}-{index}",
                    received_at=T0 + timedelta(minutes=minute, seconds=index),
                    category="billing",
                    priority=Priority.P3,
                )
                for index in range(12 + minute % 3)
            ]
            await metrics.send(*events)
            sent += len(events)
            await metrics.reaches("vigil_tickets_triaged_total", {"category": "billing"}, sent)
        assert [m for part in bus.partitions_of(TRENDS) for m in part] == []
        listing = await metrics.client.get("/v1/trends", headers=VIEWER)
        assert listing.json()["items"] == []


async def test_a_database_of_the_previous_version_is_upgraded_and_counted(
    settings_kwargs: dict[str, Any], now: list[datetime]
) -> None:
    data_dir = settings_kwargs["data_dir"]
    data_dir.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(data_dir / "metrics.db") as connection:
        connection.execute(
            "CREATE TABLE metrics_events (event_id VARCHAR(64) PRIMARY KEY, ticket_id VARCHAR(64)"
            " NOT NULL, type VARCHAR(64) NOT NULL, occurred_at DATETIME NOT NULL,"
            " channel VARCHAR(64), category VARCHAR(64), priority VARCHAR(4))"
        )
        connection.execute(
            "INSERT INTO metrics_events VALUES ('e1', 't1', 'vigil.ticket.received.v1',"
            " '2026-03-02 09:00:00', 'web', NULL, NULL)"
        )
    async with running(settings_kwargs, clock=lambda: now[0], bus=InProcessBus()) as metrics:
        assert await metrics.value("vigil_tickets_received_total", {"channel": "web"}) == 1
        await metrics.send(received("t2"), triaged("t2", seconds=7))
        await metrics.reaches("vigil_ticket_time_to_triage_seconds_sum", {"priority": "P0"}, 7)
        assert await metrics.value("vigil_tickets_received_total", {"channel": "web"}) == 2


async def test_dead_lettered_messages_are_counted_per_topic_and_survive_a_restart(
    settings_kwargs: dict[str, Any], now: list[datetime]
) -> None:
    bus = InProcessBus()
    async with running(settings_kwargs, clock=lambda: now[0], bus=bus) as metrics:
        # Not an event: every consumer of tickets.received (metrics too) dead-letters it.
        await bus.send(TICKETS_RECEIVED, key="broken", value=b"{not json")
        await metrics.reaches(
            "vigil_dead_letters_total",
            {"topic": TICKETS_RECEIVED, "error_type": "ValidationError"},
            1,
        )
        assert (
            await metrics.value("vigil_events_dead_lettered_total", {"topic": TICKETS_RECEIVED})
            == 1
        )
    async with running(settings_kwargs, clock=lambda: now[0], bus=bus) as metrics:
        assert await metrics.value("vigil_dead_letters_total", {"topic": TICKETS_RECEIVED}) == 1, (
            "restored from the database, and the committed message is not counted again"
        )


async def test_a_message_every_group_dead_letters_is_one_dead_letter(
    settings_kwargs: dict[str, Any], now: list[datetime]
) -> None:
    bus = InProcessBus()
    async with running(settings_kwargs, clock=lambda: now[0], bus=bus) as metrics:
        # Triage and escalation give up on the same message as metrics itself does.
        await bus.send(TICKETS_RECEIVED, key="broken", value=b"{not json")
        for group in ("vigil-triage", "vigil-escalation"):
            await bus.send(
                dlq(TICKETS_RECEIVED),
                key="broken",
                value=b"{not json",
                headers=[
                    ("vigil-error-type", b"ValidationError"),
                    ("vigil-consumer-group", group.encode()),
                    ("vigil-source-topic", TICKETS_RECEIVED.encode()),
                    ("vigil-source-partition", str(partition_of(bus, "broken")).encode()),
                    ("vigil-source-offset", b"0"),
                ],
            )
        await metrics.reaches("vigil_events_dead_lettered_total", {"topic": TICKETS_RECEIVED}, 1)
        records = bus.partitions_of(dlq(TICKETS_RECEIVED))[partition_of(bus, "broken")]
        await wait_until(
            lambda: len(records) >= 3,
            what="three dead letters of the broken message",
            timeout_seconds=10,
        )
        groups = {record.header("vigil-consumer-group") for record in records}
        assert groups == {"vigil-triage", "vigil-escalation", "vigil-metrics"}
        await asyncio.sleep(1.5)  # the dead-letter watcher polls every half second
        assert await metrics.value("vigil_dead_letters_total", {"topic": TICKETS_RECEIVED}) == 1


def partition_of(bus: InProcessBus, key: str) -> int:
    return zlib.crc32(key.encode()) % len(bus.partitions_of(TICKETS_RECEIVED))
