"""Metrics' pure logic: what an event counts, what it measures, and a ticket's timeline.

Events are read tolerantly: fields other services add to a v1 type later (an ``override`` on
a triage decision, a ``level`` on an escalation, SLA and notification facts) are picked up
when present and ignored when absent, so an older producer never breaks the counting.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from shared.bus import Message
from shared.events import VigilEvent

RECEIVED = "vigil.ticket.received.v1"
UPDATED = "vigil.ticket.updated.v1"
TRIAGED = "vigil.ticket.triaged.v1"
OPENED = "vigil.escalation.opened.v1"
NOTIFIED = "vigil.escalation.notified.v1"
ACKNOWLEDGED = "vigil.escalation.acknowledged.v1"
ESCALATED = "vigil.escalation.escalated.v1"
RESOLVED = "vigil.escalation.resolved.v1"
TREND = "vigil.trend.detected.v1"

UNKNOWN = "unknown"
MAX_LABEL_LENGTH = 64

# Extra bounded labels read from an event's data when present: name in the data -> label.
_EXTRA_LABELS = {
    "queue": "queue",
    "level": "level",
    "action": "action",
    "outcome": "outcome",
    "target_type": "target_type",
    "notification_channel": "notification_channel",
    "sla_kind": "sla_kind",
    "kind": "sla_kind",
    "reason": "reason",
    "group_key": None,  # unbounded: never a label
}


@dataclass(frozen=True)
class EventFacts:
    """What the metrics service keeps of an event: bounded labels only, never ids of people.

    ``labels`` holds the extra bounded labels (queue, level, override from/to...) and
    ``seconds`` the duration from the ticket's receipt to this step, when it has one."""

    type: str
    channel: str | None = None
    category: str | None = None
    priority: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    seconds: float | None = None
    received_at: datetime | None = None

    def label(self, name: str) -> str:
        return self.labels.get(name) or UNKNOWN

    @property
    def is_override(self) -> bool:
        return "override" in self.labels

    @property
    def replaces_a_decision(self) -> bool:
        """A triage decision that replaces an earlier one of the same ticket: a person's
        override or triage's own revision (a surge raise). Not a ticket triaged again."""
        return "override" in self.labels or "revision" in self.labels


@dataclass(frozen=True)
class CounterIncrement:
    counter: str
    labels: tuple[str, ...]


@dataclass(frozen=True)
class Observation:
    histogram: str
    labels: tuple[str, ...]
    seconds: float


def encode_labels(labels: Mapping[str, str]) -> str | None:
    return json.dumps(dict(sorted(labels.items()))) if labels else None


def decode_labels(raw: str | None) -> dict[str, str]:
    if not raw:
        return {}
    loaded = json.loads(raw)
    return (
        {str(key): str(value) for key, value in loaded.items()} if isinstance(loaded, dict) else {}
    )


def _get(data: Any, name: str) -> Any:
    """A field of event data, whether a declared field, an extra one, or a dict key."""
    if isinstance(data, Mapping):
        return data.get(name)
    value = getattr(data, name, None)
    if value is None and isinstance(data, BaseModel) and data.model_extra:
        value = data.model_extra.get(name)
    return value


def _bounded(value: Any) -> str | None:
    if value is None:
        return None
    text = str(getattr(value, "value", value))
    return text[:MAX_LABEL_LENGTH] if text else None


