"""A webhook's trace id reaches every event of its ticket and every log line written while
triage and escalation handle it; outbound HTTP carries it onwards."""

import contextlib
import io
import json
import logging
from collections.abc import AsyncIterator, Callable
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
from shared.events import decode_event
from shared.http import create_http_client
from shared.logging import JsonFormatter
from shared.topics import ESCALATIONS, TICKETS_RECEIVED, TICKETS_TRIAGED
from tests.support.helpers import CHANNEL, CHANNEL_TOKEN, VIEWER_KEY, bearer
from tests.support.polling import wait_until

TRACE_ID = "0af7651916cd43dd8448eb211c80319c"
SENDER_TRACEPARENT = f"00-{TRACE_ID}-b7ad6b7169203331-01"
P0_REPORT = {"title": "He said he is going to kill me tomorrow", "body": "from the app"}


@contextlib.asynccontextmanager
async def vigil(
    settings_kwargs: dict[str, Any],
) -> AsyncIterator[tuple[InProcessBus, dict[str, httpx.AsyncClient]]]:
    bus = InProcessBus()
    apps: dict[str, FastAPI] = {
        "intake": create_intake_app(IntakeSettings(**settings_kwargs), bus=bus),
        "triage": create_triage_app(TriageSettings(**settings_kwargs), bus=bus),
        "escalation": create_escalation_app(EscalationSettings(**settings_kwargs), bus=bus),
        "metrics": create_metrics_app(MetricsSettings(**settings_kwargs), bus=bus),
    }
    async with contextlib.AsyncExitStack() as stack:
        clients = {}
        for name, app in apps.items():
            await stack.enter_async_context(app.router.lifespan_context(app))
            transport = httpx.ASGITransport(app=app)
            clients[name] = await stack.enter_async_context(
                httpx.AsyncClient(transport=transport, base_url=f"http://{name}")
            )
        for app in apps.values():
            if app.state.vigil.consume_loop is not None:
                stack.callback(app.state.vigil.consume_loop.request_stop)
        yield bus, clients


@pytest.fixture
def json_log_lines() -> Any:
    """Every log line as the services write it (JSON), captured from the root logger."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(service="test"))
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)

    def lines() -> list[dict[str, Any]]:
        return [json.loads(line) for line in stream.getvalue().splitlines() if line]

    yield lines
    root.removeHandler(handler)
    root.setLevel(previous_level)


async def test_the_senders_trace_id_travels_through_events_and_logs(
    settings_kwargs: dict[str, Any],
    json_log_lines: Callable[[], list[dict[str, Any]]],
) -> None:
    async with vigil(settings_kwargs) as (bus, clients):
        accepted = await clients["intake"].post(
            f"/v1/webhooks/{CHANNEL}",
            json=P0_REPORT,
            headers={
                **bearer(CHANNEL_TOKEN),
                "Idempotency-Key": "trace-1",
                "traceparent": SENDER_TRACEPARENT,
            },
        )
        assert accepted.status_code == 202, accepted.text
        ticket_id = accepted.json()["ticket_id"]
        assert accepted.headers["traceparent"].split("-")[1] == TRACE_ID

        async def timeline_complete() -> list[str] | None:
            response = await clients["metrics"].get(
                f"/v1/tickets/{ticket_id}/timeline", headers=bearer(VIEWER_KEY)
            )
            if response.status_code != 200:
                return None
            steps = [step["step"] for step in response.json()["steps"]]
            return steps if "escalation opened" in steps else None

        await wait_until(timeline_complete, what="the escalation to reach the metrics service")

    events = [
        decode_event(message.value)
        for topic in (TICKETS_RECEIVED, TICKETS_TRIAGED, ESCALATIONS)
        for partition in bus.partitions_of(topic)
        for message in partition
    ]
    types = {event.type for event in events}
    assert {"vigil.ticket.received.v1", "vigil.ticket.triaged.v1"} <= types
    assert "vigil.escalation.opened.v1" in types
    for event in events:
        assert event.traceparent is not None, event.type
        assert event.traceparent.split("-")[1] == TRACE_ID, event.type

    lines = json_log_lines()
    probes = {
        line["message"]: line
        for line in lines
        if line["message"] in {"ticket triaged", "escalation opened"}
    }
    assert set(probes) == {"ticket triaged", "escalation opened"}
    assert probes["ticket triaged"]["service"] == "triage"
    assert probes["escalation opened"]["service"] == "escalation"
    for line in probes.values():
        assert line["trace_id"] == TRACE_ID
        assert line["ticket_id"] == ticket_id
    accepted_lines = [line for line in lines if line["message"] == "ticket accepted"]
    assert [line["trace_id"] for line in accepted_lines] == [TRACE_ID]


def test_outbound_http_continues_the_trace() -> None:
    client = create_http_client(traceparent=SENDER_TRACEPARENT)
    sent = client.headers["traceparent"]
    version, trace_id, span_id, flags = sent.split("-")
    assert (version, trace_id, flags) == ("00", TRACE_ID, "01")
    assert span_id != "b7ad6b7169203331", "a new span for the outbound call"
