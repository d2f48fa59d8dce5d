"""Escalation timers and notifications on a real PostgreSQL (and Kafka for the service):
two scheduler replicas never fire a timer twice, two notification workers never deliver a
key twice, and timers survive a process restart."""

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.escalation import store
from services.escalation.config import load_config
from services.escalation.delivery import deliver_due
from services.escalation.main import create_app
from services.escalation.notifiers import Sender
from services.escalation.opening import open_for_ticket
from services.escalation.settings import EscalationSettings
from services.escalation.timers import fire_due_timers
from shared.db import Database
from shared.events import Priority, Reason, TicketTriagedData, TicketTriagedV1
from tests.conftest import PostgresDatabases
from tests.support.escalation import (
    WEBHOOK_SECRET,
    WEBHOOK_SECRET_ENV,
    FakeClock,
    running_receiver,
    write_escalation_config,
)
from tests.support.helpers import API_KEYS_YAML, VIEWER_KEY, VIEWER_KEY_ENV, bearer
from tests.support.polling import wait_until

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WEBHOOK_SECRET_ENV, WEBHOOK_SECRET)
    monkeypatch.setenv(VIEWER_KEY_ENV, VIEWER_KEY)
    monkeypatch.setenv("VIGIL_UNIT_RESPONDER_KEY", "unused-responder-key")


@pytest.fixture
async def url(postgres: PostgresDatabases) -> str:
    return await postgres.create("escalation_timers")


@pytest.fixture
async def replicas(url: str) -> AsyncIterator[tuple[Database, Database]]:
    first, second = Database(url), Database(url)
    await first.create_tables(store.TABLES)
    yield first, second
    await first.dispose()
    await second.dispose()


def triaged() -> TicketTriagedV1:
    ticket_id = str(uuid.uuid4())
    clock = FakeClock()
    return TicketTriagedV1(
        source="/tests",
        subject=ticket_id,
        data=TicketTriagedData(
            ticket_id=ticket_id,
            channel="tests",
            category="harassment",
            severity="high",
            priority=Priority.P1,
            queue="trust-safety",
            reasons=[Reason(rule="t", detail="t")],
            rules_version="t",
            received_at=clock(),
            triaged_at=clock(),
        ),
    )


async def test_two_scheduler_replicas_never_fire_a_timer_twice(
    tmp_path: Path, replicas: tuple[Database, Database]
) -> None:
    config = load_config(write_escalation_config(tmp_path / "config"))
    first, second = replicas
    clock = FakeClock()
    opened = [
        await open_for_ticket(first, triaged(), config=config, now=clock()) for _ in range(40)
    ]
    now = clock.advance(timedelta(minutes=5))

    async def replica(db: Database) -> list[str]:
        fired: list[str] = []
        while batch := await fire_due_timers(db, config, now=now, limit=3):
            fired += batch
        return fired

    results = await asyncio.gather(*(replica(db) for db in (first, second, first, second)))

    everything = [escalation_id for result in results for escalation_id in result]
    assert sorted(everything) == sorted(e.id for e in opened), "each timer fired exactly once"
    assert sum(1 for result in results if result) >= 2, "the work was shared, not serialised"
    async with first.session() as session:
        for escalation in opened:
            types = [row.type for row in await store.timeline(session, escalation.id)]
            assert types.count("vigil.escalation.escalated.v1") == 1
            current = await store.get_escalation(session, escalation.id)
            assert current is not None
            assert current.level == 1


async def test_two_notification_workers_deliver_each_key_once(
    tmp_path: Path, replicas: tuple[Database, Database]
) -> None:
    first, second = replicas
    clock = FakeClock()
    async with running_receiver() as receiver:
        config = load_config(write_escalation_config(tmp_path / "config", receiver=receiver.url))
        opened = [
            await open_for_ticket(first, triaged(), config=config, now=clock()) for _ in range(20)
        ]
        senders = [Sender(config), Sender(config)]
        try:
            await asyncio.gather(
                *(
                    deliver_due(db, config, sender, clock=clock, limit=4)
                    for _ in range(4)
                    for db, sender in zip((first, second), senders, strict=True)
                )
            )
            await deliver_due(first, config, senders[0], clock=clock)
        finally:
            for sender in senders:
                await sender.close()

    assert len(receiver.delivered) == len(opened)
    assert set(receiver.delivered.values()) == {1}
    assert len(receiver.requests) == len(opened)


async def test_timers_fire_after_a_restart(
    tmp_path: Path, url: str, kafka_topics: str, kafka_bootstrap: str
) -> None:
    config_dir = tmp_path / "config"
    write_escalation_config(config_dir)
    (config_dir / "api_keys.yaml").write_text(API_KEYS_YAML)
    settings: dict[str, Any] = {
        "config_dir": config_dir,
        "database_url": url,
        "kafka_bootstrap_servers": kafka_bootstrap,
        "topic_prefix": kafka_topics,
        "data_dir": tmp_path / "data",
        "timer_interval_seconds": 0.05,
        "db_auto_migrate": True,
    }
    clock = FakeClock()

    first = create_app(EscalationSettings(**settings), clock=clock)
    async with first.router.lifespan_context(first):
        state = first.state.vigil
        escalation = await open_for_ticket(state.db, triaged(), config=state.config, now=clock())
    # The process is gone; ten minutes pass; a new process starts.
    clock.advance(timedelta(minutes=10))

    second = create_app(EscalationSettings(**settings), clock=clock)
    async with second.router.lifespan_context(second):
        transport = httpx.ASGITransport(app=second)
        async with httpx.AsyncClient(transport=transport, base_url="http://e") as client:

            async def climbed() -> dict[str, Any] | None:
                response = await client.get(
                    f"/v1/escalations/{escalation.id}", headers=bearer(VIEWER_KEY)
                )
                body: dict[str, Any] = response.json()
                return body if body["level"] == 1 else None

            detail = await wait_until(climbed, what="the ack timeout to fire after restart")

    escalated = [e for e in detail["timeline"] if e["type"] == "vigil.escalation.escalated.v1"]
    assert len(escalated) == 1
    assert escalated[0]["reason"] == "ack_timeout"
    assert json.dumps(detail["activity"]).count('"escalated"') == 1
