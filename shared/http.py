"""Outbound HTTP clients: one factory so timeouts, limits and trace headers are uniform."""

import httpx

from shared.tracing import child_traceparent


def create_http_client(
    *,
    timeout_seconds: float = 10.0,
    traceparent: str | None = None,
    base_url: str = "",
) -> httpx.AsyncClient:
    headers = {"user-agent": "vigil/0.1", "traceparent": child_traceparent(traceparent)}
    return httpx.AsyncClient(
        base_url=base_url,
        timeout=httpx.Timeout(timeout_seconds),
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
        headers=headers,
        follow_redirects=False,
    )
