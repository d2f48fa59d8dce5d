"""The business metrics Grafana charts, registered on the metrics service's registry."""

from prometheus_client import CollectorRegistry, Counter

from services.metrics.domain import CounterIncrement


class BusinessMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self._counters: dict[str, Counter] = {
            "tickets_received": Counter(
                "vigil_tickets_received_total",
                "Tickets accepted by intake.",
                ["channel"],
                registry=registry,
            ),
            "tickets_triaged": Counter(
                "vigil_tickets_triaged_total",
                "Tickets classified by triage.",
                ["category", "priority"],
                registry=registry,
            ),
            "escalations_opened": Counter(
                "vigil_escalations_opened_total",
                "Escalations opened.",
                ["priority"],
                registry=registry,
            ),
            "escalations_acknowledged": Counter(
                "vigil_escalations_acknowledged_total",
                "Escalations acknowledged by on-call staff.",
                ["priority"],
                registry=registry,
            ),
            "escalations_resolved": Counter(
                "vigil_escalations_resolved_total",
                "Escalations resolved.",
                ["priority"],
                registry=registry,
            ),
        }

    def apply(self, increment: CounterIncrement, *, amount: int = 1) -> None:
        self._counters[increment.counter].labels(*increment.labels).inc(amount)
