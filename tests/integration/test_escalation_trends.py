"""The escalation service alone on a real Kafka and PostgreSQL: a ``vigil.trend.detected.v1``
on the trends topic that a ``kind: trend`` policy matches opens one escalation (also when
redelivered), whose opened event reaches the escalations topic keyed by the trend id and in
the trend's trace; a trend no policy matches opens nothing. Also the scrape-time SLA gauge
query on PostgreSQL."""

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.escalation import store
from services.escalation.opening import open_for_ticket
from shared.bus import Bus
from shared.db import Database
from shared.events import (
    EscalationOpenedV1,
    Priority,
    Reason,
    TicketTriagedData,
    TicketTriagedV1,
    TrendDetectedData,
    TrendDetectedV1,
    decode_event,
    utcnow,
)
from shared.settings import VigilSettings
from shared.topics import ESCALATIONS, TRENDS
from shared.tracing import new_traceparent
from tests.conftest import PostgresDatabases
from tests.integration.escalation_service import RunningService, escalation_service
from tests.support.helpers import VIEWER_KEY, bearer
from tests.support.polling import wait_until

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]

POLICIES_YAML = """\
users:
  - name: dana
teams: []
policies:
  - name: urgent
    match: {priorities: [P0, P1]}
    levels:
      - targets: [{user: dana}]
        ack_timeout: 5m
  - name: spam-waves
    match: {kind: trend, categories: [spam], min_score: 4}
    priority: P1
    queue: trust-safety
    levels:
      - targets: [{user: dana}]
        ack_timeout: 10m
"""


@pytest.fixture
async def service(
    tmp_path: Path,
    kafka_bootstrap: str,
    kafka_topics: str,
    postgres: PostgresDatabases,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[RunningService]:
    async with escalation_service(
        tmp_path=tmp_path,
        kafka_bootstrap=kafka_bootstrap,
        topic_prefix=kafka_topics,
        postgres=postgres,
        monkeypatch=monkeypatch,
        database_label="escalation_trends",
        policies_yaml=POLICIES_YAML,
    ) as running:
        yield running


def trend(*, category: str, traceparent: str) -> TrendDetectedV1:
    trend_id = str(uuid.uuid4())
    now = utcnow()
    return TrendDetectedV1(
        source="/vigil/metrics",
        subject=trend_id,
        traceparent=traceparent,
        data=TrendDetectedData(
            category=category,
            channel="zendesk",
            window_start=now - timedelta(minutes=5),
            window_end=now,
            count=25,
            baseline=2.0,
            score=9.0,
            trend_id=trend_id,
            history=[2, 1, 3, 2],
        ),
    )


async def test_a_matching_trend_event_opens_an_escalation_event_on_the_escalations_topic(
    service: tuple[httpx.AsyncClient, Bus, VigilSettings],
) -> None:
    client, producer, settings = service
    parent = new_traceparent()
    spike = trend(category="spam", traceparent=parent)
    ignored = trend(category="billing", traceparent=new_traceparent())
    consumer = producer.consumer(
        topics=[settings.topic(ESCALATIONS)], group_id=f"{settings.topic_prefix}check"
    )
    await consumer.start()
    try:
        for event in (ignored, spike, spike):  # the spike is redelivered
            await producer.send(settings.topic(TRENDS), key=event.subject, value=event.to_bytes())

        async def listed() -> dict[str, Any] | None:
            response = await client.get(
                "/v1/escalations", params={"kind": "trend"}, headers=bearer(VIEWER_KEY)
            )
            items: list[dict[str, Any]] = response.json()["items"]
            return items[0] if items else None

        escalation = await wait_until(listed, what="trend escalation", timeout_seconds=30)
        opened: list[tuple[str | None, EscalationOpenedV1]] = []

        async def opened_event() -> EscalationOpenedV1 | None:
            for message in await consumer.getmany(timeout_ms=200, max_records=100):
                decoded = decode_event(message.value)
                if isinstance(decoded, EscalationOpenedV1):
                    opened.append((message.key, decoded))
            return opened[0][1] if opened else None

        first = await wait_until(opened_event, what="opened event", timeout_seconds=30)
    finally:
        await consumer.stop()

    assert escalation["ticket_id"] == spike.subject
    assert (escalation["priority"], escalation["queue"], escalation["policy"]) == (
        "P1",
        "trust-safety",
        "spam-waves",
    )
    assert [key for key, _ in opened] == [spike.subject]
    assert first.subject == spike.subject
    assert first.data.trend_id == spike.subject
    assert first.data.escalation_id == escalation["id"]
    assert first.traceparent is not None
    assert first.traceparent.split("-")[1] == parent.split("-")[1]
    everything = await client.get("/v1/escalations", headers=bearer(VIEWER_KEY))
    assert [item["ticket_id"] for item in everything.json()["items"]] == [spike.subject]


async def test_sla_deadlines_now_counts_on_postgresql(postgres: PostgresDatabases) -> None:
    """The scrape-time SLA query (aliased timers, CASE grouping) on the real database."""
    db = Database(await postgres.create("escalation_sla_now"))
    await db.create_tables(store.TABLES)
    start = utcnow()
    try:
        for priority, first_due in ((Priority.P0, 10), (Priority.P1, 30), (Priority.P1, 40)):
            ticket_id = str(uuid.uuid4())
            event = TicketTriagedV1(
                source="/tests",
                subject=ticket_id,
                data=TicketTriagedData(
                    ticket_id=ticket_id,
                    channel="tests",
                    category="harassment",
                    severity="high",
                    priority=priority,
                    queue="q",
                    reasons=[Reason(rule="t", detail="t")],
                    rules_version="t",
                    received_at=start,
                    triaged_at=start,
                    first_response_due=start + timedelta(minutes=first_due),
                ),
            )
            await open_for_ticket(db, event, config=None, now=start)
        async with db.session() as session:
            counts = await store.sla_deadlines_now(session, now=start + timedelta(minutes=25))
    finally:
        await db.dispose()

    # P0 due at 10 min: breached; P1 due at 30 and 40 min (at risk after 15 and 25): at risk.
    assert sorted(counts) == [
        ("P0", "first_response_due", "breached", 1),
        ("P1", "first_response_due", "at_risk", 2),
    ]
