"""The ``email`` format: inbound e-mail as an inbound-parse form."""

import re
import uuid

from services.intake.adapters.common import (
    BODY_MAX,
    Inbound,
    NewReport,
    Parsed,
    PayloadError,
    clip,
    report_title,
    user_report_screening,
)
from shared.events import Report, Reporter, ReportSubject

_MESSAGE_ID = re.compile(
    r"^message-id:\s*(<[^>\r\n]{1,250}>|\S{1,250})", re.IGNORECASE | re.MULTILINE
)
_TAGS = re.compile(r"<[^>]*>")
_ADDRESS = re.compile(r"<([^<>@\s]+@[^<>\s]+)>")


def _address_of(sender: str) -> str:
    match = _ADDRESS.search(sender)
    return (match.group(1) if match else sender).strip()


def _html_to_text(html: str) -> str:
    return " ".join(_TAGS.sub(" ", html).split())


def parse_email(inbound: Inbound) -> Parsed:
    """The common inbound-parse form fields: from, to, subject, text, html, headers.
    The delivery id is the message's ``Message-ID`` (a redelivered mail dedupes)."""
    form = inbound.form
    sender = form.get("from", "").strip()
    if not sender:
        raise PayloadError([{"field": "body.from", "message": "Field required"}])
    if len(sender) > 1024:
        raise PayloadError([{"field": "body.from", "message": "too long"}])
    match = _MESSAGE_ID.search(form.get("headers", ""))
    message_id = match.group(1) if match else None
    delivery_id = message_id or str(uuid.uuid4())
    text = form.get("text") or _html_to_text(form.get("html", ""))
    report = Report(
        title=report_title(form.get("subject"), "(no subject)"),
        body=clip(text, BODY_MAX),
        reporter=Reporter(id=clip(_address_of(sender), 256), type="email"),
        subject=ReportSubject(type="email", id=clip(message_id, 256) if message_id else None),
        metadata={"email": {"to": form.get("to", ""), "message_id": message_id}},
        screening=user_report_screening("email"),
    )
    return Parsed(
        items=[
            NewReport(identity=f"email\x00{delivery_id}", delivery_id=delivery_id, report=report)
        ]
    )
