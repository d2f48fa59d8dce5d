"""Events the tests put on the bus."""

import uuid
from collections.abc import Mapping
from typing import Any

from shared.events import Report, TicketReceivedData, TicketReceivedV1, utcnow


def received_report(
    report: Mapping[str, Any], *, ticket_id: str | None = None, channel: str = "tests"
) -> TicketReceivedV1:
    """Intake's event for a new report."""
    ticket_id = ticket_id or str(uuid.uuid4())
    return TicketReceivedV1(
        source="/tests",
        subject=ticket_id,
        data=TicketReceivedData(
            ticket_id=ticket_id,
            channel=channel,
            delivery_id=ticket_id,
            received_at=utcnow(),
            report=Report.model_validate(report),
        ),
    )


def received(
    title: str,
    *,
    ticket_id: str | None = None,
    subject_id: str | None = None,
    channel: str = "tests",
) -> TicketReceivedV1:
    """Intake's event for a new report titled ``title`` (about post ``subject_id``)."""
    subject = {"subject": {"type": "post", "id": subject_id}} if subject_id else {}
    return received_report({"title": title, **subject}, ticket_id=ticket_id, channel=channel)
