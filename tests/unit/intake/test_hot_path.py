"""The webhook route's fast paths answer exactly what the slower, generic code answered.

The route reads its channel and headers itself instead of through FastAPI parameters and
dependencies, builds event ids without ``uuid.UUID`` objects and keeps its metric children
bound; none of that may change a status, a problem document or the OpenAPI document.
"""

import gc
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Any

import httpx
import pytest
from fastapi import FastAPI, Header
from prometheus_client import CollectorRegistry, Counter

from services.intake import redaction
from services.intake.domain import TICKET_NAMESPACE, name_uuid, ticket_id_for
from services.intake.instruments import WebhookCounter
from services.intake.main import create_app, raise_gc_threshold
from services.intake.redaction import redact
from services.intake.settings import IntakeSettings
from shared.bus import InProcessBus
from shared.problems import install_problem_handlers
from tests.support.helpers import CHANNEL, CHANNEL_TOKEN, PROBLEM_JSON, bearer, sample_value

REPORT: dict[str, Any] = {
    "title": "Someone keeps harassing me",
    "body": "They message me every day.",
    "reporter": {"id": "user-1", "type": "user"},
    "subject": {"type": "profile", "id": "profile-9"},
}
OVERLONG_KEY = "k" * 257


@pytest.fixture
async def client(settings_kwargs: dict[str, Any]) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(IntakeSettings(**settings_kwargs), bus=InProcessBus())
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


async def _fastapi_header_problem(key: str) -> dict[str, Any]:
    """What FastAPI answers for a declared ``Header(max_length=256)`` parameter."""
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/v1/webhooks/{channel}")
    async def declared(
        channel: str, idempotency_key: Annotated[str | None, Header(max_length=256)] = None
    ) -> dict[str, str]:
        return {"channel": channel}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.post(
            f"/v1/webhooks/{CHANNEL}", json=REPORT, headers={"Idempotency-Key": key}
        )
    assert response.status_code == 422
    problem: dict[str, Any] = response.json()
    return problem


@pytest.mark.parametrize(
    "name",
    ["", "support\x00delivery-1", "received\x00" + str(uuid.uuid4()), "é ünïcødé 🚨", "x" * 5000],
)
def test_name_uuid_is_uuid5_in_the_ticket_namespace(name: str) -> None:
    assert name_uuid(name) == str(uuid.uuid5(TICKET_NAMESPACE, name))


def test_ticket_ids_are_unchanged_for_redeliveries() -> None:
    # Fixed forever: a redelivery after an upgrade must map to the same ticket.
    expected = str(uuid.uuid5(TICKET_NAMESPACE, "support\x00delivery-42"))
    assert ticket_id_for(channel="support", delivery_id="delivery-42") == expected


async def test_overlong_idempotency_key_problem_is_the_one_fastapi_gave(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        f"/v1/webhooks/{CHANNEL}",
        json=REPORT,
        headers={**bearer(CHANNEL_TOKEN), "Idempotency-Key": OVERLONG_KEY},
    )

    assert response.status_code == 422
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    assert response.json() == await _fastapi_header_problem(OVERLONG_KEY)


async def test_idempotency_key_of_the_maximum_length_is_accepted(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        f"/v1/webhooks/{CHANNEL}",
        json=REPORT,
        headers={**bearer(CHANNEL_TOKEN), "Idempotency-Key": "k" * 256},
    )

    assert response.status_code == 202


async def test_unknown_channel_is_404_before_the_header_is_checked(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/v1/webhooks/no-such-channel", json=REPORT, headers={"Idempotency-Key": OVERLONG_KEY}
    )

    assert response.status_code == 404
    assert response.json()["title"] == "Unknown channel"


async def test_header_is_checked_before_authentication_and_not_counted(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        f"/v1/webhooks/{CHANNEL}",
        json=REPORT,
        headers={**bearer("wrong-token"), "Idempotency-Key": OVERLONG_KEY},
    )

    assert response.status_code == 422
    text = (await client.get("/metrics")).text
    assert sample_value(text, "vigil_intake_webhooks_total", {"channel": CHANNEL}) is None


