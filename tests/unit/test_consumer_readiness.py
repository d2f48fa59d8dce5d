"""/readyz tells the truth about a consumer that is stuck, not only one that died."""

import sqlite3
from collections.abc import Sequence
from pathlib import Path

import httpx
from sqlalchemy.exc import OperationalError

from shared.bus import InProcessBus
from shared.consume import Delivery
from shared.service import ConsumerSpec, ServiceState, build_state, create_service_app
from shared.settings import VigilSettings
from shared.topics import TICKETS_RECEIVED
from tests.events import received
from tests.support.polling import wait_until


class DatabaseThatComesBack:
    def __init__(self) -> None:
        self.down = True
        self.handled = 0

    async def __call__(self, deliveries: Sequence[Delivery]) -> None:
        if self.down:
            raise OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked"))
        self.handled += len(deliveries)


async def poll(client: httpx.AsyncClient, *, until_status: int) -> dict[str, object]:
    async def readyz() -> httpx.Response:
        return await client.get("/readyz")

    response = await wait_until(
        readyz,
        until=lambda response: response.status_code == until_status,
        what=f"/readyz to answer {until_status}",
        timeout_seconds=10,
    )
    body: dict[str, object] = response.json()
    return body


async def test_readyz_fails_while_the_consumer_retries_past_its_stall_limit(
    tmp_path: Path,
) -> None:
    (tmp_path / "api_keys.yaml").write_text("api_keys: []\n")
    settings = VigilSettings(
        config_dir=tmp_path, data_dir=tmp_path / "data", consumer_stall_seconds=0.3
    )
    bus = InProcessBus()
    state, _ = build_state(service="triage", settings=settings, bus=bus, uses_database=False)
    handler = DatabaseThatComesBack()

    def make_handler(_state: ServiceState) -> DatabaseThatComesBack:
        return handler

    app = create_service_app(
        state=state,
        routers=[],
        tables=[],
        owns_bus=False,
        consumer=ConsumerSpec(topics=[TICKETS_RECEIVED], make_batch_handler=make_handler),
    )
    await bus.send(TICKETS_RECEIVED, key="t1", value=received("stuck").to_bytes())
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            stuck = await poll(client, until_status=503)
            assert stuck["checks"] == {"bus": True, "consumer": False}
            metrics = (await client.get("/metrics")).text
            assert "vigil_consumer_stalled 1.0" in metrics

            handler.down = False
            await poll(client, until_status=200)
            assert handler.handled == 1
            assert "vigil_consumer_stalled 0.0" in (await client.get("/metrics")).text
