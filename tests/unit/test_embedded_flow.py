"""All four services in one event loop over one InProcessBus, driven through HTTP only.

The consumers run as the services' own background tasks; tests poll their HTTP APIs with a
bounded deadline instead of sleeping.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.escalation.main import create_app as create_escalation_app
from services.escalation.settings import EscalationSettings
from services.intake.main import create_app as create_intake_app
from services.intake.settings import IntakeSettings
from services.metrics.main import create_app as create_metrics_app
from services.metrics.settings import MetricsSettings
from services.triage.main import create_app as create_triage_app
from services.triage.settings import TriageSettings
from shared.bus import InProcessBus
from shared.service import ServiceState
from tests.support.helpers import (
    CHANNEL,
    CHANNEL_TOKEN,
    PROBLEM_JSON,
    RESPONDER_KEY,
    VIEWER_KEY,
    bearer,
    sample_value,
)
from tests.support.polling import wait_until

P0_REPORT = {
    "title": "A user says they are going to kill someone at school tomorrow",
    "body": "Reported from the in-app form.",
    "reporter": {"id": "user-123", "type": "user"},
    "subject": {"type": "post", "id": "post-456"},
}
P3_REPORT = {"title": "I was charged twice", "body": "Please look at my last invoice."}

RESPONDER = bearer(RESPONDER_KEY)
VIEWER = bearer(VIEWER_KEY)


def _client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


@dataclass
class Vigil:
    intake: httpx.AsyncClient
    triage: httpx.AsyncClient
    escalation: httpx.AsyncClient
    metrics: httpx.AsyncClient

    async def report(self, report: dict[str, Any], *, delivery_id: str) -> str:
        response = await self.intake.post(
            f"/v1/webhooks/{CHANNEL}",
            json=report,
            headers={**bearer(CHANNEL_TOKEN), "Idempotency-Key": delivery_id},
        )
        assert response.status_code == 202, response.text
        ticket_id: str = response.json()["ticket_id"]
        return ticket_id

    async def triaged(self, ticket_id: str) -> dict[str, Any]:
        async def probe() -> dict[str, Any] | None:
            response = await self.triage.get(f"/v1/tickets/{ticket_id}", headers=VIEWER)
            if response.status_code == 404:
                return None
            assert response.status_code == 200, response.text
            body: dict[str, Any] = response.json()
            return body

        return await wait_until(probe, what=f"ticket {ticket_id} to be triaged")

    async def escalations_of(self, ticket_id: str) -> list[dict[str, Any]]:
        response = await self.escalation.get(
            "/v1/escalations", params={"ticket_id": ticket_id}, headers=VIEWER
        )
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    async def open_escalation(self, ticket_id: str) -> dict[str, Any]:
        async def probe() -> dict[str, Any] | None:
            items = await self.escalations_of(ticket_id)
            return items[0] if items else None

        return await wait_until(probe, what=f"an escalation for ticket {ticket_id}")

    async def metric(self, client: httpx.AsyncClient, name: str, labels: dict[str, str]) -> float:
        response = await client.get("/metrics")
        assert response.status_code == 200
        return sample_value(response.text, name, labels) or 0.0

    async def metric_reaches(
        self, client: httpx.AsyncClient, name: str, labels: dict[str, str], value: float
    ) -> float:
        """Wait until a counter reaches ``value`` exactly."""

        async def probe() -> float | None:
            current = await self.metric(client, name, labels)
            # Counters only grow: once past the target, waiting longer cannot help.
            assert current <= value, f"{name}{labels} is {current}, expected {value}"
            return current if current == value else None

        return await wait_until(probe, what=f"{name}{labels} == {value}")


@contextlib.asynccontextmanager
async def running_vigil(settings_kwargs: dict[str, Any]) -> AsyncIterator[Vigil]:
    bus = InProcessBus()
    apps = {
        "intake": create_intake_app(IntakeSettings(**settings_kwargs), bus=bus),
        "triage": create_triage_app(TriageSettings(**settings_kwargs), bus=bus),
        "escalation": create_escalation_app(EscalationSettings(**settings_kwargs), bus=bus),
        "metrics": create_metrics_app(MetricsSettings(**settings_kwargs), bus=bus),
    }
    async with contextlib.AsyncExitStack() as stack:
        await bus.start()
        stack.push_async_callback(bus.stop)
        clients: dict[str, httpx.AsyncClient] = {}
        for name, app in apps.items():
            await stack.enter_async_context(app.router.lifespan_context(app))
            clients[name] = await stack.enter_async_context(_client(app))
        # Runs first on exit: every consumer is asked to stop at once, as when the embedded
        # runner shuts its servers down together, instead of one poll interval per service.
        stack.callback(_request_stop_of_all_consumers, list(apps.values()))
        yield Vigil(**clients)


def _request_stop_of_all_consumers(apps: list[FastAPI]) -> None:
    for app in apps:
        state: ServiceState = app.state.vigil
        if state.consume_loop is not None:
            state.consume_loop.request_stop()


@dataclass
class Scenario:
    vigil: Vigil
    p0_ticket: str
    p3_ticket: str


@pytest.fixture
async def scenario(settings_kwargs: dict[str, Any]) -> AsyncIterator[Scenario]:
    """Vigil running, with one P0 and one P3 report accepted and both triaged."""
    async with running_vigil(settings_kwargs) as vigil:
        p0 = await vigil.report(P0_REPORT, delivery_id="delivery-p0")
        p3 = await vigil.report(P3_REPORT, delivery_id="delivery-p3")
        await vigil.triaged(p0)
        await vigil.triaged(p3)
        yield Scenario(vigil=vigil, p0_ticket=p0, p3_ticket=p3)


def _assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    problem: dict[str, Any] = response.json()
    assert problem["status"] == status
    return problem


# --- triage -----------------------------------------------------------------------------


async def test_triage_classifies_both_reports(scenario: Scenario) -> None:
    p0 = await scenario.vigil.triaged(scenario.p0_ticket)
    p3 = await scenario.vigil.triaged(scenario.p3_ticket)

    assert p0["ticket_id"] == scenario.p0_ticket
    assert p0["channel"] == CHANNEL
    assert p0["priority"] == "P0"
    assert p0["category"] == "threat_to_life"
    assert p0["queue"] == "safety-emergency"
    assert p0["reasons"][0]["rule"] == "safety.threat_to_life"
    assert "going to kill" in p0["reasons"][0]["evidence"]
    assert p0["rules_version"]

    assert p3["priority"] == "P3"
    assert p3["category"] == "payments_billing"
    assert [reason["rule"] for reason in p3["reasons"]] == ["support.payments_billing"]
    assert set(p3["reasons"][0]["evidence"]) == {"charged", "invoice"}


async def test_triage_read_api_needs_credentials(scenario: Scenario) -> None:
    response = await scenario.vigil.triage.get(f"/v1/tickets/{scenario.p0_ticket}")

    _assert_problem(response, 401)


async def test_triage_unknown_ticket_is_404(scenario: Scenario) -> None:
    response = await scenario.vigil.triage.get("/v1/tickets/no-such-ticket", headers=VIEWER)

    _assert_problem(response, 404)


async def test_redelivered_webhook_is_triaged_and_escalated_once(scenario: Scenario) -> None:
    vigil = scenario.vigil
    first = await vigil.triaged(scenario.p0_ticket)
    await vigil.open_escalation(scenario.p0_ticket)

    again = await vigil.report(P0_REPORT, delivery_id="delivery-p0")

    assert again == scenario.p0_ticket
    # Triage handles the redelivery by re-emitting its first decision (same event id), and
    # escalation and metrics both see that third triaged message.
    processed = "vigil_events_processed_total"
    await vigil.metric_reaches(vigil.triage, processed, {"topic": "tickets.received"}, 3.0)
    await vigil.metric_reaches(vigil.escalation, processed, {"topic": "tickets.triaged"}, 3.0)
    await vigil.metric_reaches(vigil.metrics, processed, {"topic": "tickets.triaged"}, 3.0)
    assert await vigil.triaged(scenario.p0_ticket) == first
    assert len(await vigil.escalations_of(scenario.p0_ticket)) == 1
    triaged_p0 = await vigil.metric(
        vigil.metrics, "vigil_tickets_triaged_total", {"priority": "P0"}
    )
    assert triaged_p0 == 1.0
    opened = await vigil.metric(vigil.metrics, "vigil_escalations_opened_total", {"priority": "P0"})
    assert opened == 1.0


async def test_redelivered_webhook_is_not_counted_as_a_new_ticket(scenario: Scenario) -> None:
    vigil = scenario.vigil
    processed = "vigil_events_processed_total"
    await vigil.metric_reaches(vigil.metrics, processed, {"topic": "tickets.received"}, 2.0)

    again = await vigil.report(P0_REPORT, delivery_id="delivery-p0")

    assert again == scenario.p0_ticket
    await vigil.metric_reaches(vigil.metrics, processed, {"topic": "tickets.received"}, 3.0)
    received = await vigil.metric(
        vigil.metrics, "vigil_tickets_received_total", {"channel": CHANNEL}
    )
    timeline = await vigil.metrics.get(f"/v1/tickets/{scenario.p0_ticket}/timeline", headers=VIEWER)
    steps = [step["type"] for step in timeline.json()["steps"]]
    assert received == 2.0  # two tickets, however often their webhooks were delivered
    assert steps.count("vigil.ticket.received.v1") == 1


# --- escalation -------------------------------------------------------------------------


async def test_p0_has_exactly_one_open_escalation_and_p3_none(scenario: Scenario) -> None:
    vigil = scenario.vigil
    escalation = await vigil.open_escalation(scenario.p0_ticket)
    # Escalation has handled both triaged events once it has processed two of them.
    await vigil.metric_reaches(
        vigil.escalation, "vigil_events_processed_total", {"topic": "tickets.triaged"}, 2.0
    )

    assert await vigil.escalations_of(scenario.p0_ticket) == [escalation]
    assert escalation["status"] == "open"
    assert escalation["priority"] == "P0"
    assert escalation["category"] == "threat_to_life"
    assert escalation["queue"] == "safety-emergency"
    assert escalation["acknowledged_at"] is None
    assert await vigil.escalations_of(scenario.p3_ticket) == []


async def test_ack_resolve_lifecycle(scenario: Scenario) -> None:
    vigil = scenario.vigil
    escalation_id = (await vigil.open_escalation(scenario.p0_ticket))["id"]
    base = f"/v1/escalations/{escalation_id}"

    acked = await vigil.escalation.post(f"{base}/ack", headers=RESPONDER)
    assert acked.status_code == 200, acked.text
    assert acked.json()["status"] == "acknowledged"
    assert acked.json()["acknowledged_by"] == "alice-responder"
    first_ack_at = acked.json()["acknowledged_at"]
    assert first_ack_at is not None

    acked_again = await vigil.escalation.post(f"{base}/ack", headers=RESPONDER)
    assert acked_again.status_code == 200, acked_again.text
    assert acked_again.json()["status"] == "acknowledged"
    assert acked_again.json()["acknowledged_at"] == first_ack_at

    resolved = await vigil.escalation.post(f"{base}/resolve", headers=RESPONDER)
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["status"] == "resolved"
    assert resolved.json()["resolved_by"] == "alice-responder"

    late_ack = await vigil.escalation.post(f"{base}/ack", headers=RESPONDER)
    problem = _assert_problem(late_ack, 409)
    assert problem["current_status"] == "resolved"

    detail = await vigil.escalation.get(base, headers=VIEWER)
    assert detail.status_code == 200
    assert [entry["type"] for entry in detail.json()["timeline"]] == [
        "vigil.escalation.opened.v1",
        "vigil.escalation.acknowledged.v1",
        "vigil.escalation.resolved.v1",
    ]
    assert [entry["actor"] for entry in detail.json()["timeline"]] == [
        None,
        "alice-responder",
        "alice-responder",
    ]


async def test_concurrent_acks_record_one_acknowledgement(
    settings_kwargs: dict[str, Any],
) -> None:
    # The lost update is a race, so several escalations are each acked by several
    # concurrent requests: one duplicate anywhere exposes it.
    async with running_vigil(settings_kwargs) as vigil:
        tickets = [await vigil.report(P0_REPORT, delivery_id=f"concurrent-{n}") for n in range(3)]
        bases = [
            f"/v1/escalations/{(await vigil.open_escalation(ticket))['id']}" for ticket in tickets
        ]

        responses = await asyncio.gather(
            *(
                vigil.escalation.post(f"{base}/ack", headers=RESPONDER)
                for base in bases
                for _ in range(6)
            )
        )

        assert {response.status_code for response in responses} == {200}
        for base in bases:
            detail = await vigil.escalation.get(base, headers=VIEWER)
            types = [entry["type"] for entry in detail.json()["timeline"]]
            assert types == ["vigil.escalation.opened.v1", "vigil.escalation.acknowledged.v1"]


async def test_ack_without_credentials_is_401(scenario: Scenario) -> None:
    vigil = scenario.vigil
    escalation_id = (await vigil.open_escalation(scenario.p0_ticket))["id"]

    response = await vigil.escalation.post(f"/v1/escalations/{escalation_id}/ack")

    _assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"
    assert (await vigil.open_escalation(scenario.p0_ticket))["status"] == "open"


async def test_ack_with_unknown_key_is_401(scenario: Scenario) -> None:
    vigil = scenario.vigil
    escalation_id = (await vigil.open_escalation(scenario.p0_ticket))["id"]

    response = await vigil.escalation.post(
        f"/v1/escalations/{escalation_id}/ack", headers=bearer("not-a-key")
    )

    _assert_problem(response, 401)


async def test_viewer_cannot_ack_403(scenario: Scenario) -> None:
    vigil = scenario.vigil
    escalation_id = (await vigil.open_escalation(scenario.p0_ticket))["id"]

    response = await vigil.escalation.post(f"/v1/escalations/{escalation_id}/ack", headers=VIEWER)

    _assert_problem(response, 403)
    assert (await vigil.open_escalation(scenario.p0_ticket))["status"] == "open"


async def test_ack_unknown_escalation_is_404(scenario: Scenario) -> None:
    response = await scenario.vigil.escalation.post(
        "/v1/escalations/no-such-escalation/ack", headers=RESPONDER
    )

    _assert_problem(response, 404)


# --- metrics ----------------------------------------------------------------------------


async def test_business_metrics_count_the_flow(scenario: Scenario) -> None:
    vigil = scenario.vigil

    await vigil.metric_reaches(
        vigil.metrics, "vigil_tickets_received_total", {"channel": CHANNEL}, 2.0
    )
    await vigil.metric_reaches(
        vigil.metrics,
        "vigil_tickets_triaged_total",
        {"category": "threat_to_life", "priority": "P0"},
        1.0,
    )
    await vigil.metric_reaches(
        vigil.metrics,
        "vigil_tickets_triaged_total",
        {"category": "payments_billing", "priority": "P3"},
        1.0,
    )
    await vigil.metric_reaches(
        vigil.metrics, "vigil_escalations_opened_total", {"priority": "P0"}, 1.0
    )
    exposition = (await vigil.metrics.get("/metrics")).text
    assert f'vigil_tickets_received_total{{channel="{CHANNEL}"}} 2.0' in exposition
    assert 'vigil_escalations_opened_total{priority="P0"} 1.0' in exposition
    assert 'vigil_escalations_opened_total{priority="P3"}' not in exposition


async def test_timeline_lists_the_p0_ticket_events_in_order(scenario: Scenario) -> None:
    vigil = scenario.vigil
    escalation_id = (await vigil.open_escalation(scenario.p0_ticket))["id"]
    base = f"/v1/escalations/{escalation_id}"
    assert (await vigil.escalation.post(f"{base}/ack", headers=RESPONDER)).status_code == 200
    assert (await vigil.escalation.post(f"{base}/resolve", headers=RESPONDER)).status_code == 200
    expected = [
        "vigil.ticket.received.v1",
        "vigil.ticket.triaged.v1",
        "vigil.escalation.opened.v1",
        "vigil.escalation.acknowledged.v1",
        "vigil.escalation.resolved.v1",
    ]

    async def complete_timeline() -> dict[str, Any] | None:
        response = await vigil.metrics.get(
            f"/v1/tickets/{scenario.p0_ticket}/timeline", headers=VIEWER
        )
        if response.status_code == 404:
            return None
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body if len(body["steps"]) >= len(expected) else None

    timeline = await wait_until(complete_timeline, what="the P0 ticket's full timeline")

    assert timeline["ticket_id"] == scenario.p0_ticket
    assert [step["type"] for step in timeline["steps"]] == expected
    assert timeline["steps"][0]["seconds_since_previous"] is None
    assert timeline["steps"][0]["seconds_since_first"] == 0
    assert all(step["seconds_since_previous"] >= 0 for step in timeline["steps"][1:])
    await vigil.metric_reaches(
        vigil.metrics, "vigil_escalations_resolved_total", {"priority": "P0"}, 1.0
    )


async def test_timeline_needs_credentials_and_a_known_ticket(scenario: Scenario) -> None:
    metrics = scenario.vigil.metrics

    _assert_problem(await metrics.get(f"/v1/tickets/{scenario.p0_ticket}/timeline"), 401)
    _assert_problem(await metrics.get("/v1/tickets/unknown/timeline", headers=VIEWER), 404)


async def test_metrics_counters_survive_a_restart(settings_kwargs: dict[str, Any]) -> None:
    async with running_vigil(settings_kwargs) as vigil:
        p0 = await vigil.report(P0_REPORT, delivery_id="restart-p0")
        await vigil.report(P3_REPORT, delivery_id="restart-p3")
        await vigil.metric_reaches(
            vigil.metrics, "vigil_tickets_received_total", {"channel": CHANNEL}, 2.0
        )
        await vigil.metric_reaches(
            vigil.metrics, "vigil_escalations_opened_total", {"priority": "P0"}, 1.0
        )
        await vigil.metric_reaches(
            vigil.metrics, "vigil_tickets_triaged_total", {"priority": "P3"}, 1.0
        )

    # A new metrics app on the same data_dir and a fresh, empty bus: nothing is re-consumed,
    # so whatever it reports comes from the database.
    app = create_metrics_app(MetricsSettings(**settings_kwargs), bus=InProcessBus())
    async with app.router.lifespan_context(app), _client(app) as metrics:
        text = (await metrics.get("/metrics")).text
        timeline = await metrics.get(f"/v1/tickets/{p0}/timeline", headers=VIEWER)

    assert sample_value(text, "vigil_tickets_received_total", {"channel": CHANNEL}) == 2.0
    assert (
        sample_value(
            text, "vigil_tickets_triaged_total", {"category": "threat_to_life", "priority": "P0"}
        )
        == 1.0
    )
    assert sample_value(text, "vigil_tickets_triaged_total", {"priority": "P3"}) == 1.0
    assert sample_value(text, "vigil_escalations_opened_total", {"priority": "P0"}) == 1.0
    assert timeline.status_code == 200
    assert [step["type"] for step in timeline.json()["steps"]][:2] == [
        "vigil.ticket.received.v1",
        "vigil.ticket.triaged.v1",
    ]


# --- operational ------------------------------------------------------------------------


async def test_every_service_is_healthy_and_ready(scenario: Scenario) -> None:
    vigil = scenario.vigil
    for client in (vigil.intake, vigil.triage, vigil.escalation, vigil.metrics):
        assert (await client.get("/healthz")).status_code == 200
        ready = await client.get("/readyz")
        assert ready.status_code == 200, ready.text
        assert all(ready.json()["checks"].values())
    ready_checks = (await vigil.triage.get("/readyz")).json()["checks"]
    assert ready_checks == {"bus": True, "database": True, "consumer": True}
