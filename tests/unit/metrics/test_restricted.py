"""Restricted categories on the metrics API: a ticket whose timeline ever names child_safety
is, to a key outside the child-safety team, a ticket without events (404, same body), and
child_safety trends are left out of its trend list."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.metrics import store
from services.metrics.main import create_app
from services.metrics.settings import MetricsSettings
from shared.bus import InProcessBus
from shared.events import Priority, TrendDetectedData, TrendDetectedV1, VigilEvent
from shared.service import ServiceState
from shared.topics import ESCALATIONS, TICKETS_RECEIVED, TICKETS_TRIAGED
from tests.support.helpers import VIEWER_KEY, bearer
from tests.support.metrics_events import T0, escalation, received, triaged
from tests.support.polling import wait_until

CHILD_SAFETY_KEY = "metrics-child-safety-key"
CHILD_SAFETY_KEY_ENV = "VIGIL_UNIT_METRICS_CHILD_SAFETY_KEY"
CHILD_SAFETY = bearer(CHILD_SAFETY_KEY)
VIEWER = bearer(VIEWER_KEY)
NOW = T0 + timedelta(hours=1)
TOPIC_OF = {
    "vigil.ticket.received.v1": TICKETS_RECEIVED,
    "vigil.ticket.triaged.v1": TICKETS_TRIAGED,
}


@dataclass
class Metrics:
    client: httpx.AsyncClient
    bus: InProcessBus
    state: ServiceState

    async def send(self, *events: VigilEvent) -> None:
        for event in events:
            topic = TOPIC_OF.get(event.type, ESCALATIONS)
            await self.bus.send(topic, key=event.subject, value=event.to_bytes())

    async def timeline(self, ticket_id: str, *, key: dict[str, str]) -> httpx.Response:
        return await self.client.get(f"/v1/tickets/{ticket_id}/timeline", headers=key)

    async def steps_seen_by_the_team(self, ticket_id: str, count: int) -> list[str]:
        async def probe() -> list[str] | None:
            response = await self.timeline(ticket_id, key=CHILD_SAFETY)
            if response.status_code != 200:
                return None
            steps = [step["step"] for step in response.json()["steps"]]
            return steps if len(steps) == count else None

        return await wait_until(probe, what=f"{count} steps of {ticket_id}")


@pytest.fixture
async def metrics(
    settings_kwargs: dict[str, Any], config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Metrics]:
    keys = config_dir / "api_keys.yaml"
    keys.write_text(
        keys.read_text() + "  - name: carla-child-safety\n    role: viewer\n"
        f"    teams: [child-safety]\n    key:\n      env: {CHILD_SAFETY_KEY_ENV}\n"
    )
    monkeypatch.setenv(CHILD_SAFETY_KEY_ENV, CHILD_SAFETY_KEY)
    bus = InProcessBus()
    app = create_app(MetricsSettings(**settings_kwargs), bus=bus, clock=lambda: NOW)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://m") as client:
            yield Metrics(client=client, bus=bus, state=app.state.vigil)
            app.state.vigil.consume_loop.request_stop()


def _comparable(response: httpx.Response, *, ticket_id: str) -> dict[str, Any]:
    body: dict[str, Any] = response.json()
    body["instance"] = body.get("instance", "").replace(ticket_id, "{id}")
    return body


async def _same_404_as_missing(metrics: Metrics, ticket_id: str) -> None:
    hidden = await metrics.timeline(ticket_id, key=VIEWER)
    missing = await metrics.timeline("no-such-ticket", key=VIEWER)
    assert hidden.status_code == missing.status_code == 404, hidden.text
    assert _comparable(hidden, ticket_id=ticket_id) == _comparable(
        missing, ticket_id="no-such-ticket"
    )


async def test_a_child_safety_timeline_is_missing_outside_the_team(metrics: Metrics) -> None:
    await metrics.send(
        received("cs-1"),
        triaged("cs-1", category="child_safety"),
        escalation("opened", "cs-1", seconds=3),
    )
    await metrics.send(received("other-1"), triaged("other-1", category="spam"))

    assert await metrics.steps_seen_by_the_team("cs-1", 3) == [
        "received",
        "triaged",
        "escalation opened",
    ]
    await _same_404_as_missing(metrics, "cs-1")
    await metrics.steps_seen_by_the_team("other-1", 2)
    assert (await metrics.timeline("other-1", key=VIEWER)).status_code == 200


async def test_a_ticket_overridden_out_of_child_safety_stays_hidden(metrics: Metrics) -> None:
    override = {
        "by": "carla",
        "reason": "a parent testing the form",
        "at": T0 + timedelta(seconds=60),
        "previous": {
            "category": "child_safety",
            "severity": "critical",
            "priority": "P0",
            "queue": "safety-child",
        },
    }
    # Only the override reached metrics so far: the category it replaced still counts.
    await metrics.send(
        triaged("cs-2", seconds=60, category="other", priority=Priority.P3, override=override)
    )

    assert await metrics.steps_seen_by_the_team("cs-2", 1) == ["overridden"]
    await _same_404_as_missing(metrics, "cs-2")


def _trend(category: str, *, minutes: int) -> store.Trend:
    start = NOW - timedelta(minutes=minutes)
    data = TrendDetectedData(
        category=category,
        channel="web",
        window_start=start,
        window_end=start + timedelta(minutes=1),
        count=12,
        baseline=2,
        score=6,
        trend_id=f"trend-{category}",
        history=[2] * 12,
    )
    event = TrendDetectedV1(source="/tests", subject=f"trend-{category}", data=data)
    return store.Trend(
        trend_id=f"trend-{category}",
        category=category,
        channel="web",
        window_start=start,
        window_end=data.window_end,
        count=12,
        baseline=2,
        score=6,
        detected_at=start,
        event_json=event.model_dump_json(),
    )


async def test_child_safety_trends_are_left_out_of_the_list_outside_the_team(
    metrics: Metrics,
) -> None:
    assert metrics.state.db is not None
    async with metrics.state.db.session() as session:
        session.add_all([_trend("child_safety", minutes=5), _trend("spam", minutes=10)])
        await session.commit()

    outside = await metrics.client.get("/v1/trends", params={"limit": 1}, headers=VIEWER)
    inside = await metrics.client.get("/v1/trends", headers=CHILD_SAFETY)

    assert outside.status_code == inside.status_code == 200
    # Left out before the limit: the one item of the page is the visible trend.
    assert [item["category"] for item in outside.json()["items"]] == ["spam"]
    assert "child_safety" not in outside.text
    assert [item["category"] for item in inside.json()["items"]] == ["child_safety", "spam"]