async def test_openapi_documents_the_parameters_the_route_reads_itself(
    client: httpx.AsyncClient,
) -> None:
    # One operation per configured channel: its path names the channel.
    operation = (await client.get("/openapi.json")).json()["paths"][f"/v1/webhooks/{CHANNEL}"][
        "post"
    ]

    parameters = {(item["in"], item["name"]): item for item in operation["parameters"]}
    assert list(parameters) == [("header", "idempotency-key"), ("header", "traceparent")]
    key_schema = parameters[("header", "idempotency-key")]["schema"]["anyOf"][0]
    assert key_schema == {"type": "string", "maxLength": 256}


async def test_outcomes_are_counted_per_channel(client: httpx.AsyncClient) -> None:
    for token in (CHANNEL_TOKEN, CHANNEL_TOKEN, "wrong-token"):
        await client.post(f"/v1/webhooks/{CHANNEL}", json=REPORT, headers=bearer(token))

    text = (await client.get("/metrics")).text
    total = "vigil_intake_webhooks_total"
    assert sample_value(text, total, {"channel": CHANNEL, "outcome": "accepted"}) == 2.0
    assert sample_value(text, total, {"channel": CHANNEL, "outcome": "unauthenticated"}) == 1.0


def test_webhook_counter_binds_each_child_once() -> None:
    registry = CollectorRegistry()
    counter = WebhookCounter(Counter("webhooks", "test", ["channel", "outcome"], registry=registry))

    counter.inc("a", "accepted")
    counter.inc("a", "accepted")
    counter.inc("a", "invalid")

    assert registry.get_sample_value("webhooks_total", {"channel": "a", "outcome": "accepted"}) == 2
    assert registry.get_sample_value("webhooks_total", {"channel": "a", "outcome": "invalid"}) == 1


def _full_redaction(text: str) -> str:
    """``redact`` without its cheap pre-tests: both substitutions, always."""
    masked = redaction._EMAIL.sub(redaction.EMAIL_MASK, text)
    return redaction._PHONE.sub(
        lambda match: (
            redaction.PHONE_MASK if redaction._looks_like_phone(match.group(0)) else match.group(0)
        ),
        masked,
    )


@pytest.mark.parametrize(
    "text",
    [
        "ticket accepted",
        "vigil.ticket.received.v1",
        "a@b",
        "mail jane@example.org or call 0044 20 7946 0958",
        "call+44(0)20-7946-0958",
        "1234567",
        "123456",
        "2026-11-25T12:00:00+00:00",
        "x@y.io 555.123.4567 and 555 123 4567 8",
        "id 5b0e3c9e-2f6d-4f0a-9a51-3f1c0d7a9e11 @ 12 34 56 78",
    ],
)
def test_redact_masks_what_the_full_substitution_masks(text: str) -> None:
    assert redact(text) == _full_redaction(text)


@pytest.fixture
def gc_threshold() -> Iterator[tuple[int, int, int]]:
    """The interpreter's thresholds, restored after the test."""
    saved = gc.get_threshold()
    yield saved
    gc.set_threshold(*saved)


def test_gc_threshold_is_raised_but_never_lowered(gc_threshold: tuple[int, int, int]) -> None:
    gc.set_threshold(700, 10, 10)
    raise_gc_threshold(20_000)
    assert gc.get_threshold() == (20_000, 10, 10)

    raise_gc_threshold(5_000)
    assert gc.get_threshold() == (20_000, 10, 10)


async def test_intake_start_up_raises_the_gc_threshold(
    settings_kwargs: dict[str, Any], gc_threshold: tuple[int, int, int]
) -> None:
    gc.set_threshold(700, 10, 10)
    app = create_app(IntakeSettings(**settings_kwargs, gc_gen0_threshold=12_345))

    async with app.router.lifespan_context(app):
        assert gc.get_threshold() == (12_345, 10, 10)


async def test_gc_threshold_zero_leaves_the_interpreter_alone(
    settings_kwargs: dict[str, Any], gc_threshold: tuple[int, int, int]
) -> None:
    gc.set_threshold(700, 10, 10)
    app = create_app(IntakeSettings(**settings_kwargs, gc_gen0_threshold=0))

    async with app.router.lifespan_context(app):
        assert gc.get_threshold() == (700, 10, 10)
