"""Triage API fixtures: the triage app alone on an in-process bus, with an admin key."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.triage.main import create_app
from services.triage.settings import TriageSettings
from shared.bus import InProcessBus
from shared.events import TicketReceivedV1, TicketTriagedV1
from shared.topics import TICKETS_RECEIVED, TICKETS_TRIAGED
from tests.events import received_report
from tests.support.helpers import VIEWER_KEY, bearer
from tests.support.polling import wait_until

ADMIN_KEY = "admin-key-for-tests"
ADMIN_KEY_ENV = "VIGIL_UNIT_ADMIN_KEY"
BOT_KEY = "bot-key-for-tests"
BOT_KEY_ENV = "VIGIL_UNIT_BOT_KEY"


@pytest.fixture
def triage_config_dir(config_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    keys = config_dir / "api_keys.yaml"
    keys.write_text(
        keys.read_text()
        + f"  - name: ada-admin\n    role: admin\n    key:\n      env: {ADMIN_KEY_ENV}\n"
        + f"  - {{name: ops-bot, role: responder, bot: true, key: {{env: {BOT_KEY_ENV}}}}}\n"
    )
    monkeypatch.setenv(ADMIN_KEY_ENV, ADMIN_KEY)
    monkeypatch.setenv(BOT_KEY_ENV, BOT_KEY)
    return config_dir


@dataclass
class Triage:
    app: FastAPI
    bus: InProcessBus
    client: httpx.AsyncClient
    config_dir: Path

    async def receive(self, report: dict[str, Any], *, channel: str = "support") -> str:
        event = received_report(report, channel=channel)
        await self.send(event)
        return event.subject

    async def send(self, event: TicketReceivedV1) -> None:
        await self.bus.send(TICKETS_RECEIVED, key=event.subject, value=event.to_bytes())

    def triaged_events(self, ticket_id: str) -> list[TicketTriagedV1]:
        return [
            TicketTriagedV1.model_validate_json(message.value)
            for partition in self.bus.partitions_of(TICKETS_TRIAGED)
            for message in partition
            if message.key == ticket_id
        ]

    async def decision(self, ticket_id: str) -> dict[str, Any]:
        async def probe() -> dict[str, Any] | None:
            response = await self.client.get(f"/v1/tickets/{ticket_id}", headers=bearer(VIEWER_KEY))
            if response.status_code == 404:
                return None
            assert response.status_code == 200, response.text
            body: dict[str, Any] = response.json()
            return body

        return await wait_until(probe, what=f"ticket {ticket_id} triaged")


@pytest.fixture
async def triage(triage_config_dir: Path, settings_kwargs: dict[str, Any]) -> AsyncIterator[Triage]:
    bus = InProcessBus()
    settings = TriageSettings(
        **{**settings_kwargs, "config_dir": triage_config_dir},
        rules_poll_seconds=0.05,
        override_relay_seconds=0.05,
    )
    app = create_app(settings, bus=bus)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield Triage(app=app, bus=bus, client=client, config_dir=triage_config_dir)
            state = app.state.vigil
            if state.consume_loop is not None:
                state.consume_loop.request_stop()
