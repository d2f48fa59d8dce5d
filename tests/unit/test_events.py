"""The CloudEvents 1.0 envelope and every v1 event type: encode, decode, tolerate additions."""

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from shared.events import (
    EscalationAcknowledgedV1,
    EscalationData,
    EscalationEscalatedV1,
    EscalationNotifiedV1,
    EscalationOpenedV1,
    EscalationResolvedV1,
    Priority,
    Reason,
    Report,
    TicketReceivedData,
    TicketReceivedV1,
    TicketTriagedData,
    TicketTriagedV1,
    TicketUpdatedData,
    TicketUpdatedV1,
    TrendDetectedData,
    TrendDetectedV1,
    decode_event,
)

TICKET_ID = "6f1c2d9e-0000-5000-8000-000000000001"
AT = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


def _received() -> TicketReceivedV1:
    return TicketReceivedV1(
        source="/vigil/intake/channels/support",
        subject=TICKET_ID,
        traceparent=TRACEPARENT,
        data=TicketReceivedData(
            ticket_id=TICKET_ID,
            channel="support",
            delivery_id="delivery-1",
            received_at=AT,
            report=Report(title="Someone is harassing me", body="Details", tags=["dm"]),
        ),
    )


def _updated() -> TicketUpdatedV1:
    return TicketUpdatedV1(
        source="/vigil/intake/channels/support",
        subject=TICKET_ID,
        data=TicketUpdatedData(
            ticket_id=TICKET_ID, channel="support", action="resolved", updated_at=AT
        ),
    )


def _triaged() -> TicketTriagedV1:
    return TicketTriagedV1(
        source="/vigil/triage",
        subject=TICKET_ID,
        data=TicketTriagedData(
            ticket_id=TICKET_ID,
            channel="support",
            category="harassment",
            severity="medium",
            priority=Priority.P2,
            queue="trust-safety",
            reasons=[Reason(rule="tns.harassment", detail="matched", evidence=["harassing"])],
            rules_version="builtin-test",
            received_at=AT,
            triaged_at=AT + timedelta(seconds=1),
        ),
    )


def _escalation_data(status: str = "open") -> EscalationData:
    return EscalationData.model_validate(
        {
            "escalation_id": "esc-1",
            "ticket_id": TICKET_ID,
            "priority": "P0",
            "category": "threat_to_life",
            "queue": "safety-emergency",
            "status": status,
            "actor": "alice",
            "at": AT,
            "received_at": AT,
        }
    )


def _trend() -> TrendDetectedV1:
    return TrendDetectedV1(
        source="/vigil/metrics",
        subject="trend:scams_fraud:support",
        data=TrendDetectedData(
            category="scams_fraud",
            channel="support",
            window_start=AT,
            window_end=AT + timedelta(minutes=5),
            count=42,
            baseline=3.5,
            score=9.1,
        ),
    )


AnyEvent = (
    TicketReceivedV1
    | TicketUpdatedV1
    | TicketTriagedV1
    | EscalationOpenedV1
    | EscalationNotifiedV1
    | EscalationAcknowledgedV1
    | EscalationEscalatedV1
    | EscalationResolvedV1
    | TrendDetectedV1
)

EVENT_FACTORIES: list[tuple[str, Callable[[], AnyEvent]]] = [
    ("vigil.ticket.received.v1", _received),
    ("vigil.ticket.updated.v1", _updated),
    ("vigil.ticket.triaged.v1", _triaged),
    (
        "vigil.escalation.opened.v1",
        lambda: EscalationOpenedV1(
            source="/vigil/escalation", subject=TICKET_ID, data=_escalation_data()
        ),
    ),
    (
        "vigil.escalation.notified.v1",
        lambda: EscalationNotifiedV1(
            source="/vigil/escalation", subject=TICKET_ID, data=_escalation_data()
        ),
    ),
    (
        "vigil.escalation.acknowledged.v1",
        lambda: EscalationAcknowledgedV1(
            source="/vigil/escalation", subject=TICKET_ID, data=_escalation_data("acknowledged")
        ),
    ),
    (
        "vigil.escalation.escalated.v1",
        lambda: EscalationEscalatedV1(
            source="/vigil/escalation", subject=TICKET_ID, data=_escalation_data()
        ),
    ),
    (
        "vigil.escalation.resolved.v1",
        lambda: EscalationResolvedV1(
            source="/vigil/escalation", subject=TICKET_ID, data=_escalation_data("resolved")
        ),
    ),
    ("vigil.trend.detected.v1", _trend),
]


