"""Builders of the events the metrics service consumes, for the metrics unit tests."""

from datetime import UTC, datetime, timedelta
from typing import Any

from shared.events import (
    EscalationAcknowledgedV1,
    EscalationData,
    EscalationEscalatedV1,
    EscalationNotifiedV1,
    EscalationOpenedV1,
    EscalationResolvedV1,
    Priority,
    Report,
    TicketReceivedData,
    TicketReceivedV1,
    TicketTriagedData,
    TicketTriagedV1,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def received(ticket: str, *, at: datetime = T0, channel: str = "web") -> TicketReceivedV1:
    return TicketReceivedV1(
        source="/vigil/intake",
        subject=ticket,
        time=at,
        traceparent=TRACEPARENT,
        data=TicketReceivedData(
            ticket_id=ticket,
            channel=channel,
            delivery_id=f"d-{ticket}",
            received_at=at,
            report=Report(title="x"),
        ),
    )


def triaged(
    ticket: str,
    *,
    received_at: datetime = T0,
    seconds: float = 2.0,
    category: str = "violence",
    priority: Priority = Priority.P0,
    channel: str = "web",
    **extra: Any,
) -> TicketTriagedV1:
    data = TicketTriagedData(
        ticket_id=ticket,
        channel=channel,
        category=category,
        severity="critical",
        priority=priority,
        queue="safety",
        reasons=[],
        rules_version="1",
        received_at=received_at,
        triaged_at=received_at + timedelta(seconds=seconds),
        **extra,
    )
    return TicketTriagedV1(
        source="/vigil/triage",
        subject=ticket,
        time=received_at + timedelta(seconds=seconds),
        traceparent=TRACEPARENT,
        data=data,
    )


_ESCALATION_TYPES: dict[str, Any] = {
    "opened": (EscalationOpenedV1, "open"),
    "notified": (EscalationNotifiedV1, "open"),
    "escalated": (EscalationEscalatedV1, "open"),
    "acknowledged": (EscalationAcknowledgedV1, "acknowledged"),
    "resolved": (EscalationResolvedV1, "resolved"),
}


def escalation(
    kind: str,
    ticket: str,
    *,
    seconds: float,
    priority: Priority = Priority.P0,
    queue: str = "safety",
    received_at: datetime | None = T0,
    **extra: Any,
) -> Any:
    model, status = _ESCALATION_TYPES[kind]
    at = T0 + timedelta(seconds=seconds)
    return model(
        source="/vigil/escalation",
        subject=ticket,
        time=at,
        traceparent=TRACEPARENT,
        data=EscalationData(
            escalation_id=f"esc-{ticket}",
            ticket_id=ticket,
            priority=priority,
            category="violence",
            queue=queue,
            status=status,
            at=at,
            received_at=received_at,
            **extra,
        ),
    )
