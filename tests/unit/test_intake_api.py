"""Intake's HTTP contract: 202 only once the event is on the bus, problem+json otherwise."""

import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from services.intake.main import create_app
from services.intake.settings import IntakeSettings
from shared.bus import BusUnavailableError, Headers, InProcessBus, Outgoing
from shared.events import TicketReceivedV1, decode_event
from shared.topics import TICKETS_RECEIVED
from tests.support.helpers import (
    CHANNEL,
    CHANNEL_TOKEN,
    MAX_BODY_BYTES,
    PROBLEM_JSON,
    bearer,
    sample_value,
)

WEBHOOK = f"/v1/webhooks/{CHANNEL}"
REPORT: dict[str, Any] = {
    "title": "Someone keeps harassing me",
    "body": "They message me every day.",
    "reporter": {"id": "user-1", "type": "user"},
    "subject": {"type": "profile", "id": "profile-9"},
    "language": "en",
}


class UnavailableBus(InProcessBus):
    """A broker that never acknowledges."""

    async def send(self, topic: str, *, key: str, value: bytes, headers: Headers = ()) -> None:
        raise BusUnavailableError("broker down (test)")


TicketEventOnBus = tuple[str | None, TicketReceivedV1]


@dataclass
class Intake:
    client: httpx.AsyncClient
    bus: InProcessBus
    _reads: int = 0

    async def post(
        self,
        report: dict[str, Any] | None = None,
        *,
        headers: dict[str, str] | None = None,
        channel: str = CHANNEL,
    ) -> httpx.Response:
        return await self.client.post(
            f"/v1/webhooks/{channel}",
            json=REPORT if report is None else report,
            headers={**bearer(CHANNEL_TOKEN), **(headers or {})},
        )

    async def received_events(self, *, expect_none: bool = False) -> list[TicketEventOnBus]:
        """Everything on tickets.received, read back through a fresh consumer group.

        Intake answers only after ``send`` returned, so when no event is expected there is
        nothing to wait for: ``timeout_ms=0`` keeps those tests fast without a race.
        """
        self._reads += 1
        consumer = self.bus.consumer(topics=[TICKETS_RECEIVED], group_id=f"t{self._reads}")
        await consumer.start()
        try:
            messages = await consumer.getmany(timeout_ms=0 if expect_none else 500, max_records=10)
        finally:
            await consumer.stop()
        events: list[TicketEventOnBus] = []
        for message in messages:
            event = decode_event(message.value)
            assert isinstance(event, TicketReceivedV1)
            events.append((message.key, event))
        return events


async def _running_intake(settings: IntakeSettings, bus: InProcessBus) -> AsyncIterator[Intake]:
    app = create_app(settings, bus=bus)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield Intake(client=client, bus=bus)


@pytest.fixture
async def intake(settings_kwargs: dict[str, Any]) -> AsyncIterator[Intake]:
    async for running in _running_intake(IntakeSettings(**settings_kwargs), InProcessBus()):
        yield running


def _assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    problem: dict[str, Any] = response.json()
    assert problem["status"] == status
    assert problem["title"]
    return problem


# --- accepted ---------------------------------------------------------------------------


async def test_accepted_report_returns_202_and_its_event_is_on_the_bus(intake: Intake) -> None:
    response = await intake.post()

    assert response.status_code == 202
    ticket_id = response.json()["ticket_id"]
    assert ticket_id
    events = await intake.received_events()
    assert len(events) == 1
    key, event = events[0]
    assert key == ticket_id
    assert event.subject == ticket_id
    assert event.data.ticket_id == ticket_id
    assert event.data.channel == CHANNEL
    assert event.source == f"/vigil/intake/channels/{CHANNEL}"
    assert event.data.report.title == REPORT["title"]
    assert event.data.report.subject.id == "profile-9"


async def test_same_idempotency_key_maps_to_the_same_ticket(intake: Intake) -> None:
    first = await intake.post(headers={"Idempotency-Key": "delivery-42"})
    second = await intake.post(headers={"Idempotency-Key": "delivery-42"})

    assert first.status_code == second.status_code == 202
    assert first.json()["ticket_id"] == second.json()["ticket_id"]
    events = await intake.received_events()
    assert [event.subject for _, event in events] == [first.json()["ticket_id"]] * 2
    assert {event.data.delivery_id for _, event in events} == {"delivery-42"}


async def test_different_idempotency_keys_give_different_tickets(intake: Intake) -> None:
    first = await intake.post(headers={"Idempotency-Key": "delivery-1"})
    second = await intake.post(headers={"Idempotency-Key": "delivery-2"})

    assert first.json()["ticket_id"] != second.json()["ticket_id"]


async def test_without_idempotency_key_every_delivery_is_a_new_ticket(intake: Intake) -> None:
    first = await intake.post()
    second = await intake.post()

    assert first.json()["ticket_id"] != second.json()["ticket_id"]


