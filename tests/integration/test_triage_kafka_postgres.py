"""Triage alone over a real Kafka and a real PostgreSQL: one decision per ticket, duplicates
re-emit the stored decision (same event id), overrides are new events, and replicas agree on
the active rules through the database."""

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy import func
from sqlmodel import select

from services.triage import store
from services.triage.main import create_app
from services.triage.settings import TriageSettings
from shared.db import Database
from shared.events import TicketReceivedV1, TicketTriagedV1
from shared.topics import TICKETS_RECEIVED, TICKETS_TRIAGED
from tests.conftest import PostgresDatabases
from tests.events import received
from tests.support.polling import wait_until
from tests.support.rules import default_document, dump

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]

ADMIN_KEY = "integration-admin-key"
RESPONDER_KEY = "integration-responder-key"


@dataclass
class Stack:
    bootstrap: str
    prefix: str
    database_url: str
    settings: TriageSettings

    async def send(self, event: TicketReceivedV1) -> None:
        producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap, acks="all")
        await producer.start()
        try:
            await producer.send_and_wait(
                f"{self.prefix}{TICKETS_RECEIVED}",
                value=event.to_bytes(),
                key=event.subject.encode(),
            )
        finally:
            await producer.stop()

    async def triaged(
        self, ticket_id: str, *, expected: int, timeout: float = 40
    ) -> list[TicketTriagedV1]:
        consumer = AIOKafkaConsumer(
            f"{self.prefix}{TICKETS_TRIAGED}",
            bootstrap_servers=self.bootstrap,
            group_id=f"reader-{uuid.uuid4().hex[:8]}",
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        await consumer.start()
        found: list[TicketTriagedV1] = []

        async def fetched() -> int:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                found.extend(
                    TicketTriagedV1.model_validate_json(record.value)
                    for record in records
                    if record.key == ticket_id.encode()
                )
            return len(found)

        try:
            await wait_until(
                fetched,
                until=lambda count: count >= expected,
                what=f"{expected} triaged events of {ticket_id}",
                timeout_seconds=timeout,
                interval_seconds=0,
            )
        finally:
            await consumer.stop()
        return found


@pytest.fixture
async def stack(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    kafka_bootstrap: str,
    kafka_topics: str,
    postgres: PostgresDatabases,
) -> Stack:
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    (config_dir / "api_keys.yaml").write_text(
        "api_keys:\n"
        "  - {name: ada, role: admin, key: {env: T_ADMIN}}\n"
        "  - {name: rita, role: responder, key: {env: T_RESPONDER}}\n"
    )
    monkeypatch.setenv("T_ADMIN", ADMIN_KEY)
    monkeypatch.setenv("T_RESPONDER", RESPONDER_KEY)
    url = await postgres.create("triage")
    settings = TriageSettings(
        config_dir=config_dir,
        data_dir=tmp_path / "data",
        kafka_bootstrap_servers=kafka_bootstrap,
        topic_prefix=kafka_topics,
        database_url=url,
        rules_poll_seconds=0.1,
    )
    return Stack(
        bootstrap=kafka_bootstrap, prefix=kafka_topics, database_url=url, settings=settings
    )


@pytest.fixture
async def client(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(stack.settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http


async def _rows(url: str) -> int:
    db = Database(url)
    try:
        async with db.session() as session:
            return int(
                (await session.exec(select(func.count()).select_from(store.TriagedTicket))).one()
            )
    finally:
        await db.dispose()


async def test_a_duplicate_re_emits_the_stored_decision_never_a_second_one(
    stack: Stack, client: httpx.AsyncClient
) -> None:
    event = received("bomb threat at the station", subject_id="p-1")
    await stack.send(event)
    [first] = await stack.triaged(event.subject, expected=1)

    await stack.send(event)
    await stack.send(event)
    events = await stack.triaged(event.subject, expected=3)

    assert {e.id for e in events} == {first.id}
    assert {e.model_dump_json() for e in events} == {first.model_dump_json()}
    assert first.data.priority.value == "P0"
    assert first.data.category == "threat_to_life"
    assert first.data.group_key == "content:p-1"
    assert first.data.first_response_due is not None
    assert await _rows(stack.database_url) == 1


async def test_an_override_is_a_new_event_and_duplicates_keep_its_id(
    stack: Stack, client: httpx.AsyncClient
) -> None:
    event = received("refund please")
    await stack.send(event)
    [original] = await stack.triaged(event.subject, expected=1)

    response = await client.post(
        f"/v1/tickets/{event.subject}/override",
        json={"priority": "P1", "reason": "regulator complaint"},
        headers={"Authorization": f"Bearer {RESPONDER_KEY}"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["published"] is True
    await stack.send(event)
    events = await stack.triaged(event.subject, expected=3)

    override_id = response.json()["event_id"]
    assert [e.id for e in events] == [original.id, override_id, override_id]
    assert events[1].data.override is not None
    assert events[1].data.override.previous.priority.value == "P3"
    assert events[1].data.priority.value == "P1"


async def test_replicas_agree_on_the_rules_through_the_database(
    stack: Stack, client: httpx.AsyncClient
) -> None:
    other = create_app(stack.settings.model_copy(update={"topic_prefix": f"{stack.prefix}other."}))
    document = default_document()
    document["version"] = "replicated"
    async with other.router.lifespan_context(other):
        transport = httpx.ASGITransport(app=other)
        async with httpx.AsyncClient(transport=transport, base_url="http://other") as replica:
            put = await client.put(
                "/v1/rules",
                content=dump(document),
                headers={
                    "Authorization": f"Bearer {ADMIN_KEY}",
                    "Content-Type": "application/yaml",
                },
            )
            assert put.status_code == 200, put.text

            async def replica_rules() -> dict[str, Any]:
                """What the replica serves as its active rules, without their text."""
                response = await replica.get(
                    "/v1/rules", headers={"Authorization": f"Bearer {ADMIN_KEY}"}
                )
                rules: dict[str, Any] = response.json()
                return {key: rules[key] for key in ("version", "revision", "source")}

            seen = await wait_until(
                replica_rules,
                until=lambda rules: rules["version"] == put.json()["version"],
                what=f"the replica to load rules {put.json()['version']}",
                timeout_seconds=10,
                interval_seconds=0.1,
            )
        other.state.vigil.consume_loop.request_stop()
    assert seen["revision"] == 2
    assert seen["source"] == "api"


async def test_a_report_carrying_nul_neither_halts_triage_nor_is_lost(
    stack: Stack, client: httpx.AsyncClient
) -> None:
    # Intake refuses NUL; this one reached the topic anyway (an older intake, another
    # producer). PostgreSQL cannot store U+0000: the store replaces it.
    poisoned = received("refund please", subject_id="p\u0000x")
    urgent = [received("bomb threat at the station", subject_id=f"after-{i}") for i in range(3)]
    for event in (poisoned, *urgent):
        await stack.send(event)

    [decision] = await stack.triaged(poisoned.subject, expected=1)
    for event in urgent:
        [after] = await stack.triaged(event.subject, expected=1)
        assert after.data.priority.value == "P0"
    assert decision.data.priority.value == "P3"
    stored = await client.get(
        f"/v1/tickets/{poisoned.subject}", headers={"Authorization": f"Bearer {ADMIN_KEY}"}
    )
    assert stored.status_code == 200, stored.text
    assert stored.json()["group_key"] == "content:p\ufffdx", stored.json()
    assert await _rows(stack.database_url) == 4