def _seconds_between(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return max(0.0, (end - start).total_seconds())


def _extra_labels(data: Any) -> dict[str, str]:
    labels: dict[str, str] = {}
    for name, label in _EXTRA_LABELS.items():
        value = _bounded(_get(data, name))
        if label is not None and value is not None:
            labels.setdefault(label, value)
    return labels


def _override_labels(data: Any) -> dict[str, str]:
    """From -> to of a manual override carried in a triage decision, when it is one."""
    override = _get(data, "override")
    if not override:
        return {}
    labels = {"override": "true"}
    for kind in ("category", "priority"):
        for name in (f"from_{kind}", f"previous_{kind}", f"original_{kind}"):
            value = _bounded(_get(override, name))
            if value is not None:
                labels[f"from_{kind}"] = value
                break
    nested_from = _get(override, "from") or _get(override, "previous")
    if nested_from is not None:
        for kind in ("category", "priority"):
            value = _bounded(_get(nested_from, kind))
            if value is not None:
                labels.setdefault(f"from_{kind}", value)
    return labels


def _revision_labels(data: Any) -> dict[str, str]:
    """Why triage re-decided a ticket by itself (``surge``) and what it was before."""
    revision = _get(data, "revision")
    if not revision:
        return {}
    labels = {"revision": _bounded(_get(revision, "kind")) or UNKNOWN}
    previous = _get(revision, "previous")
    for kind in ("category", "priority"):
        value = _bounded(_get(previous, kind)) if previous is not None else None
        if value is not None:
            labels[f"from_{kind}"] = value
    return labels


def facts_of(event: VigilEvent) -> EventFacts:
    data: Any = event.data
    labels = _extra_labels(data)
    if event.type == TRIAGED:
        labels.update(_override_labels(data) or _revision_labels(data))
    received_at = _get(data, "received_at")
    received_at = received_at if isinstance(received_at, datetime) else None
    at = _get(data, "triaged_at") if event.type == TRIAGED else _get(data, "at")
    # A trend's escalation has no ticket: it counts, but it is no ticket's time to respond.
    measured = (
        event.type in (TRIAGED, ACKNOWLEDGED, RESOLVED)
        and "override" not in labels
        and "revision" not in labels
        and _get(data, "trend_id") is None
    )
    return EventFacts(
        type=event.type,
        channel=_bounded(_get(data, "channel")),
        category=_bounded(_get(data, "category")),
        priority=_bounded(_get(data, "priority")),
        labels=labels,
        seconds=_seconds_between(received_at, at) if measured else None,
        received_at=received_at,
    )


_ESCALATION_COUNTERS = {
    OPENED: "escalations_opened",
    ACKNOWLEDGED: "escalations_acknowledged",
    RESOLVED: "escalations_resolved",
}


def sla_signal(facts: EventFacts) -> str | None:
    """ "at_risk" or "breached" when an escalation event says so in its reason."""
    reason = facts.labels.get("reason", "").lower()
    if "sla" not in reason:
        return None
    if "breach" in reason:
        return "breached"
    if "risk" in reason:
        return "at_risk"
    return None


def notification_outcome(facts: EventFacts) -> str | None:
    for value in (facts.labels.get("outcome"), facts.labels.get("reason")):
        if value in ("delivered", "failed"):
            return value
    return None


def _sla_increment(facts: EventFacts) -> CounterIncrement | None:
    """SLA events are recognised by name, whichever service and version emits them."""
    name = facts.type.lower()
    if "sla" not in name:
        return None
    labels = (facts.priority or UNKNOWN,)
    if "breach" in name:
        return CounterIncrement("sla_breaches", labels)
    if "risk" in name:
        return CounterIncrement("sla_at_risk", labels)
    return None


def _notification_increment(facts: EventFacts) -> CounterIncrement | None:
    name = facts.type.lower()
    if "notification" not in name:
        return None
    outcome = "failed" if "fail" in name else "delivered" if "deliver" in name else None
    if outcome is None:
        return None
    return CounterIncrement("notifications", (outcome, facts.priority or UNKNOWN))


def increments_for(facts: EventFacts) -> list[CounterIncrement]:
    """Every counter one recorded event moves (the generic per-type counter included)."""
    increments = [CounterIncrement("events_recorded", (facts.type,))]
    priority = facts.priority or UNKNOWN
    if facts.type == RECEIVED:
        increments.append(CounterIncrement("tickets_received", (facts.channel or UNKNOWN,)))
    elif facts.type == UPDATED:
        increments.append(
            CounterIncrement("tickets_updated", (facts.channel or UNKNOWN, facts.label("action")))
        )
    elif facts.type == TRIAGED and facts.is_override:
        increments.append(
            CounterIncrement(
                "overrides",
                (
                    facts.label("from_category"),
                    facts.category or UNKNOWN,
                    facts.label("from_priority"),
                    priority,
                ),
            )
        )
    elif facts.type == TRIAGED and "revision" in facts.labels:
        increments.append(
            CounterIncrement(
                "triage_revisions",
                (facts.label("revision"), facts.label("from_priority"), priority),
            )
        )
    elif facts.type == TRIAGED:
        increments.append(
            CounterIncrement("tickets_triaged", (facts.category or UNKNOWN, priority))
        )
    elif facts.type in _ESCALATION_COUNTERS:
        increments.append(CounterIncrement(_ESCALATION_COUNTERS[facts.type], (priority,)))
    elif facts.type == ESCALATED:
        increments.append(
            CounterIncrement("escalations_escalated", (priority, facts.label("level")))
        )
    elif facts.type == NOTIFIED:
        increments.append(
            CounterIncrement("escalations_notified", (priority, facts.label("level")))
        )
        outcome = notification_outcome(facts)
        if outcome is not None:
            increments.append(CounterIncrement("notifications", (outcome, priority)))
    if facts.type in (OPENED, NOTIFIED, ESCALATED, ACKNOWLEDGED, RESOLVED):
        sla = sla_signal(facts)
        if sla is not None:
            counter = "sla_at_risk" if sla == "at_risk" else "sla_breaches"
            increments.append(CounterIncrement(counter, (priority,)))
    if facts.type == TREND:
        increments.append(
            CounterIncrement(
                "trends_detected", (facts.category or UNKNOWN, facts.channel or UNKNOWN)
            )
        )
    if facts.type not in _KNOWN_TYPES:
        for extra in (_sla_increment(facts), _notification_increment(facts)):
            if extra is not None:
                increments.append(extra)
    return increments


_KNOWN_TYPES = frozenset(
    {RECEIVED, UPDATED, TRIAGED, OPENED, NOTIFIED, ACKNOWLEDGED, ESCALATED, RESOLVED, TREND}
)

_DURATION_HISTOGRAMS = {
    TRIAGED: "time_to_triage",
    ACKNOWLEDGED: "time_to_acknowledge",
    RESOLVED: "time_to_resolve",
}


def observation_for(facts: EventFacts) -> Observation | None:
    """Receipt -> triage, -> acknowledgement, -> resolution, per priority."""
    histogram = _DURATION_HISTOGRAMS.get(facts.type)
    if histogram is None or facts.seconds is None:
        return None
    return Observation(histogram, (facts.priority or UNKNOWN,), facts.seconds)


# --- dead letters -----------------------------------------------------------------------


def dead_letter_identity(message: Message) -> tuple[str, int, int]:
    """The failed message's own position: each consumer group that gave up on it writes a
    record of its own, and the message is still one dead letter, counted once."""
    source_topic = message.header("vigil-source-topic")
    partition = message.header("vigil-source-partition")
    offset = message.header("vigil-source-offset")
    if source_topic and partition and offset and partition.isdigit() and offset.isdigit():
        return source_topic, int(partition), int(offset)
    return message.topic, message.partition, message.offset


def dead_letter_labels(
    *, dlq_topic: str, source_topic: str | None, error_type: str | None, prefix: str
) -> tuple[str, str]:
    """(source topic without the deployment's prefix, error type) of a dead-lettered message."""
    topic = source_topic or dlq_topic.removesuffix(".dlq")
    if prefix and topic.startswith(prefix):
        topic = topic[len(prefix) :]
    return topic[:MAX_LABEL_LENGTH], (error_type or UNKNOWN)[:MAX_LABEL_LENGTH]


# --- current state of escalations -------------------------------------------------------


ESCALATION_STATUS_BY_TYPE = {
    OPENED: "open",
    NOTIFIED: None,
    ESCALATED: None,
    ACKNOWLEDGED: "acknowledged",
    RESOLVED: "resolved",
}


@dataclass(frozen=True)
class OpenEscalation:
    """One escalation that is not resolved, as the gauges need it."""

    priority: str
    queue: str
    status: str
    opened_at: datetime
    sla_at_risk: bool = False


@dataclass(frozen=True)
class EscalationGauges:
    open_by_priority_queue: dict[tuple[str, str, str], int]
    oldest_unacknowledged_seconds: dict[str, float]
    sla_at_risk_by_priority: dict[str, int]


def escalation_gauges(escalations: Sequence[OpenEscalation], *, now: datetime) -> EscalationGauges:
    open_counts: dict[tuple[str, str, str], int] = {}
    oldest: dict[str, float] = {}
    at_risk: dict[str, int] = {}
    for escalation in escalations:
        key = (escalation.priority, escalation.queue, escalation.status)
        open_counts[key] = open_counts.get(key, 0) + 1
        if escalation.status == "open":
            age = max(0.0, (now - escalation.opened_at).total_seconds())
            oldest[escalation.priority] = max(oldest.get(escalation.priority, 0.0), age)
        if escalation.sla_at_risk:
            at_risk[escalation.priority] = at_risk.get(escalation.priority, 0) + 1
    return EscalationGauges(open_counts, oldest, at_risk)
