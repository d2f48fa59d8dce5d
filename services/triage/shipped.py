"""Triage as it ships, for tools and tests: :func:`classify` decides a report with the
shipped rules and safety model (each read from its file once per process) at the time
given, or now. The service itself passes its own (:mod:`services.triage.domain`)."""

from datetime import datetime

from services.triage.classifier import SafetyModel, shipped_model
from services.triage.domain import Decision, GroupSignal, decide
from services.triage.rules import RuleSet, builtin_rules
from shared.events import Report, utcnow


def classify(
    report: Report,
    *,
    ruleset: RuleSet | None = None,
    channel: str = "",
    received_at: datetime | None = None,
    group: GroupSignal | None = None,
    model: SafetyModel | None = None,
) -> Decision:
    return decide(
        report,
        ruleset=ruleset or builtin_rules(),
        channel=channel,
        received_at=received_at or utcnow(),
        group=group,
        model=model or shipped_model(),
    )
