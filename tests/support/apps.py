"""Triage, escalation or metrics served in process on an in-process bus, driven through
httpx over ASGI: for the request guard tests, on SQLite (unit) or PostgreSQL (integration)."""

import contextlib
from collections.abc import AsyncIterator
from typing import Any, Literal

import httpx
from fastapi import FastAPI

from services.escalation.main import create_app as create_escalation_app
from services.escalation.settings import EscalationSettings
from services.metrics.main import create_app as create_metrics_app
from services.metrics.settings import MetricsSettings
from services.triage.main import create_app as create_triage_app
from services.triage.settings import TriageSettings
from shared.bus import InProcessBus
from shared.service import ServiceState
from tests.support.escalation import write_escalation_config

Service = Literal["triage", "escalation", "metrics"]
SERVICES: list[Service] = ["triage", "escalation", "metrics"]

# A path or query parameter holding a NUL character, per service, and the field it names.
NUL_REQUESTS: list[tuple[Service, str, str]] = [
    ("triage", "/v1/tickets/abc%00def", "path.ticket_id"),
    ("triage", "/v1/tickets/abc%00/overrides", "path.ticket_id"),
    ("triage", "/v1/rules/history?limit=1&x=%00", "query.x"),
    ("escalation", "/v1/escalations/e%00", "path.escalation_id"),
    ("escalation", "/v1/escalations?queue=q%00", "query.queue"),
    ("escalation", "/v1/escalations?ticket_id=%00", "query.ticket_id"),
    ("escalation", "/v1/oncall?schedule=primary%00", "query.schedule"),
    ("escalation", "/v1/audit?actor=%00a", "query.actor"),
    ("metrics", "/v1/tickets/t%00/timeline", "path.ticket_id"),
    ("metrics", "/v1/trends?hours=1%00", "query.hours"),
]


@contextlib.asynccontextmanager
async def running(
    service: Service, settings_kwargs: dict[str, Any], **settings: Any
) -> AsyncIterator[httpx.AsyncClient]:
    async with running_app(service, settings_kwargs, **settings) as (client, _):
        yield client


@contextlib.asynccontextmanager
async def running_app(
    service: Service, settings_kwargs: dict[str, Any], **settings: Any
) -> AsyncIterator[tuple[httpx.AsyncClient, ServiceState]]:
    app: FastAPI
    bus = InProcessBus()
    if service == "triage":
        app = create_triage_app(TriageSettings(**settings_kwargs, **settings), bus=bus)
    elif service == "escalation":
        write_escalation_config(settings_kwargs["config_dir"])
        app = create_escalation_app(
            EscalationSettings(**settings_kwargs, timer_interval_seconds=3600, **settings),
            bus=bus,
        )
    else:
        app = create_metrics_app(MetricsSettings(**settings_kwargs, **settings), bus=bus)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://guarded") as client:
            yield client, app.state.vigil
            app.state.vigil.consume_loop.request_stop()
