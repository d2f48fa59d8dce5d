"""The real PagerDuty SDK against a real intake: ``pdpyras.EventsAPISession`` (and
``ChangeEventsAPISession``) given a pagerduty channel's URL as their base URL post to
``/v2/enqueue`` and ``/v2/change/enqueue`` under it. Intake runs as its own process
(``python -m services.intake``, served by uvicorn on a free port) over a real Kafka; what
the SDK was told was accepted is on ``tickets.received``, keyed by its ticket."""

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pdpyras
import pytest

from shared.topics import TICKETS_RECEIVED
from tests.support.harness import Process, wait_for_readyz
from tests.support.helpers import free_port
from tests.support.topics import read_topic

pytestmark = pytest.mark.kafka

ROUTING_KEY = "0123456789abcdef0123456789abcdef"  # 32 characters, as PagerDuty's are


@pytest.fixture
async def intake_url(tmp_path: Path, kafka_bootstrap: str, kafka_topics: str) -> AsyncIterator[str]:
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    (config_dir / "channels.yaml").write_text(
        "channels:\n"
        "  - {name: pd, format: pagerduty, auth: {type: routing_key,"
        " routing_keys: [{env: VIGIL_IT_ROUTING_KEY}]}}\n"
    )
    (config_dir / "api_keys.yaml").write_text("api_keys: []\n")
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("VIGIL_")}
    env.update(
        {
            "VIGIL_CONFIG_DIR": str(config_dir),
            "VIGIL_DATA_DIR": str(tmp_path / "data"),
            "VIGIL_HOST": "127.0.0.1",
            "VIGIL_INTAKE_PORT": str(port),
            "VIGIL_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
            "VIGIL_TOPIC_PREFIX": kafka_topics,
            "VIGIL_IT_ROUTING_KEY": ROUTING_KEY,
            "VIGIL_LOG_LEVEL": "WARNING",
        }
    )
    process = Process(
        name="intake",
        command=[sys.executable, "-m", "services.intake"],
        env=env,
        log_path=tmp_path / "intake.log",
    )
    process.start()
    base = f"http://127.0.0.1:{port}"
    try:
        await wait_for_readyz(base, name="intake", timeout=60, diagnose=process.log_tail)
        yield f"{base}/v1/webhooks/pd"
    finally:
        process.stop()


def _clients(base_url: str, routing_key: str) -> tuple[Any, Any]:
    """An events session and a change-events session, based at the channel's URL."""
    events = pdpyras.EventsAPISession(routing_key)
    changes = pdpyras.ChangeEventsAPISession(routing_key)
    events.url = changes.url = base_url
    return events, changes


def _drive(base_url: str) -> dict[str, Any]:
    """What a monitoring tool does with the SDK: trigger, acknowledge, resolve; a trigger
    without a dedup_key; a change event; an invalid event; a wrong routing key."""
    events, changes = _clients(base_url, ROUTING_KEY)
    dedup_key = events.trigger(
        "Checkout API 5xx above 20%",
        "api-prod-3",
        dedup_key="srv01/HTTP",
        severity="critical",
        custom_details={"rate": 0.23},
    )
    acknowledged = events.acknowledge(dedup_key)
    resolved = events.resolve(dedup_key)
    made_up = events.trigger("Disk almost full on db-1", "db-1", severity="warning")
    invalid: dict[str, Any] = {"status": 202, "body": {}}
    try:
        events.send_event("trigger")  # no payload
    except pdpyras.PDHTTPError as error:
        response = error.response
        invalid = {"status": response.status_code, "body": response.json()}
    changes.submit(
        "Build Success: deploy 220 of checkout",
        source="acme-build-pipeline",
        custom_details={"build_number": "220"},
        links=[{"href": "https://ci.example.com/builds/220", "text": "View the build"}],
    )
    wrong, _ = _clients(base_url, "not-the-channels-routing-key-000")
    unauthenticated = 202
    try:
        wrong.trigger("Should not arrive", "nowhere")
    except pdpyras.PDHTTPError as error:
        unauthenticated = error.response.status_code
    return {
        "dedup_key": dedup_key,
        "acknowledged": acknowledged,
        "resolved": resolved,
        "made_up": made_up,
        "invalid": invalid,
        "unauthenticated": unauthenticated,
    }


async def test_pdpyras_trigger_acknowledge_resolve_and_change_reach_the_bus(
    intake_url: str, kafka_bootstrap: str, kafka_topics: str
) -> None:
    result = await asyncio.to_thread(_drive, intake_url)

    assert result["dedup_key"] == result["acknowledged"] == result["resolved"] == "srv01/HTTP"
    assert isinstance(result["made_up"], str)
    assert len(result["made_up"]) == 32
    assert result["invalid"]["status"] == 400
    assert result["invalid"]["body"]["status"] == "invalid event"
    assert result["invalid"]["body"]["message"] == "Event object is invalid"
    assert result["invalid"]["body"]["errors"]
    assert result["unauthenticated"] == 401

    # trigger, acknowledge, resolve, the second trigger and the change event.
    records = await read_topic(
        bootstrap=kafka_bootstrap, topic=f"{kafka_topics}{TICKETS_RECEIVED}", expected=5
    )
    events = [(record.key, record.event) for record in records]
    assert len(events) == 5
    for key, event in events:
        assert key == event["subject"]
    by_type: dict[str, list[dict[str, Any]]] = {}
    for _, event in events:
        by_type.setdefault(event["type"], []).append(event)
    updates = by_type["vigil.ticket.updated.v1"]
    assert [update["data"]["action"] for update in updates] == ["acknowledged", "resolved"]
    received = {
        event["data"]["report"]["title"]: event for event in by_type["vigil.ticket.received.v1"]
    }
    assert set(received) == {
        "Checkout API 5xx above 20%",
        "Disk almost full on db-1",
        "Build Success: deploy 220 of checkout",
    }
    incident = received["Checkout API 5xx above 20%"]
    assert {update["subject"] for update in updates} == {incident["subject"]}
    assert incident["data"]["delivery_id"] == "srv01/HTTP"
    assert received["Disk almost full on db-1"]["data"]["delivery_id"] == result["made_up"]
    change = received["Build Success: deploy 220 of checkout"]["data"]["report"]
    assert "pagerduty:change" in change["tags"]
    assert change["screening"]["alert_severity"] == "info"
    assert ROUTING_KEY not in json.dumps([event for _, event in events])