async def test_overlong_idempotency_key_is_422(intake: Intake) -> None:
    response = await intake.post(headers={"Idempotency-Key": "k" * 257})

    problem = _assert_problem(response, 422)
    assert "header.idempotency-key" in [error["field"] for error in problem["errors"]]
    assert await intake.received_events(expect_none=True) == []


async def test_valid_incoming_traceparent_keeps_its_trace_id(intake: Intake) -> None:
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    response = await intake.post(headers={"traceparent": f"00-{trace_id}-00f067aa0ba902b7-01"})

    assert response.status_code == 202
    [(_, event)] = await intake.received_events()
    assert event.traceparent is not None
    assert event.traceparent.split("-")[1] == trace_id
    assert response.headers["traceparent"].split("-")[1] == trace_id


@pytest.mark.parametrize(
    "traceparent",
    [
        "garbage",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
    ],
)
async def test_invalid_traceparent_is_replaced_by_a_new_trace(
    intake: Intake, traceparent: str
) -> None:
    response = await intake.post(headers={"traceparent": traceparent})

    assert response.status_code == 202
    [(_, event)] = await intake.received_events()
    assert event.traceparent is not None
    version, trace_id, span_id, _flags = event.traceparent.split("-")
    assert version == "00"
    assert len(trace_id) == 32
    assert set(trace_id) != {"0"}
    assert set(span_id) != {"0"}
    assert event.traceparent != traceparent


# --- rejected ---------------------------------------------------------------------------


async def test_unknown_channel_is_404_problem(intake: Intake) -> None:
    response = await intake.post(channel="no-such-channel")

    problem = _assert_problem(response, 404)
    assert "no-such-channel" in problem["detail"]
    assert problem["instance"] == "/v1/webhooks/no-such-channel"
    assert await intake.received_events(expect_none=True) == []


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer wrong-token", f"Basic {CHANNEL_TOKEN}", "Bearer ", CHANNEL_TOKEN],
    ids=["missing", "wrong-token", "wrong-scheme", "empty-token", "no-scheme"],
)
async def test_missing_or_wrong_bearer_is_401(intake: Intake, authorization: str | None) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}

    response = await intake.client.post(WEBHOOK, json=REPORT, headers=headers)

    _assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"
    assert await intake.received_events(expect_none=True) == []


async def test_body_over_the_channel_limit_is_413(intake: Intake) -> None:
    report = {**REPORT, "body": "x" * (MAX_BODY_BYTES + 1)}

    response = await intake.post(report)

    problem = _assert_problem(response, 413)
    assert str(MAX_BODY_BYTES) in problem["detail"]
    assert await intake.received_events(expect_none=True) == []


