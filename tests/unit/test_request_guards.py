"""Hostile requests on the triage, escalation and metrics APIs: a body is neither read before
the key is checked nor past the limit; NUL characters and out-of-range times are 4xx."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from services.escalation.opening import open_for_ticket
from services.escalation.state import EscalationState
from services.triage.settings import TriageSettings
from shared.events import Priority, Reason, TicketTriagedData, TicketTriagedV1
from shared.settings import VigilSettings
from tests.support.apps import NUL_REQUESTS, SERVICES, Service, running, running_app
from tests.support.escalation import WEBHOOK_SECRET, WEBHOOK_SECRET_ENV
from tests.support.helpers import RESPONDER_KEY, VIEWER_KEY, assert_problem, bearer

MIB = 1 << 20

# One route with a body per service (metrics has none: any POST will do, the guard runs
# before routing), and its JSON body.
BODY_ROUTES: dict[Service, tuple[str, str]] = {
    "triage": ("POST", "/v1/triage/dry-run"),
    "escalation": ("POST", "/v1/escalations/some-escalation/notes"),
    "metrics": ("POST", "/v1/trends"),
}


@pytest.fixture(autouse=True)
def webhook_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WEBHOOK_SECRET_ENV, WEBHOOK_SECRET)


class CountingBody:
    """A streamed request body that counts the chunks the app pulled from it."""

    def __init__(self, *, chunks: int, chunk_size: int = MIB) -> None:
        self.chunks = chunks
        self.chunk = b" " * chunk_size
        self.pulled = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for _ in range(self.chunks):
            self.pulled += 1
            yield self.chunk


# --- authentication before the body -------------------------------------------------------


@pytest.mark.parametrize("service", SERVICES)
async def test_an_unauthenticated_50_mb_body_is_refused_unread(
    service: Service, settings_kwargs: dict[str, Any]
) -> None:
    method, path = BODY_ROUTES[service]
    body = CountingBody(chunks=50)
    async with running(service, settings_kwargs) as client:
        response = await client.request(
            method,
            path,
            content=body,
            headers={"content-type": "application/json", "content-length": str(50 * MIB)},
        )

    problem = assert_problem(response, 401)
    assert problem["title"] == "Authentication required"
    assert response.headers["www-authenticate"] == "Bearer"
    assert body.pulled == 0


@pytest.mark.parametrize("service", SERVICES)
async def test_a_wrong_key_with_a_chunked_body_is_refused_unread(
    service: Service, settings_kwargs: dict[str, Any]
) -> None:
    method, path = BODY_ROUTES[service]
    body = CountingBody(chunks=50)
    async with running(service, settings_kwargs) as client:
        response = await client.request(
            method,
            path,
            content=body,
            headers={"content-type": "application/json", **bearer("not-a-key")},
        )

    assert_problem(response, 401)
    assert body.pulled == 0


async def test_the_guards_401_is_the_routes_401(settings_kwargs: dict[str, Any]) -> None:
    """Same document whether the middleware (a body) or the route (none) refuses."""
    async with running("escalation", settings_kwargs) as client:
        with_body = await client.post("/v1/escalations/e/notes", json={"text": "hello"})
        without_body = await client.post("/v1/escalations/e/ack")

    assert_problem(without_body, 401)
    assert with_body.json() == {
        **without_body.json(),
        "instance": "/v1/escalations/e/notes",
    }
    assert with_body.headers["www-authenticate"] == without_body.headers["www-authenticate"]


# --- the body limit ---------------------------------------------------------------------


@pytest.mark.parametrize("service", SERVICES)
async def test_an_authenticated_body_over_the_declared_limit_is_413_unread(
    service: Service, settings_kwargs: dict[str, Any]
) -> None:
    method, path = BODY_ROUTES[service]
    body = CountingBody(chunks=2)
    key = VIEWER_KEY if service == "triage" else RESPONDER_KEY
    async with running(service, settings_kwargs) as client:
        response = await client.request(
            method,
            path,
            content=body,
            headers={
                "content-type": "application/json",
                "content-length": str(2 * MIB),
                **bearer(key),
            },
        )

    problem = assert_problem(response, 413)
    assert problem["title"] == "Payload too large"
    assert str(MIB) in problem["detail"]
    assert problem["max_bytes"] == MIB
    assert body.pulled == 0


@pytest.mark.parametrize("service", ["triage", "escalation"])  # metrics reads no bodies
async def test_an_authenticated_chunked_body_over_the_limit_is_413_once_it_passes_it(
    service: Service, settings_kwargs: dict[str, Any]
) -> None:
    method, path = BODY_ROUTES[service]
    body = CountingBody(chunks=50, chunk_size=64 * 1024)
    key = VIEWER_KEY if service == "triage" else RESPONDER_KEY
    async with running(service, settings_kwargs, max_request_body_bytes=100_000) as client:
        response = await client.request(
            method, path, content=body, headers={"content-type": "application/json", **bearer(key)}
        )

    problem = assert_problem(response, 413)
    assert "100000 bytes" in problem["detail"]
    assert body.pulled == 2  # the chunk that passed the limit was the last one read


async def test_a_body_within_the_limit_reaches_the_route(settings_kwargs: dict[str, Any]) -> None:
    async with running("escalation", settings_kwargs, max_request_body_bytes=100) as client:
        within = await client.post(
            "/v1/escalations/missing/notes", json={"text": "n"}, headers=bearer(RESPONDER_KEY)
        )
        over = await client.post(
            "/v1/escalations/missing/notes",
            json={"text": "n" * 100},
            headers=bearer(RESPONDER_KEY),
        )

    assert_problem(within, 404)  # the route ran: no such escalation
    assert_problem(over, 413)


def test_the_limit_is_a_setting_with_a_one_mib_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VIGIL_MAX_REQUEST_BODY_BYTES", raising=False)
    assert VigilSettings().max_request_body_bytes == MIB
    monkeypatch.setenv("VIGIL_MAX_REQUEST_BODY_BYTES", "2048")
    assert TriageSettings().max_request_body_bytes == 2048
    monkeypatch.setenv("VIGIL_MAX_REQUEST_BODY_BYTES", "0")
    with pytest.raises(ValueError, match="max_request_body_bytes"):
        VigilSettings()


async def test_operational_routes_need_no_key(settings_kwargs: dict[str, Any]) -> None:
    async with running("metrics", settings_kwargs) as client:
        assert (await client.get("/healthz")).status_code == 200
        assert (await client.get("/metrics")).status_code == 200


# --- NUL characters -----------------------------------------------------------------------


@pytest.mark.parametrize(("service", "path", "parameter"), NUL_REQUESTS)
async def test_a_nul_in_a_path_or_query_parameter_is_400_naming_it(
    service: Service, path: str, parameter: str, settings_kwargs: dict[str, Any]
) -> None:
    async with running(service, settings_kwargs) as client:
        response = await client.get(path, headers=bearer(VIEWER_KEY))

    problem = assert_problem(response, 400)
    assert problem["errors"] == [
        {"field": parameter, "message": "must not contain a NUL character"}
    ]
    assert parameter in problem["detail"]


# --- out-of-range times -------------------------------------------------------------------


@pytest.mark.parametrize(
    "at", ["9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+01:00", "9999-12-31T23:00:00-05:00"]
)
async def test_an_on_call_lookup_at_the_edge_of_time_is_422(
    at: str, settings_kwargs: dict[str, Any]
) -> None:
    async with running("escalation", settings_kwargs) as client:
        response = await client.get(
            "/v1/oncall", params={"schedule": "primary", "at": at}, headers=bearer(VIEWER_KEY)
        )

    problem = assert_problem(response, 422)
    assert [error["field"] for error in problem["errors"]] == ["query.at"]


async def test_a_snooze_until_the_first_year_is_422(settings_kwargs: dict[str, Any]) -> None:
    async with running_app("escalation", settings_kwargs) as (client, state):
        now = datetime.now(UTC)
        event = TicketTriagedV1(
            source="/tests",
            subject="ticket-1",
            data=TicketTriagedData(
                ticket_id="ticket-1",
                channel="tests",
                category="harassment",
                severity="high",
                priority=Priority.P1,
                queue="q",
                reasons=[Reason(rule="t", detail="t")],
                rules_version="t",
                received_at=now,
                triaged_at=now,
            ),
        )
        assert isinstance(state, EscalationState)
        escalation = await open_for_ticket(state.db, event, config=state.config, now=now)
        response = await client.post(
            f"/v1/escalations/{escalation.id}/snooze",
            json={"until": "0001-01-01T00:00:00+01:00"},
            headers=bearer(RESPONDER_KEY),
        )

    problem = assert_problem(response, 422)
    assert problem["title"] == "Invalid snooze"
