"""PagerDuty Events API v2 on a pagerduty channel: ``POST .../v2/enqueue`` and
``.../v2/change/enqueue`` answer as PagerDuty does (202 with status, message and dedup_key;
400 in PagerDuty's error shape for invalid events), over the in-process bus."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.intake import adapters
from services.intake.adapters.common import Inbound
from services.intake.adapters.pagerduty import parse_pagerduty_change
from services.intake.main import create_app
from services.intake.settings import IntakeSettings
from services.triage.shipped import classify
from shared.bus import InProcessBus
from shared.events import Priority, TicketReceivedV1, TicketUpdatedV1, decode_event
from shared.topics import TICKETS_RECEIVED
from tests.support import samples
from tests.support.helpers import PROBLEM_JSON, sample_value

ROUTING_KEY = "routing-key-for-tests"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
ENQUEUE = "/v1/webhooks/pd/v2/enqueue"
CHANGE = "/v1/webhooks/pd/v2/change/enqueue"

CHANNELS_YAML = """\
channels:
  - {name: pd, format: pagerduty, auth: {type: routing_key, routing_keys: [{env: T_RK}]}}
  - {name: web, format: generic, auth: {type: bearer, tokens: [{env: T_RK}]}}
"""


@pytest.fixture
async def client(
    settings_kwargs: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[httpx.AsyncClient, InProcessBus]]:
    (Path(settings_kwargs["config_dir"]) / "channels.yaml").write_text(CHANNELS_YAML)
    monkeypatch.setenv("T_RK", ROUTING_KEY)
    bus = InProcessBus()
    app = create_app(IntakeSettings(**settings_kwargs), bus=bus, clock=lambda: NOW)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http, bus


async def _events(bus: InProcessBus) -> list[TicketReceivedV1 | TicketUpdatedV1]:
    consumer = bus.consumer(topics=[TICKETS_RECEIVED], group_id="reader")
    await consumer.start()
    try:
        messages = await consumer.getmany(timeout_ms=300, max_records=100)
    finally:
        await consumer.stop()
    found = [decode_event(message.value) for message in messages]
    assert all(isinstance(event, TicketReceivedV1 | TicketUpdatedV1) for event in found)
    return found  # type: ignore[return-value]


def change_event(summary: str = "Build Success: deploy 220 of checkout") -> dict[str, Any]:
    return {
        "routing_key": ROUTING_KEY,
        "payload": {
            "summary": summary,
            "timestamp": "2026-11-25T11:58:00.000+0000",
            "source": "acme-build-pipeline",
            "custom_details": {"build_state": "passed", "build_number": "220"},
        },
        "links": [{"href": "https://ci.example.com/builds/220", "text": "View the build"}],
    }


async def test_trigger_acknowledge_resolve_answer_as_pagerduty(
    client: tuple[httpx.AsyncClient, InProcessBus],
) -> None:
    http, bus = client
    trigger = await http.post(ENQUEUE, json=samples.pagerduty(routing_key=ROUTING_KEY))
    assert trigger.status_code == 202, trigger.text
    body = trigger.json()
    assert body["status"] == "success"
    assert body["message"] == "Event processed"
    assert body["dedup_key"] == "srv01/HTTP"
    ack = await http.post(
        ENQUEUE, json=samples.pagerduty(action="acknowledge", routing_key=ROUTING_KEY)
    )
    resolve = await http.post(
        ENQUEUE, json=samples.pagerduty(action="resolve", routing_key=ROUTING_KEY)
    )
    for answer in (ack, resolve):
        assert answer.status_code == 202, answer.text
        assert answer.json()["dedup_key"] == "srv01/HTTP"
        assert answer.json()["ticket_id"] == body["ticket_id"]

    events = await _events(bus)
    assert [event.type for event in events] == [
        "vigil.ticket.received.v1",
        "vigil.ticket.updated.v1",
        "vigil.ticket.updated.v1",
    ]
    assert {event.subject for event in events} == {body["ticket_id"]}
    # The same ticket as a tool posting to the channel's own URL gets.
    same = await http.post("/v1/webhooks/pd", json=samples.pagerduty(routing_key=ROUTING_KEY))
    assert same.json()["ticket_id"] == body["ticket_id"]


async def test_a_trigger_without_dedup_key_gets_one_made_up(
    client: tuple[httpx.AsyncClient, InProcessBus],
) -> None:
    http, _ = client
    response = await http.post(
        ENQUEUE, json=samples.pagerduty(dedup_key=None, routing_key=ROUTING_KEY)
    )
    assert response.status_code == 202, response.text
    assert len(response.json()["dedup_key"]) == 32


@pytest.mark.parametrize(
    ("event", "error"),
    [
        ({"event_action": "trigger"}, "routing_key"),
        ({"routing_key": ROUTING_KEY, "event_action": "explode"}, "event_action"),
        ({"routing_key": ROUTING_KEY, "event_action": "trigger"}, "payload"),
        ({"routing_key": ROUTING_KEY, "event_action": "resolve"}, "dedup_key"),
        (
            {
                "routing_key": ROUTING_KEY,
                "event_action": "trigger",
                "payload": {"summary": "x", "source": "y", "severity": "fatal"},
            },
            "payload.severity",
        ),
    ],
)
async def test_invalid_events_are_400_in_pagerdutys_shape(
    client: tuple[httpx.AsyncClient, InProcessBus], event: dict[str, Any], error: str
) -> None:
    http, bus = client
    response = await http.post(ENQUEUE, json=event)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["status"] == "invalid event"
    assert body["message"] == "Event object is invalid"
    assert any(item.startswith(error) for item in body["errors"]), body
    assert await _events(bus) == []


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'"text"'])
async def test_a_body_that_is_no_event_object_is_400_unrecognized(
    client: tuple[httpx.AsyncClient, InProcessBus], body: bytes
) -> None:
    http, _ = client
    response = await http.post(ENQUEUE, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400, response.text
    assert response.json()["status"] == "Unrecognized object"
    assert response.json()["message"] == "Event object format is unrecognized"


async def test_a_wrong_routing_key_is_401_and_counted(
    client: tuple[httpx.AsyncClient, InProcessBus],
) -> None:
    http, _ = client
    response = await http.post(ENQUEUE, json=samples.pagerduty(routing_key="someone-elses"))
    assert response.status_code == 401
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    invalid = await http.post(ENQUEUE, json={"routing_key": ROUTING_KEY, "event_action": "x"})
    assert invalid.status_code == 400
    exposition = (await http.get("/metrics")).text
    labels = {"channel": "pd"}
    assert (
        sample_value(
            exposition, "vigil_intake_webhooks_total", labels | {"outcome": "unauthenticated"}
        )
        == 1
    )
    assert (
        sample_value(exposition, "vigil_intake_webhooks_total", labels | {"outcome": "invalid"})
        == 1
    )


@pytest.mark.parametrize("path", [ENQUEUE, CHANGE])
async def test_only_pagerduty_channels_serve_the_events_api(
    client: tuple[httpx.AsyncClient, InProcessBus], path: str
) -> None:
    http, _ = client
    for channel in ("web", "nope"):
        response = await http.post(
            path.replace("/pd/", f"/{channel}/"), json=samples.pagerduty(routing_key=ROUTING_KEY)
        )
        assert response.status_code == 404, response.text
        assert response.headers["content-type"].startswith(PROBLEM_JSON)


async def test_a_change_event_is_an_informational_report(
    client: tuple[httpx.AsyncClient, InProcessBus],
) -> None:
    http, bus = client
    response = await http.post(CHANGE, json=change_event())
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["status"] == "success"
    assert body["message"] == "Change event processed"
    assert "dedup_key" not in body
    [event] = await _events(bus)
    assert isinstance(event, TicketReceivedV1)
    assert event.subject == body["ticket_id"]
    report = event.data.report
    assert report.title == "Build Success: deploy 220 of checkout"
    assert "pagerduty:change" in report.tags
    assert report.subject is not None
    assert report.subject.type == "change"
    assert report.metadata["pagerduty"]["kind"] == "change"
    assert "https://ci.example.com/builds/220" in report.body
    assert report.screening is not None
    assert report.screening.alert
    assert report.screening.alert_severity == "info"
    assert ROUTING_KEY not in event.to_bytes().decode()


async def test_a_retried_change_event_is_the_same_ticket_and_the_next_change_a_new_one(
    client: tuple[httpx.AsyncClient, InProcessBus],
) -> None:
    http, _ = client
    first = await http.post(CHANGE, json=change_event())
    retry = await http.post(CHANGE, json=change_event())
    other = await http.post(CHANGE, json=change_event("Build Success: deploy 221"))
    assert first.json()["ticket_id"] == retry.json()["ticket_id"]
    assert other.json()["ticket_id"] != first.json()["ticket_id"]


async def test_an_invalid_change_event_is_400_in_pagerdutys_shape(
    client: tuple[httpx.AsyncClient, InProcessBus],
) -> None:
    http, _ = client
    response = await http.post(CHANGE, json={"routing_key": ROUTING_KEY, "payload": {}})
    assert response.status_code == 400, response.text
    assert response.json()["status"] == "invalid event"
    assert any(item.startswith("payload.summary") for item in response.json()["errors"])


@pytest.mark.parametrize(
    "summary",
    ["Build Success: deploy 220 of checkout", "Rotated the secret; killed the old pods"],
)
def test_triage_decides_a_change_event_p4_so_nobody_is_paged(summary: str) -> None:
    body = samples.dumps(change_event(summary))
    parsed = adapters.parse(
        "pagerduty",
        Inbound(headers={}, body=body),
        adapter=parse_pagerduty_change,
    )
    [item] = parsed.items
    assert item.report is not None
    decision = classify(item.report)
    assert decision.priority == Priority.P4
    assert decision.queue not in {"safety-emergency", "safety-wellbeing", "safety-review"}
