"""Escalation test config and helpers: policies, schedules, a fake clock, a local receiver."""

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from services.escalation.notifiers import Page
from tests.support.helpers import free_port
from tests.support.polling import wait_until

WEBHOOK_SECRET_ENV = "VIGIL_TEST_WEBHOOK_SECRET"
# whsec_ + base64("escalation-test-signing-key-0001")
WEBHOOK_SECRET = "whsec_ZXNjYWxhdGlvbi10ZXN0LXNpZ25pbmcta2V5LTAwMDE="


def policies_yaml(*, receiver: str = "http://127.0.0.1:9/hook", allow_loopback: bool = True) -> str:
    allow = "[127.0.0.1]" if allow_loopback else "[]"
    return f"""\
users:
  - name: alice
    contacts:
      - {{type: webhook, url: "{receiver}/alice", secret: {{env: {WEBHOOK_SECRET_ENV}}}}}
  - name: bob
    contacts:
      - {{type: webhook, url: "{receiver}/bob"}}
  - name: lead
    contacts:
      - {{type: slack, url: "{receiver}/slack-lead"}}
  - name: quiet
teams:
  - name: leads
    members: [lead]
notifications:
  allow_private_hosts: {allow}
  max_attempts: 4
  base_delay: 1s
  max_delay: 10s
  timeout: 1s
policies:
  - name: life-safety
    match: {{priorities: [P0], categories: [threat_to_life]}}
    require_person_ack: true
    reminder_interval: 30m
    sla_at_risk_lead: 10m
    levels:
      - targets: [{{schedule: primary}}]
        ack_timeout: 5m
      - targets: [{{user: lead}}]
        ack_timeout: 10m
  - name: urgent
    match: {{priorities: [P0, P1]}}
    repeat: 1
    reminder_interval: 1h
    levels:
      - targets: [{{schedule: primary}}]
        ack_timeout: 5m
      - targets: [{{team: leads}}, {{user: quiet}}]
        ack_timeout: 10m
  - name: spam-waves
    match: {{kind: trend, categories: [spam], channels: [zendesk, tests], min_score: 4}}
    priority: P2
    queue: trends-review
    levels:
      - targets: [{{user: bob}}]
        ack_timeout: 15m
      - targets: [{{team: leads}}]
        ack_timeout: 15m
"""


SCHEDULES_YAML = """\
schedules:
  - name: primary
    time_zone: Europe/Berlin
    layers:
      - name: weekly
        users: [alice, bob]
        rotation_start: 2026-01-05T09:00:00
        shift_length: 7d
"""

# Monday 2026-03-02 12:00 UTC: alice's week (weeks alternate from 2026-01-05, alice first).
START = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def write_escalation_config(
    directory: Path, *, receiver: str = "http://127.0.0.1:9/hook", allow_loopback: bool = True
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "policies.yaml").write_text(
        policies_yaml(receiver=receiver, allow_loopback=allow_loopback)
    )
    (directory / "schedules.yaml").write_text(SCHEDULES_YAML)
    return directory


@dataclass
class FakeClock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> datetime:
        self.now += delta
        return self.now


def page(**overrides: Any) -> Page:
    values: dict[str, Any] = {
        "idempotency_key": "esc:L0C0:alice:0",
        "escalation_id": "esc",
        "ticket_id": "ticket",
        "priority": "P0",
        "category": "threat_to_life",
        "queue": "safety-emergency",
        "status": "open",
        "level": 0,
        "reason": "page",
        "user": "alice",
        "at": START,
    }
    values.update(overrides)
    return Page(**values)


@dataclass
class Receiver:
    """A local HTTP receiver whose behaviour a test switches: ok, fail (503) or hang."""

    url: str = ""
    mode: str = "ok"
    requests: list[dict[str, Any]] = field(default_factory=list)
    delivered: Counter[str] = field(default_factory=Counter)
    release: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: Request) -> Response:
        body = await request.body()
        record = {"path": request.url.path, "headers": dict(request.headers), "body": body}
        self.requests.append(record)
        if self.mode == "fail":
            return JSONResponse({"error": "down"}, status_code=503)
        if self.mode == "hang":
            await self.release.wait()
            return JSONResponse({"error": "too late"}, status_code=503)
        if self.mode == "reject":
            return JSONResponse({"error": "bad"}, status_code=400)
        self.delivered[request.headers.get("idempotency-key", "")] += 1
        return JSONResponse({"ok": True})


@contextlib.asynccontextmanager
async def running_receiver() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    app = Starlette(routes=[Route("/{path:path}", receiver.handle, methods=["POST"])])
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False)
    )
    task = asyncio.create_task(server.serve())

    def started() -> bool:
        if task.done():
            raise RuntimeError(f"receiver did not start: {task!r}")
        return server.started

    await wait_until(
        started, what="the receiver to start", timeout_seconds=10, interval_seconds=0.01
    )
    receiver.url = f"http://127.0.0.1:{port}"
    try:
        yield receiver
    finally:
        receiver.release.set()
        server.should_exit = True
        await task
