"""Triage's own metrics, on the service's registry (bounded labels only)."""

from prometheus_client import CollectorRegistry, Counter, Gauge


class TriageMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.overrides = Counter(
            "vigil_triage_overrides_total",
            "Decisions overridden by a person, from and to category and priority.",
            ["from_category", "to_category", "from_priority", "to_priority"],
            registry=registry,
        )
        self.rules_reload_failures = Counter(
            "vigil_triage_rules_reload_failures_total",
            "Rules files or submissions rejected by validation (the active rules stay).",
            ["source"],
            registry=registry,
        )
        self.rules_revision = Gauge(
            "vigil_triage_rules_revision",
            "Revision number of the rules this replica is applying.",
            registry=registry,
        )
        self.safety_detections = Counter(
            "vigil_triage_safety_detections_total",
            "Tickets a safety detector classified, by category.",
            ["category"],
            registry=registry,
        )
