"""Each service's own Prometheus registry: HTTP, consumer and process metrics.

A registry per service (not the global one) so that in embedded mode, where four apps share
one process, each ``/metrics`` still describes its own service.
"""

import time
from collections.abc import Callable, Iterable

from prometheus_client import CollectorRegistry, Counter, Histogram, ProcessCollector
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.bus import PartitionKey
from shared.logging import service_var

LagSource = Callable[[], dict[PartitionKey, int]]
StalledSource = Callable[[], bool]

# Bound (method, route template, status) children kept by the HTTP middleware. Route
# templates and statuses are few; the bound only matters for junk methods.
MAX_BOUND_HTTP_SERIES = 512


class _ConsumerCollector(Collector):
    def __init__(self) -> None:
        self.lag_sources: list[LagSource] = []
        self.stalled_sources: list[StalledSource] = []

    def collect(self) -> Iterable[Metric]:
        lag = GaugeMetricFamily(
            "vigil_consumer_lag_messages",
            "Messages on the broker not yet committed by this service's consumer group, "
            "per partition (end offset minus committed offset).",
            labels=["topic", "partition"],
        )
        for source in self.lag_sources:
            for (topic, partition), messages in sorted(source().items()):
                lag.add_metric([topic, str(partition)], messages)
        yield lag
        stalled = GaugeMetricFamily(
            "vigil_consumer_stalled",
            "1 while this service's consumer has retried the same work past "
            "VIGIL_CONSUMER_STALL_SECONDS (its partitions make no progress); 0 otherwise, "
            "and always 0 in a service without a consumer.",
        )
        stalled.add_metric([], float(any(source() for source in self.stalled_sources)))
        yield stalled


class ServiceMetrics:
    def __init__(self, *, service: str) -> None:
        self.service = service
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        self.http_request_duration = Histogram(
            "vigil_http_request_duration_seconds",
            "HTTP request duration by route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.events_processed = Counter(
            "vigil_events_processed_total",
            "Events handled successfully by this service's consumer.",
            ["topic"],
            registry=self.registry,
        )
        self.events_failed = Counter(
            "vigil_events_failed_total",
            "Handler attempts that raised (each retry counts).",
            ["topic"],
            registry=self.registry,
        )
        self.events_dead_lettered = Counter(
            "vigil_events_dead_lettered_total",
            "Events this service sent to a dead-letter topic.",
            ["topic"],
            registry=self.registry,
        )
        self._consumer = _ConsumerCollector()
        self.registry.register(self._consumer)

    def watch_consumer(self, *, lag: LagSource, stalled: StalledSource) -> None:
        self._consumer.lag_sources.append(lag)
        self._consumer.stalled_sources.append(stalled)


class HttpMetricsMiddleware:
    """Pure ASGI middleware: times each request by route template and status, and names the
    service for log lines. (Starlette's BaseHTTPMiddleware costs far more per request.)

    The labelled histogram children are looked up once per (method, route, status) and
    kept: ``labels()`` takes a lock and builds its key on every call."""

    def __init__(self, app: ASGIApp, *, metrics: ServiceMetrics, enabled: bool) -> None:
        self._app = app
        self._metrics = metrics
        self._enabled = enabled
        self._children: dict[tuple[str, str, int], Histogram] = {}

    def _observe(self, *, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, status)
        child = self._children.get(key)
        if child is None:
            child = self._metrics.http_request_duration.labels(method, route, str(status))
            if len(self._children) < MAX_BOUND_HTTP_SERIES:
                self._children[key] = child
        child.observe(seconds)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        service_var.set(self._metrics.service)
        if not self._enabled:
            await self._app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self._app(scope, receive, send_with_status)
        finally:
            self._observe(
                method=scope["method"],
                route=_route_template(scope),
                status=status,
                seconds=time.perf_counter() - started,
            )


def _route_template(scope: Scope) -> str:
    """The matched route's path template, never the raw path: raw paths hold ticket ids.

    Routing stores the matched route in the scope, which the middleware shares."""
    return str(getattr(scope.get("route"), "path", "unmatched"))
