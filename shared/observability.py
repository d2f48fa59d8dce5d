"""Each service's own Prometheus registry: HTTP, consumer and process metrics.

A registry per service (not the global one) so that in embedded mode, where four apps share
one process, each ``/metrics`` still describes its own service.
"""

import time
from collections.abc import Awaitable, Callable, Iterable

from fastapi import Request, Response
from prometheus_client import CollectorRegistry, Counter, Histogram, ProcessCollector
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from shared.bus import PartitionKey

LagSource = Callable[[], dict[PartitionKey, int]]


class _ConsumerLagCollector(Collector):
    def __init__(self) -> None:
        self.sources: list[LagSource] = []

    def collect(self) -> Iterable[Metric]:
        family = GaugeMetricFamily(
            "vigil_consumer_lag_messages",
            "Messages on the broker not yet fetched by this service, per partition.",
            labels=["topic", "partition"],
        )
        for source in self.sources:
            for (topic, partition), lag in sorted(source().items()):
                family.add_metric([topic, str(partition)], lag)
        yield family


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
        self._lag = _ConsumerLagCollector()
        self.registry.register(self._lag)

    def watch_lag(self, source: LagSource) -> None:
        self._lag.sources.append(source)

    async def http_middleware(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            return response
        finally:
            self.http_request_duration.labels(
                request.method, _route_template(request), str(status)
            ).observe(time.perf_counter() - started)


def _route_template(request: Request) -> str:
    """The matched route's path template, never the raw path: raw paths hold ticket ids.

    Routing stores the matched route in the scope, which the middleware shares."""
    route = request.scope.get("route")
    return str(getattr(route, "path", "unmatched"))