async def test_streamed_body_over_the_limit_without_content_length_is_413(intake: Intake) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"title": "big", "body": "'
        for _ in range(MAX_BODY_BYTES // 512 + 1):
            yield b"y" * 512
        yield b'"}'

    response = await intake.client.post(
        WEBHOOK,
        content=chunks(),
        headers={**bearer(CHANNEL_TOKEN), "Content-Type": "application/json"},
    )

    _assert_problem(response, 413)
    assert await intake.received_events(expect_none=True) == []


async def test_body_at_exactly_the_limit_is_accepted(intake: Intake) -> None:
    skeleton = json.dumps({"title": "t", "body": ""}).encode()
    body = json.dumps({"title": "t", "body": "z" * (MAX_BODY_BYTES - len(skeleton))}).encode()
    assert len(body) == MAX_BODY_BYTES

    response = await intake.client.post(
        WEBHOOK,
        content=body,
        headers={**bearer(CHANNEL_TOKEN), "Content-Type": "application/json"},
    )

    assert response.status_code == 202


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
async def test_wrong_content_type_is_415(intake: Intake, content_type: str) -> None:
    response = await intake.client.post(
        WEBHOOK,
        content=json.dumps(REPORT).encode(),
        headers={**bearer(CHANNEL_TOKEN), "Content-Type": content_type},
    )

    _assert_problem(response, 415)
    assert await intake.received_events(expect_none=True) == []


async def test_json_content_type_with_charset_is_accepted(intake: Intake) -> None:
    response = await intake.client.post(
        WEBHOOK,
        content=json.dumps(REPORT).encode(),
        headers={**bearer(CHANNEL_TOKEN), "Content-Type": "application/json; charset=utf-8"},
    )

    assert response.status_code == 202


@pytest.mark.parametrize(
    ("report", "field"),
    [
        ({"body": "no title"}, "body.title"),
        ({"title": ""}, "body.title"),
        ({"title": 12345}, "body.title"),
        ({"title": "ok", "tags": "not-a-list"}, "body.tags"),
        ({"title": "ok", "reporter": "not-an-object"}, "body.reporter"),
    ],
    ids=["missing-title", "empty-title", "title-not-a-string", "tags-wrong-type", "reporter"],
)
async def test_invalid_body_is_422_naming_the_field(
    intake: Intake, report: dict[str, Any], field: str
) -> None:
    response = await intake.post(report)

    problem = _assert_problem(response, 422)
    assert field in [error["field"] for error in problem["errors"]]
    assert await intake.received_events(expect_none=True) == []


async def test_a_nul_character_anywhere_in_a_report_is_422_naming_each_field(
    intake: Intake,
) -> None:
    report = {
        **REPORT,
        "subject": {"type": "post", "id": "p\u0000x"},
        "metadata": {"nested": ["fine", "bad\u0000"]},
    }

    response = await intake.post(report)

    problem = _assert_problem(response, 422)
    assert sorted(error["field"] for error in problem["errors"]) == [
        "body.metadata.nested.1",
        "body.subject.id",
    ]
    assert await intake.received_events(expect_none=True) == []


async def test_an_escaped_backslash_before_u0000_is_not_a_nul(intake: Intake) -> None:
    response = await intake.post({**REPORT, "body": "a literal \\u0000 in a path"})

    assert response.status_code == 202, response.text


async def test_validation_errors_do_not_echo_submitted_values(intake: Intake) -> None:
    secret_value = 987654321

    response = await intake.post({"title": secret_value})

    problem = _assert_problem(response, 422)
    assert str(secret_value) not in response.text
    assert set(problem["errors"][0]) == {"field", "message"}


async def test_body_that_is_not_json_is_422(intake: Intake) -> None:
    response = await intake.client.post(
        WEBHOOK,
        content=b"{not json",
        headers={**bearer(CHANNEL_TOKEN), "Content-Type": "application/json"},
    )

    problem = _assert_problem(response, 422)
    assert problem["errors"][0]["field"].startswith("body")


async def test_broker_unavailable_is_503_with_retry_after(settings_kwargs: dict[str, Any]) -> None:
    settings = IntakeSettings(**settings_kwargs, retry_after_seconds=7)
    async for intake in _running_intake(settings, UnavailableBus()):
        response = await intake.post()

        problem = _assert_problem(response, 503)
        assert response.headers["retry-after"] == "7"
        assert "ticket_id" not in problem
        assert await intake.received_events(expect_none=True) == []


class LateBus(InProcessBus):
    """A broker that takes the record but acknowledges only after intake stopped waiting,
    as a Kafka producer does with what it had buffered when the timeout struck."""

    def __init__(self) -> None:
        super().__init__()
        self.late_acks = 1

    async def send_many(self, messages: Sequence[Outgoing]) -> None:
        await super().send_many(messages)
        if self.late_acks:
            self.late_acks -= 1
            raise BusUnavailableError("acknowledged after the timeout (test)")


async def test_a_503_then_a_retry_with_the_same_delivery_id_is_one_ticket(
    settings_kwargs: dict[str, Any],
) -> None:
    headers = {"Idempotency-Key": "delivery-503"}
    async for intake in _running_intake(IntakeSettings(**settings_kwargs), LateBus()):
        first = await intake.post(headers=headers)
        retry = await intake.post(headers=headers)

        problem = _assert_problem(first, 503)
        assert "same delivery id" in problem["detail"]
        assert retry.status_code == 202, retry.text
        events = await intake.received_events()
        # Both the late record and the retry are on the topic, as one event: triage keeps
        # one decision per event id.
        assert len(events) == 2
        assert {event.id for _, event in events} == {events[0][1].id}
        assert {event.subject for _, event in events} == {retry.json()["ticket_id"]}


# --- operational ------------------------------------------------------------------------


async def test_healthz(intake: Intake) -> None:
    response = await intake.client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz(intake: Intake) -> None:
    response = await intake.client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["status"] == "ready"
    assert response.json()["checks"]["bus"] is True


async def test_metrics_expose_request_durations_without_raw_paths(intake: Intake) -> None:
    assert (await intake.post()).status_code == 202
    assert (await intake.post(channel="other-channel")).status_code == 404

    response = await intake.client.get("/metrics")

    assert response.status_code == 200
    text = response.text
    assert "vigil_http_request_duration_seconds_bucket" in text
    posts = sample_value(
        text, "vigil_http_request_duration_seconds_count", {"method": "POST", "status": "202"}
    )
    assert posts == 1.0
    # Raw paths carry channel names and ticket ids: they must never become label values.
    assert f'route="{WEBHOOK}"' not in text
    assert 'route="/v1/webhooks/other-channel"' not in text


async def test_metrics_label_requests_by_route_template(intake: Intake) -> None:
    assert (await intake.post()).status_code == 202
    assert (await intake.post(channel="other-channel")).status_code == 404
    assert (await intake.client.get("/healthz")).status_code == 200

    text = (await intake.client.get("/metrics")).text

    count = "vigil_http_request_duration_seconds_count"
    route = "/v1/webhooks/{channel}"
    assert sample_value(text, count, {"method": "POST", "route": route, "status": "202"}) == 1.0
    assert sample_value(text, count, {"method": "POST", "route": route, "status": "404"}) == 1.0
    assert sample_value(text, count, {"method": "GET", "route": "/healthz"}) == 1.0
    assert 'route="unmatched"' not in text
