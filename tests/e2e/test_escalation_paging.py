"""End to end over Kafka and PostgreSQL, services as separate processes: a webhook becomes a
signed page at a local receiver; nobody acknowledges, so it climbs to the next level; an
on-call responder acknowledges over the API and the climb stops."""

import asyncio
import base64
import hashlib
import hmac
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import PostgresDatabases
from tests.support.escalation import WEBHOOK_SECRET, Receiver, running_receiver
from tests.support.harness import CHANNEL, CHANNEL_TOKEN, Stack, auth, distributed_stack
from tests.support.helpers import sample_value
from tests.support.polling import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]


def policies(receiver: str) -> str:
    return f"""\
users:
  - name: alice
    contacts:
      - {{type: webhook, url: "{receiver}/alice", secret: {{env: VIGIL_E2E_WHSEC}}}}
  - name: bob
    contacts:
      - {{type: webhook, url: "{receiver}/bob"}}
notifications:
  allow_private_hosts: [127.0.0.1]
  base_delay: 1s
  timeout: 2s
policies:
  - name: urgent
    match: {{priorities: [P0, P1]}}
    levels:
      - targets: [{{schedule: primary}}]
        ack_timeout: 3s
      - targets: [{{user: bob}}]
        ack_timeout: 1h
"""


SCHEDULES = """\
schedules:
  - name: primary
    time_zone: America/New_York
    layers:
      - {name: only, users: [alice], rotation_start: 2026-01-01T00:00:00, shift_length: 7d}
"""


@pytest.fixture
async def paging_stack(
    tmp_path: Path, kafka_bootstrap: str, kafka_topics: str, postgres: PostgresDatabases
) -> AsyncIterator[tuple[Stack, Receiver]]:
    async with running_receiver() as receiver:
        database_urls = {
            service: await postgres.create(f"paging_{service}")
            for service in ("triage", "escalation", "metrics")
        }
        stack = distributed_stack(
            tmp_path=tmp_path,
            kafka_bootstrap=kafka_bootstrap,
            topic_prefix=kafka_topics,
            database_urls=database_urls,
        )
        config_dir = tmp_path / "config"
        (config_dir / "policies.yaml").write_text(policies(receiver.url))
        (config_dir / "schedules.yaml").write_text(SCHEDULES)
        for process in stack.processes.values():
            process.env["VIGIL_E2E_WHSEC"] = WEBHOOK_SECRET
            process.env["VIGIL_DB_AUTO_MIGRATE"] = "true"
            process.env["VIGIL_TIMER_INTERVAL_SECONDS"] = "0.2"
        stack.start()
        try:
            await stack.wait_ready()
            yield stack, receiver
        finally:
            stack.stop()


async def wait_for(receiver: Receiver, path: str, stack: Stack) -> dict[str, Any]:
    def request() -> dict[str, Any] | None:
        return next((request for request in receiver.requests if request["path"] == path), None)

    return await wait_until(
        request,
        what=f"a request to {path}",
        timeout_seconds=60,
        interval_seconds=0.1,
        diagnose=stack.logs,
    )


async def test_a_webhook_pages_the_on_call_climbs_and_stops_on_ack(
    paging_stack: tuple[Stack, Receiver],
) -> None:
    stack, receiver = paging_stack
    async with httpx.AsyncClient(timeout=30) as client:
        accepted = await client.post(
            f"{stack.url('intake')}/v1/webhooks/{CHANNEL}",
            json={"title": "He said he is going to kill me tomorrow", "body": "e2e paging"},
            headers={"Authorization": f"Bearer {CHANNEL_TOKEN}", "Idempotency-Key": "page-1"},
        )
        assert accepted.status_code == 202, accepted.text
        ticket_id = accepted.json()["ticket_id"]

        page = await wait_for(receiver, "/alice", stack)
        headers = page["headers"]
        key = base64.b64decode(WEBHOOK_SECRET.removeprefix("whsec_"))
        signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + page["body"]
        digest = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        assert headers["webhook-signature"] == f"v1,{digest}"
        assert ticket_id.encode() in page["body"]

        # Nobody acknowledges within 3 s: level 2 (bob) is paged.
        await wait_for(receiver, "/bob", stack)
        listing = await client.get(
            f"{stack.url('escalation')}/v1/escalations",
            params={"ticket_id": ticket_id},
            headers=auth(),
        )
        [escalation] = listing.json()["items"]
        base = f"{stack.url('escalation')}/v1/escalations/{escalation['id']}"

        acked = await client.post(f"{base}/ack", headers=auth())
        assert acked.status_code == 200, acked.text

        loop = asyncio.get_running_loop()
        deadline = loop.time() + 30

        async def escalation() -> dict[str, Any]:
            body: dict[str, Any] = (await client.get(base, headers=auth())).json()
            return body

        def delivered(detail: dict[str, Any]) -> int:
            return sum(n["status"] == "delivered" for n in detail["notifications"])

        detail = await wait_until(
            escalation,
            until=lambda detail: delivered(detail) == 2,
            what="both pages delivered",
            timeout_seconds=30,
            interval_seconds=0.2,
        )

        # The counter moves just after the row is committed: poll it too.
        async def metrics() -> str:
            return (await client.get(f"{stack.url('escalation')}/metrics")).text

        def delivered_total(exposition: str) -> float | None:
            return sample_value(
                exposition,
                "vigil_escalation_notifications_total",
                {"channel": "webhook", "outcome": "delivered"},
            )

        exposition = await wait_until(
            metrics,
            until=lambda exposition: delivered_total(exposition) == 2.0,
            what="2 delivered webhooks in vigil_escalation_notifications_total",
            timeout_seconds=deadline - loop.time(),
            interval_seconds=0.2,
        )

    assert sample_value(exposition, "vigil_escalation_timers_overdue", {}) == 0.0
    types = [entry["type"].split(".")[2] for entry in detail["timeline"]]
    assert types[0] == "opened"
    assert types.count("escalated") == 1
    assert types.count("notified") == 2
    assert "acknowledged" in types
    assert detail["level"] == 1
    assert sorted(receiver.delivered.values()) == [1, 1], "each page delivered exactly once"
