"""The ``zendesk`` format: Zendesk event-subscription webhooks (ticket events)."""

from typing import Any

from pydantic import Field, StrictInt, StrictStr

from services.intake.adapters.common import (
    BODY_MAX,
    Inbound,
    Lenient,
    NewReport,
    Parsed,
    Update,
    clip,
    load_json,
    report_title,
    user_report_screening,
    validate,
)
from services.intake.domain import UpdateAction
from shared.events import Report, Reporter, ReportSubject

ZENDESK_PREFIX = "zen:event-type:"


class ZendeskTicketDetail(Lenient):
    # Strict: Zendesk sends these as strings or integers, never floats or booleans.
    id: StrictStr | StrictInt = Field(union_mode="left_to_right")
    subject: str | None = Field(default=None, max_length=10_000)
    description: str | None = None
    status: str | None = Field(default=None, max_length=64)
    priority: str | None = Field(default=None, max_length=64)
    requester_id: StrictStr | StrictInt | None = None
    tags: list[str] = Field(default_factory=list, max_length=200)


class ZendeskEvent(Lenient):
    id: str = Field(min_length=1, max_length=256)
    type: str = Field(min_length=1, max_length=256)
    account_id: StrictStr | StrictInt | None = None
    subject: str | None = Field(default=None, max_length=256)
    time: str | None = Field(default=None, max_length=64)
    detail: ZendeskTicketDetail
    event: dict[str, Any] = Field(default_factory=dict)


_ZENDESK_CLOSING_STATUSES: dict[str, UpdateAction] = {"solved": "resolved", "closed": "closed"}
_ZENDESK_EDITS = {"ticket.subject_changed", "ticket.description_changed"}


def _zendesk_report(event: ZendeskEvent) -> Report:
    detail = event.detail
    return Report(
        title=report_title(detail.subject, "Zendesk ticket"),
        body=clip(detail.description or "", BODY_MAX),
        reporter=Reporter(
            id=clip(str(detail.requester_id), 256) if detail.requester_id is not None else None,
            type="customer",
        ),
        subject=ReportSubject(type="zendesk_ticket", id=clip(str(detail.id), 256)),
        tags=[clip(tag, 100) for tag in detail.tags[:50]],
        metadata={
            "zendesk": {
                "account_id": event.account_id,
                "event_type": event.type,
                "status": detail.status,
                "priority": detail.priority,
            }
        },
        screening=user_report_screening("zendesk"),
    )


def parse_zendesk(inbound: Inbound) -> Parsed:
    """``ticket.created`` opens a ticket; a status change to solved / closed resolves /
    closes it; a subject or description change edits it; other events are acknowledged
    and ignored. The Zendesk ticket id is the identity, the event id the delivery id."""
    event = validate(ZendeskEvent, load_json(inbound.body))
    kind = event.type.removeprefix(ZENDESK_PREFIX)
    identity = f"zendesk-ticket\x00{event.detail.id}"
    if kind == "ticket.created":
        report = _zendesk_report(event)
        return Parsed(items=[NewReport(identity=identity, delivery_id=event.id, report=report)])
    if kind == "ticket.status_changed":
        status = str(event.event.get("current") or event.detail.status or "").lower()
        action = _ZENDESK_CLOSING_STATUSES.get(status)
        if action is None:
            return Parsed(ignored=f"status change to {status or 'unknown'} needs no action")
        return Parsed(items=[Update(identity=identity, delivery_id=event.id, action=action)])
    if kind in _ZENDESK_EDITS:
        update = Update(
            identity=identity,
            delivery_id=event.id,
            action="edited",
            report=_zendesk_report(event),
        )
        return Parsed(items=[update])
    return Parsed(ignored=f"event type {kind} needs no action")
