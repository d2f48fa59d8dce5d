"""The ``generic`` format: Vigil's own report schema."""

import uuid

from pydantic import ValidationError

from services.intake.adapters.common import (
    Inbound,
    NewReport,
    Parsed,
    PayloadError,
    user_report_screening,
)
from shared.events import Report


def parse_generic(inbound: Inbound) -> Parsed:
    """Vigil's own schema; the delivery id is ``Idempotency-Key`` (or a Standard Webhooks
    ``webhook-id``); without either every delivery is a new ticket."""
    try:
        report = Report.model_validate_json(inbound.body)
    except ValidationError as error:
        raise PayloadError.of(error) from error
    # Intake, not the sender, says how a report is screened.
    report.screening = user_report_screening("generic")
    delivery_id = (
        inbound.headers.get("idempotency-key")
        or inbound.headers.get("webhook-id")
        or str(uuid.uuid4())
    )
    return Parsed(items=[NewReport(identity=delivery_id, delivery_id=delivery_id, report=report)])
