"""The metrics service alone over a real Kafka and PostgreSQL: counts, durations, gauges and
trends from events on the broker, restored after a restart, trend events on `trends`."""

import contextlib
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer

from services.metrics.main import create_app
from services.metrics.settings import MetricsSettings
from shared.events import Priority, TrendDetectedV1, decode_event
from shared.kafka_bus import KafkaBus
from shared.topics import ESCALATIONS, TICKETS_RECEIVED, TICKETS_TRIAGED, TRENDS
from tests.conftest import PostgresDatabases
from tests.support.helpers import (
    API_KEYS_YAML,
    RESPONDER_KEY,
    RESPONDER_KEY_ENV,
    VIEWER_KEY,
    VIEWER_KEY_ENV,
    bearer,
    sample_value,
)
from tests.support.metrics_events import T0, escalation, received, triaged
from tests.support.polling import wait_until

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]

NOW = T0 + timedelta(minutes=13)


@pytest.fixture
def settings_kwargs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    config = tmp_path / "config"
    config.mkdir()
    (config / "api_keys.yaml").write_text(API_KEYS_YAML)
    monkeypatch.setenv(VIEWER_KEY_ENV, VIEWER_KEY)
    monkeypatch.setenv(RESPONDER_KEY_ENV, RESPONDER_KEY)
    return {"data_dir": tmp_path / "data", "config_dir": config}


@contextlib.asynccontextmanager
async def metrics_service(
    settings_kwargs: dict[str, Any], *, kafka: str, prefix: str, database_url: str
) -> AsyncIterator[httpx.AsyncClient]:
    settings = MetricsSettings(
        **{**settings_kwargs, "kafka_bootstrap_servers": kafka, "database_url": database_url},
        topic_prefix=prefix,
        trend_window_seconds=60,
        trend_min_count=10,
        gauge_refresh_seconds=0.1,
    )
    app = create_app(settings, clock=lambda: NOW)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://metrics") as client:
            yield client


async def value(client: httpx.AsyncClient, name: str, labels: dict[str, str]) -> float | None:
    response = await client.get("/metrics")
    assert response.status_code == 200
    return sample_value(response.text, name, labels)


async def reaches(
    client: httpx.AsyncClient, name: str, labels: dict[str, str], expected: float
) -> None:
    async def probe() -> float | None:
        current = await value(client, name, labels)
        return current if current == expected else None

    await wait_until(probe, what=f"{name}{labels} == {expected}", timeout_seconds=45)


async def test_metrics_from_kafka_survive_a_restart_and_trends_are_published(
    settings_kwargs: dict[str, Any],
    kafka_bootstrap: str,
    kafka_topics: str,
    postgres: PostgresDatabases,
) -> None:
    prefix = kafka_topics
    database_url = await postgres.create("metrics")
    producer = KafkaBus(
        bootstrap_servers=kafka_bootstrap, client_id="test", send_timeout_seconds=10
    )
    await producer.start()
    try:
        async with metrics_service(
            settings_kwargs, kafka=kafka_bootstrap, prefix=prefix, database_url=database_url
        ) as client:
            ticket_events: list[tuple[str, Any]] = [
                (TICKETS_RECEIVED, received("t1")),
                (TICKETS_TRIAGED, triaged("t1", seconds=3)),
                (ESCALATIONS, escalation("opened", "t1", seconds=4)),
                (
                    ESCALATIONS,
                    escalation("escalated", "t1", seconds=400, level=2, reason="sla_at_risk"),
                ),
                (ESCALATIONS, escalation("acknowledged", "t1", seconds=450)),
            ]
            for topic, one in ticket_events:
                await producer.send(f"{prefix}{topic}", key="t1", value=one.to_bytes())
            # Steady spam for twelve minutes, then a burst in the thirteenth.
            for minute in range(12):
                for index in range(2):
                    event = triaged(
                        f"s-{minute}-{index}",
                        received_at=T0 + timedelta(minutes=minute, seconds=index),
                        category="spam",
                        priority=Priority.P3,
                    )
                    await producer.send(
                        f"{prefix}{TICKETS_TRIAGED}", key=event.subject, value=event.to_bytes()
                    )
            await reaches(client, "vigil_tickets_triaged_total", {"category": "spam"}, 24)
            for index in range(12):
                event = triaged(
                    f"b-{index}",
                    received_at=T0 + timedelta(minutes=12, seconds=index),
                    category="spam",
                    priority=Priority.P3,
                )
                await producer.send(
                    f"{prefix}{TICKETS_TRIAGED}", key=event.subject, value=event.to_bytes()
                )
            await reaches(client, "vigil_trends_detected_total", {"category": "spam"}, 1)
            await reaches(client, "vigil_escalations_acknowledged_total", {"priority": "P0"}, 1)
            await reaches(
                client,
                "vigil_escalations_open",
                {"priority": "P0", "status": "acknowledged"},
                1,
            )
            trends = await client.get("/v1/trends", headers=bearer(VIEWER_KEY))
            assert [item["count"] for item in trends.json()["items"]] == [10]

        # Restarted on the same PostgreSQL database: nothing back to zero.
        async with metrics_service(
            settings_kwargs, kafka=kafka_bootstrap, prefix=prefix, database_url=database_url
        ) as client:
            assert await value(client, "vigil_tickets_received_total", {"channel": "web"}) == 1
            assert await value(client, "vigil_sla_at_risk_total", {"priority": "P0"}) == 1
            assert (
                await value(
                    client, "vigil_ticket_time_to_acknowledge_seconds_sum", {"priority": "P0"}
                )
                == 450
            )
            assert await value(client, "vigil_sla_at_risk", {"priority": "P0"}) == 1
            timeline = await client.get("/v1/tickets/t1/timeline", headers=bearer(VIEWER_KEY))
            assert timeline.json()["durations"] == {
                "to_triage": 3,
                "to_escalation": 4,
                "to_acknowledge": 450,
            }
    finally:
        await producer.stop()

    consumer = AIOKafkaConsumer(
        f"{prefix}{TRENDS}", bootstrap_servers=kafka_bootstrap, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        records = await consumer.getmany(timeout_ms=10_000)
    finally:
        await consumer.stop()
    trend_events = [decode_event(record.value) for batch in records.values() for record in batch]
    assert len(trend_events) == 1
    (trend,) = trend_events
    assert isinstance(trend, TrendDetectedV1)
    assert trend.data.history == [2] * 12
    assert isinstance(trend.data.window_start, datetime)
