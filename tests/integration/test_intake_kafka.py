"""Intake alone over a real Kafka broker: what it acknowledges is on the topic, keyed by
ticket, and an update lands on the same partition as its report (so order holds)."""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from services.intake.main import create_app
from services.intake.settings import IntakeSettings
from shared.topics import TICKETS_RECEIVED
from tests.support import samples
from tests.support.topics import read_topic

pytestmark = pytest.mark.kafka

ROUTING_KEY = "integration-routing-key"
AM_TOKEN = "integration-alertmanager-token"


@pytest.fixture
async def intake(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kafka_bootstrap: str, kafka_topics: str
) -> AsyncIterator[httpx.AsyncClient]:
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    (config_dir / "channels.yaml").write_text(
        """channels:
  - {name: pd, format: pagerduty, auth: {type: routing_key, routing_keys: [{env: T_RK}]}}
  - {name: am, format: alertmanager, auth: {type: bearer, tokens: [{env: T_AM}]}}
"""
    )
    (config_dir / "api_keys.yaml").write_text("api_keys: []\n")
    monkeypatch.setenv("T_RK", ROUTING_KEY)
    monkeypatch.setenv("T_AM", AM_TOKEN)
    settings = IntakeSettings(
        config_dir=config_dir,
        data_dir=tmp_path / "data",
        kafka_bootstrap_servers=kafka_bootstrap,
        topic_prefix=kafka_topics,
        database_url=None,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


async def test_reports_and_updates_share_key_and_partition(
    intake: httpx.AsyncClient, kafka_bootstrap: str, kafka_topics: str
) -> None:
    trigger = await intake.post("/v1/webhooks/pd", json=samples.pagerduty(routing_key=ROUTING_KEY))
    ack = await intake.post(
        "/v1/webhooks/pd", json=samples.pagerduty(action="acknowledge", routing_key=ROUTING_KEY)
    )
    auth = {"authorization": f"Bearer {AM_TOKEN}"}
    firing = await intake.post(
        "/v1/webhooks/am", json=samples.alertmanager(fingerprints=("x1", "x2", "x3")), headers=auth
    )
    resolved = await intake.post(
        "/v1/webhooks/am",
        json=samples.alertmanager(status="resolved", fingerprints=("x2",)),
        headers=auth,
    )
    for response in (trigger, ack, firing, resolved):
        assert response.status_code == 202, response.text

    events = await read_topic(
        bootstrap=kafka_bootstrap, topic=f"{kafka_topics}{TICKETS_RECEIVED}", expected=6
    )

    assert len(events) == 6
    partitions: dict[str, set[int]] = {}
    for partition, key, event in events:
        assert key == event["subject"]
        partitions.setdefault(key, set()).add(partition)
    assert all(len(found) == 1 for found in partitions.values())
    pd_ticket = trigger.json()["ticket_id"]
    am_ticket = firing.json()["ticket_ids"][1]
    assert resolved.json()["ticket_ids"] == [am_ticket]
    by_ticket = {
        ticket: [event["type"] for _, key, event in events if key == ticket]
        for ticket in (pd_ticket, am_ticket)
    }
    assert by_ticket[pd_ticket] == ["vigil.ticket.received.v1", "vigil.ticket.updated.v1"]
    assert by_ticket[am_ticket] == ["vigil.ticket.received.v1", "vigil.ticket.updated.v1"]
