"""The escalation service alone on a real Kafka and PostgreSQL: source updates
(``vigil.ticket.updated.v1`` on tickets.received) acknowledge or resolve the ticket's
escalation, also when they arrive before the triaged event; received events are ignored;
and the resulting events reach the escalations topic."""

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.bus import Bus
from shared.events import (
    Priority,
    Reason,
    TicketTriagedData,
    TicketTriagedV1,
    TicketUpdatedData,
    TicketUpdatedV1,
    decode_event,
    utcnow,
)
from shared.settings import VigilSettings
from shared.topics import ESCALATIONS, TICKETS_RECEIVED, TICKETS_TRIAGED
from tests.conftest import PostgresDatabases
from tests.events import received
from tests.integration.escalation_service import RunningService, escalation_service
from tests.support.helpers import VIEWER_KEY, bearer
from tests.support.polling import wait_until

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]


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
        database_label="escalation_updates",
    ) as running:
        yield running


def triaged(ticket_id: str) -> TicketTriagedV1:
    return TicketTriagedV1(
        source="/tests",
        subject=ticket_id,
        data=TicketTriagedData(
            ticket_id=ticket_id,
            channel="alertmanager",
            category="account_compromise",
            severity="high",
            priority=Priority.P1,
            queue="account-security",
            reasons=[Reason(rule="t", detail="t")],
            rules_version="t",
            received_at=utcnow(),
            triaged_at=utcnow(),
        ),
    )


def updated(ticket_id: str, action: str) -> TicketUpdatedV1:
    return TicketUpdatedV1(
        source="/tests",
        subject=ticket_id,
        data=TicketUpdatedData(
            ticket_id=ticket_id, channel="alertmanager", action=action, updated_at=utcnow()
        ),
    )


async def escalation_of(client: httpx.AsyncClient, ticket_id: str, status: str) -> dict[str, Any]:
    async def probe() -> dict[str, Any] | None:
        response = await client.get(
            "/v1/escalations", params={"ticket_id": ticket_id}, headers=bearer(VIEWER_KEY)
        )
        items: list[dict[str, Any]] = response.json()["items"]
        return items[0] if items and items[0]["status"] == status else None

    return await wait_until(probe, what=f"{ticket_id} {status}", timeout_seconds=30)


async def test_source_updates_ack_and_resolve_escalations_in_either_order(
    service: tuple[httpx.AsyncClient, Bus, VigilSettings],
) -> None:
    client, producer, settings = service
    early, late = str(uuid.uuid4()), str(uuid.uuid4())

    async def send(topic: str, event: Any) -> None:
        await producer.send(settings.topic(topic), key=event.subject, value=event.to_bytes())

    # The resolve arrives before triage opened the escalation.
    await send(TICKETS_RECEIVED, received("disk full", ticket_id=early, channel="alertmanager"))
    await send(TICKETS_RECEIVED, updated(early, "resolved"))
    await send(TICKETS_TRIAGED, triaged(early))
    # The ack arrives after.
    await send(TICKETS_TRIAGED, triaged(late))
    await escalation_of(client, late, "open")
    await send(TICKETS_RECEIVED, updated(late, "acknowledged"))

    resolved = await escalation_of(client, early, "resolved")
    acked = await escalation_of(client, late, "acknowledged")

    assert resolved["resolved_by"] == "source:alertmanager"
    assert acked["acknowledged_by"] == "source:alertmanager"

    consumer = producer.consumer(
        topics=[settings.topic(ESCALATIONS)], group_id=f"{settings.topic_prefix}check"
    )
    await consumer.start()
    seen: list[tuple[str, str]] = []
    wanted = {(early, "vigil.escalation.resolved.v1"), (late, "vigil.escalation.acknowledged.v1")}

    async def fetched() -> set[tuple[str, str]]:
        for message in await consumer.getmany(timeout_ms=200, max_records=100):
            event = decode_event(message.value)
            seen.append((event.subject, event.type))
        return set(seen)

    try:
        await wait_until(
            fetched,
            until=lambda events: wanted <= events,
            what="the resolved and acknowledged events",
            timeout_seconds=40,
            interval_seconds=0,
        )
    finally:
        await consumer.stop()
    assert (early, "vigil.escalation.resolved.v1") in seen
    assert (late, "vigil.escalation.acknowledged.v1") in seen
    assert [t for s, t in seen if s == early].count("vigil.escalation.opened.v1") == 1
