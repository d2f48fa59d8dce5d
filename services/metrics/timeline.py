"""A ticket's timeline, from its recorded events: each step, the time since the one before
and since the first, the categories it was ever in, and its milestone durations."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from services.metrics.domain import (
    ACKNOWLEDGED,
    ESCALATED,
    NOTIFIED,
    OPENED,
    RECEIVED,
    RESOLVED,
    TRIAGED,
    UPDATED,
)

STEP_NAMES = {
    RECEIVED: "received",
    UPDATED: "updated",
    TRIAGED: "triaged",
    OPENED: "escalation opened",
    NOTIFIED: "notified",
    ESCALATED: "escalated",
    ACKNOWLEDGED: "acknowledged",
    RESOLVED: "resolved",
}


@dataclass(frozen=True)
class TimelineEvent:
    type: str
    at: datetime
    labels: Mapping[str, str] = field(default_factory=dict)
    priority: str | None = None
    category: str | None = None


@dataclass(frozen=True)
class TimelineStep:
    type: str
    step: str
    at: datetime
    seconds_since_previous: float | None
    seconds_since_first: float
    details: dict[str, str]


def step_name(event_type: str, labels: Mapping[str, str]) -> str:
    if event_type == TRIAGED and "override" in labels:
        return "overridden"
    if event_type == TRIAGED and "revision" in labels:
        return f"re-triaged ({labels['revision']})"
    if event_type in STEP_NAMES:
        return STEP_NAMES[event_type]
    # vigil.<area>.<what>.v1 -> "<what>", e.g. a future vigil.escalation.sla_breached.v1
    parts = event_type.split(".")
    return parts[-2].replace("_", " ") if len(parts) >= 3 else event_type


def timeline(events: Sequence[TimelineEvent]) -> list[TimelineStep]:
    ordered = sorted(events, key=lambda item: item.at)
    steps: list[TimelineStep] = []
    for index, event in enumerate(ordered):
        previous = ordered[index - 1].at if index else None
        details = dict(event.labels)
        if event.priority:
            details["priority"] = event.priority
        if event.category:
            details["category"] = event.category
        steps.append(
            TimelineStep(
                type=event.type,
                step=step_name(event.type, event.labels),
                at=event.at,
                seconds_since_previous=(event.at - previous).total_seconds() if previous else None,
                seconds_since_first=(event.at - ordered[0].at).total_seconds(),
                details=details,
            )
        )
    return steps


def categories_on_timeline(events: Sequence[TimelineEvent]) -> set[str]:
    """Every category the ticket's events name: each decision's, and the one an override or
    a surge revision replaced (who may see the timeline depends on all of them)."""
    categories = {event.category for event in events if event.category}
    categories.update(
        event.labels["from_category"] for event in events if event.labels.get("from_category")
    )
    return categories


def milestone_durations(steps: Sequence[TimelineStep]) -> dict[str, float]:
    """Seconds from receipt to the first triage, acknowledgement and resolution."""
    first: dict[str, datetime] = {}
    for step in steps:
        first.setdefault(step.type, step.at)
    received = first.get(RECEIVED)
    durations: dict[str, float] = {}
    if received is None:
        return durations
    for name, event_type in (
        ("to_triage", TRIAGED),
        ("to_escalation", OPENED),
        ("to_acknowledge", ACKNOWLEDGED),
        ("to_resolve", RESOLVED),
    ):
        if event_type in first:
            durations[name] = max(0.0, (first[event_type] - received).total_seconds())
    return durations