@pytest.mark.parametrize(
    ("expected_type", "factory"), EVENT_FACTORIES, ids=[name for name, _ in EVENT_FACTORIES]
)
def test_every_event_type_round_trips_through_bytes(
    expected_type: str, factory: Callable[[], AnyEvent]
) -> None:
    event = factory()

    decoded = decode_event(event.to_bytes())

    assert type(decoded) is type(event)
    assert decoded == event
    assert decoded.type == expected_type
    assert decoded.specversion == "1.0"
    assert decoded.datacontenttype == "application/json"


def test_envelope_is_structured_cloudevents_json_with_ticket_id_as_subject() -> None:
    event = _received()

    envelope = json.loads(event.to_bytes())

    assert envelope["specversion"] == "1.0"
    assert envelope["type"] == "vigil.ticket.received.v1"
    assert envelope["subject"] == TICKET_ID == envelope["data"]["ticket_id"]
    assert envelope["source"] == "/vigil/intake/channels/support"
    assert envelope["datacontenttype"] == "application/json"
    assert envelope["traceparent"] == TRACEPARENT
    assert envelope["id"]
    # RFC 3339 timestamp that parses back to an aware datetime.
    assert datetime.fromisoformat(envelope["time"]).tzinfo is not None


def test_each_event_gets_its_own_id() -> None:
    assert _received().id != _received().id


@pytest.mark.parametrize(
    "bad_type",
    ["vigil.ticket.received.v99", "vigil.unknown.v1", "", "com.example.other"],
)
def test_unknown_type_is_rejected(bad_type: str) -> None:
    envelope = json.loads(_received().to_bytes())
    envelope["type"] = bad_type

    with pytest.raises(ValidationError):
        decode_event(json.dumps(envelope).encode())


def test_missing_type_is_rejected() -> None:
    envelope = json.loads(_received().to_bytes())
    del envelope["type"]

    with pytest.raises(ValidationError):
        decode_event(json.dumps(envelope).encode())


def test_other_specversion_is_rejected() -> None:
    envelope = json.loads(_received().to_bytes())
    envelope["specversion"] = "0.3"

    with pytest.raises(ValidationError):
        decode_event(json.dumps(envelope).encode())


def test_bytes_that_are_not_json_are_rejected() -> None:
    with pytest.raises(ValidationError):
        decode_event(b"\x00not json at all")


def test_unknown_field_in_data_still_decodes() -> None:
    """Changes within a version are additive: an older consumer must accept a newer producer."""
    event = _triaged()
    envelope = json.loads(event.to_bytes())
    envelope["data"]["added_in_a_later_release"] = {"nested": [1, 2, 3]}
    envelope["data"]["reasons"][0]["confidence"] = 0.93

    decoded = decode_event(json.dumps(envelope).encode())

    assert isinstance(decoded, TicketTriagedV1)
    assert decoded.data == event.data
    assert decoded.subject == TICKET_ID


def test_an_override_without_by_bot_decodes_as_a_persons() -> None:
    """``override.by_bot`` was added later: an override event from before it still decodes."""
    envelope = json.loads(_triaged().to_bytes())
    envelope["data"]["override"] = {
        "by": "olivia",
        "reason": "duplicate",
        "at": AT.isoformat(),
        "previous": {
            "category": "harassment",
            "severity": "high",
            "priority": "P1",
            "queue": "trust-safety",
        },
    }

    decoded = decode_event(json.dumps(envelope).encode())

    assert isinstance(decoded, TicketTriagedV1)
    assert decoded.data.override is not None
    assert (decoded.data.override.by, decoded.data.override.by_bot) == ("olivia", False)


def test_unknown_envelope_extension_attribute_still_decodes() -> None:
    envelope = json.loads(_received().to_bytes())
    envelope["partitionkey"] = TICKET_ID  # another CloudEvents extension

    decoded = decode_event(json.dumps(envelope).encode())

    assert isinstance(decoded, TicketReceivedV1)
    assert decoded.data.report.title == "Someone is harassing me"


def test_data_that_breaks_the_schema_is_rejected() -> None:
    envelope = json.loads(_triaged().to_bytes())
    envelope["data"]["priority"] = "P9"

    with pytest.raises(ValidationError):
        decode_event(json.dumps(envelope).encode())
