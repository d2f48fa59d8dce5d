"""Metrics' pure logic: which counter an event moves, and a ticket's timeline."""

from dataclasses import dataclass
from datetime import datetime

from shared.events import (
    EscalationAcknowledgedV1,
    EscalationOpenedV1,
    EscalationResolvedV1,
    TicketReceivedV1,
    TicketTriagedV1,
    VigilEvent,
)


@dataclass(frozen=True)
class EventFacts:
    """What the metrics service keeps of an event: bounded labels only, never ids of people."""

    type: str
    channel: str | None = None
    category: str | None = None
    priority: str | None = None


@dataclass(frozen=True)
class CounterIncrement:
    counter: str
    labels: tuple[str, ...]


def facts_of(event: VigilEvent) -> EventFacts:
    match event:
        case TicketReceivedV1():
            return EventFacts(type=event.type, channel=event.data.channel)
        case TicketTriagedV1():
            data = event.data
            return EventFacts(
                type=event.type,
                channel=data.channel,
                category=data.category,
                priority=data.priority.value,
            )
        case EscalationOpenedV1() | EscalationAcknowledgedV1() | EscalationResolvedV1():
            return EventFacts(
                type=event.type, category=event.data.category, priority=event.data.priority.value
            )
        case _:
            return EventFacts(type=event.type)


_ESCALATION_COUNTERS = {
    EscalationOpenedV1.model_fields["type"].default: "escalations_opened",
    EscalationAcknowledgedV1.model_fields["type"].default: "escalations_acknowledged",
    EscalationResolvedV1.model_fields["type"].default: "escalations_resolved",
}


def increment_for(facts: EventFacts) -> CounterIncrement | None:
    if facts.type == TicketReceivedV1.model_fields["type"].default:
        return CounterIncrement("tickets_received", (facts.channel or "unknown",))
    if facts.type == TicketTriagedV1.model_fields["type"].default:
        return CounterIncrement(
            "tickets_triaged", (facts.category or "unknown", facts.priority or "unknown")
        )
    counter = _ESCALATION_COUNTERS.get(facts.type)
    if counter is not None:
        return CounterIncrement(counter, (facts.priority or "unknown",))
    return None


@dataclass(frozen=True)
class TimelineStep:
    type: str
    at: datetime
    seconds_since_previous: float | None
    seconds_since_first: float


def timeline(events: list[tuple[str, datetime]]) -> list[TimelineStep]:
    ordered = sorted(events, key=lambda item: item[1])
    steps: list[TimelineStep] = []
    for index, (event_type, at) in enumerate(ordered):
        previous = ordered[index - 1][1] if index else None
        steps.append(
            TimelineStep(
                type=event_type,
                at=at,
                seconds_since_previous=(at - previous).total_seconds() if previous else None,
                seconds_since_first=(at - ordered[0][1]).total_seconds(),
            )
        )
    return steps
