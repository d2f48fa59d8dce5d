"""HttpMetricsMiddleware: one observation per request, by route template, method and status,
whether its histogram child was bound before or not."""

from typing import Any

import pytest
from starlette.types import Message, Receive, Scope, Send

from shared import observability
from shared.observability import HttpMetricsMiddleware, ServiceMetrics

COUNT = "vigil_http_request_duration_seconds_count"


class _Route:
    path = "/v1/things/{id}"


def _app(status: int) -> Any:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        scope["route"] = _Route()
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    return app


async def _call(middleware: HttpMetricsMiddleware, *, method: str = "GET") -> list[Message]:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await middleware({"type": "http", "method": method, "path": "/v1/things/42"}, receive, send)
    return sent


def _count(metrics: ServiceMetrics, *, method: str, status: str) -> float | None:
    labels = {"method": method, "route": "/v1/things/{id}", "status": status}
    return metrics.registry.get_sample_value(COUNT, labels)


async def test_every_request_is_observed_by_route_template_and_status() -> None:
    metrics = ServiceMetrics(service="intake")
    ok = HttpMetricsMiddleware(_app(202), metrics=metrics, enabled=True)
    missing = HttpMetricsMiddleware(_app(404), metrics=metrics, enabled=True)

    for _ in range(3):
        sent = await _call(ok)
    await _call(missing)

    assert sent[0]["status"] == 202  # the response passes through unchanged
    assert _count(metrics, method="GET", status="202") == 3
    assert _count(metrics, method="GET", status="404") == 1


async def test_disabled_middleware_observes_nothing() -> None:
    metrics = ServiceMetrics(service="intake")
    middleware = HttpMetricsMiddleware(_app(202), metrics=metrics, enabled=False)

    sent = await _call(middleware)

    assert sent[0]["status"] == 202
    assert _count(metrics, method="GET", status="202") is None


async def test_series_beyond_the_bound_are_still_observed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(observability, "MAX_BOUND_HTTP_SERIES", 2)
    metrics = ServiceMetrics(service="intake")
    middleware = HttpMetricsMiddleware(_app(200), metrics=metrics, enabled=True)

    for method in ("GET", "POST", "PUT", "PUT", "PATCH"):
        await _call(middleware, method=method)

    assert _count(metrics, method="PUT", status="200") == 2
    assert _count(metrics, method="PATCH", status="200") == 1
    assert _count(metrics, method="GET", status="200") == 1
