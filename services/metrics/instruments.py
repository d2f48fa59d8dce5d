"""The business metrics Grafana charts, registered on the metrics service's registry.

Counters and histograms are moved by recorded events and restored from the database at
start-up; the state gauges are recomputed from the database every few seconds (see main.py),
so neither is zeroed by a restart.
"""

from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from services.metrics.domain import CounterIncrement, EscalationGauges, Observation

# Seconds: from sub-second automatic triage up to a day for a resolution.
DURATION_BUCKETS = (
    0.1,
    0.5,
    1.0,
    5.0,
    15.0,
    30.0,
    60.0,
    120.0,
    300.0,
    600.0,
    900.0,
    1800.0,
    3600.0,
    7200.0,
    14400.0,
    28800.0,
    86400.0,
)

_COUNTERS: dict[str, tuple[str, str, list[str]]] = {
    "events_recorded": (
        "vigil_business_events_total",
        "Distinct events recorded by the metrics service, by CloudEvents type.",
        ["type"],
    ),
    "tickets_received": (
        "vigil_tickets_received_total",
        "Tickets accepted by intake.",
        ["channel"],
    ),
    "tickets_updated": (
        "vigil_tickets_updated_total",
        "Updates of a ticket by its source (acknowledged, resolved, closed, edited).",
        ["channel", "action"],
    ),
    "tickets_triaged": (
        "vigil_tickets_triaged_total",
        "Tickets classified by triage (first decisions: overrides and revisions not included).",
        ["category", "priority"],
    ),
    "triage_revisions": (
        "vigil_triage_revisions_total",
        "Decisions triage itself replaced (kind: surge), from -> to priority.",
        ["kind", "from_priority", "to_priority"],
    ),
    "overrides": (
        "vigil_triage_overrides_total",
        "Manual overrides of a triage decision, from -> to.",
        ["from_category", "to_category", "from_priority", "to_priority"],
    ),
    "escalations_opened": ("vigil_escalations_opened_total", "Escalations opened.", ["priority"]),
    "escalations_escalated": (
        "vigil_escalations_escalated_total",
        "Escalations moved to a further policy level.",
        ["priority", "level"],
    ),
    "escalations_notified": (
        "vigil_escalations_notified_total",
        "On-call notifications for escalations that reached a final state, by policy level.",
        ["priority", "level"],
    ),
    "escalations_acknowledged": (
        "vigil_escalations_acknowledged_total",
        "Escalations acknowledged by on-call staff.",
        ["priority"],
    ),
    "escalations_resolved": (
        "vigil_escalations_resolved_total",
        "Escalations resolved.",
        ["priority"],
    ),
    "sla_breaches": (
        "vigil_sla_breaches_total",
        "SLA deadlines missed.",
        ["priority"],
    ),
    "sla_at_risk": (
        "vigil_sla_at_risk_total",
        "SLA deadlines flagged at risk.",
        ["priority"],
    ),
    "notifications": (
        "vigil_notifications_total",
        "Outbound notifications by outcome (delivered, failed).",
        ["outcome", "priority"],
    ),
    "dead_letters": (
        "vigil_dead_letters_total",
        "Messages on the dead-letter topics, by source topic and error type.",
        ["topic", "error_type"],
    ),
    "trends_detected": (
        "vigil_trends_detected_total",
        "Spikes detected per category and channel.",
        ["category", "channel"],
    ),
}

_HISTOGRAMS: dict[str, tuple[str, str]] = {
    "time_to_triage": (
        "vigil_ticket_time_to_triage_seconds",
        "From receipt of a ticket to its triage decision.",
    ),
    "time_to_acknowledge": (
        "vigil_ticket_time_to_acknowledge_seconds",
        "From receipt of a ticket to the acknowledgement of its escalation.",
    ),
    "time_to_resolve": (
        "vigil_ticket_time_to_resolve_seconds",
        "From receipt of a ticket to the resolution of its escalation.",
    ),
}


class _EscalationGaugeCollector(Collector):
    """Yields the latest values computed from the database (refreshed by a background job)."""

    def __init__(self) -> None:
        self.latest = EscalationGauges({}, {}, {})

    def collect(self) -> Iterable[Metric]:
        open_family = GaugeMetricFamily(
            "vigil_escalations_open",
            "Escalations not resolved yet, by priority, queue and status.",
            labels=["priority", "queue", "status"],
        )
        for (priority, queue, status), count in sorted(self.latest.open_by_priority_queue.items()):
            open_family.add_metric([priority, queue, status], count)
        yield open_family
        oldest = GaugeMetricFamily(
            "vigil_escalation_oldest_unacknowledged_seconds",
            "Age of the oldest escalation still open (not acknowledged), by priority.",
            labels=["priority"],
        )
        for priority, seconds in sorted(self.latest.oldest_unacknowledged_seconds.items()):
            oldest.add_metric([priority], seconds)
        yield oldest
        at_risk = GaugeMetricFamily(
            "vigil_sla_at_risk",
            "Unresolved escalations whose SLA is at risk now, by priority.",
            labels=["priority"],
        )
        for priority, count in sorted(self.latest.sla_at_risk_by_priority.items()):
            at_risk.add_metric([priority], count)
        yield at_risk


class BusinessMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self._counters = {
            key: Counter(name, documentation, labels, registry=registry)
            for key, (name, documentation, labels) in _COUNTERS.items()
        }
        self._histograms = {
            key: Histogram(
                name, documentation, ["priority"], buckets=DURATION_BUCKETS, registry=registry
            )
            for key, (name, documentation) in _HISTOGRAMS.items()
        }
        self._gauges = _EscalationGaugeCollector()
        registry.register(self._gauges)

    def apply(self, increment: CounterIncrement, *, amount: int = 1) -> None:
        self._counters[increment.counter].labels(*increment.labels).inc(amount)

    def observe(self, observation: Observation) -> None:
        self._histograms[observation.histogram].labels(*observation.labels).observe(
            observation.seconds
        )

    def set_gauges(self, gauges: EscalationGauges) -> None:
        self._gauges.latest = gauges
