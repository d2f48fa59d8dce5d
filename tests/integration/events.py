"""Events the integration tests put on the bus."""

import uuid

from shared.events import Report, TicketReceivedData, TicketReceivedV1, utcnow


def received(
    title: str,
    *,
    ticket_id: str | None = None,
    subject_id: str | None = None,
    channel: str = "tests",
) -> TicketReceivedV1:
    """Intake's event for a new report (about post ``subject_id``, when given)."""
    ticket_id = ticket_id or str(uuid.uuid4())
    subject = {"subject": {"type": "post", "id": subject_id}} if subject_id else {}
    return TicketReceivedV1(
        source="/tests",
        subject=ticket_id,
        data=TicketReceivedData(
            ticket_id=ticket_id,
            channel=channel,
            delivery_id=ticket_id,
            received_at=utcnow(),
            report=Report.model_validate({"title": title, **subject}),
        ),
    )
