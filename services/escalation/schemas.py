"""What escalation's routes read and answer: escalations with their timeline, activity and
notifications, on-call actions' bodies, who is on call, the audit log; and the answers
built from the stored rows (times in UTC: SQLite hands them back naive)."""

import json
import re
from datetime import datetime, timedelta
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from services.escalation import store
from shared.db import aware

MAX_SNOOZE = timedelta(hours=24)

_RFC3339 = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})[Tt](?P<hour>\d{2}):(?P<minute>\d{2}):(?P<second>\d{2})"
    r"(?P<fraction>\.\d+)?(?P<offset>[Zz]|(?P<sign>[+-])(?P<off_hour>\d{2}):(?P<off_minute>\d{2}))"
)
_LAST_MINUTE_OF_THE_DAY = 23 * 60 + 59


def _is_leap_second(match: re.Match[str]) -> bool:
    """RFC 3339 allows second 60 only in the last minute of the day in UTC."""
    minutes = int(match["hour"]) * 60 + int(match["minute"])
    if match["sign"]:
        offset = int(match["off_hour"]) * 60 + int(match["off_minute"])
        minutes -= offset if match["sign"] == "+" else -offset
    return minutes % (24 * 60) == _LAST_MINUTE_OF_THE_DAY


def _rfc3339_only(value: Any) -> Any:
    """What the documented ``date-time`` format says and no more: pydantic alone would also
    take a Unix timestamp ("0"), a space for the T, or a time without seconds. A leap second
    (23:59:60 UTC, which Python's datetime cannot hold) is read as 23:59:59."""
    if isinstance(value, int | float):
        raise ValueError("expected an RFC 3339 date-time string, not a number")
    if not isinstance(value, str):
        return value
    match = _RFC3339.fullmatch(value)
    if match is None or (match["second"] == "60" and not _is_leap_second(match)):
        raise ValueError("expected an RFC 3339 date-time with an offset, e.g. 2026-12-04T09:00:00Z")
    if match["second"] == "60":
        fraction = match["fraction"] or ""
        return f"{match['date']}T{match['hour']}:{match['minute']}:59{fraction}{match['offset']}"
    return value


OptionalRfc3339Datetime = Annotated[AwareDatetime | None, BeforeValidator(_rfc3339_only)]


class EscalationOut(BaseModel):
    id: str
    ticket_id: str
    priority: str
    category: str
    queue: str
    status: str
    received_at: datetime | None
    opened_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    resolved_at: datetime | None
    resolved_by: str | None
    policy: str | None = None
    level: int = 0
    cycle: int = 0
    assignee: str | None = None
    snoozed_until: datetime | None = None
    kind: str = Field(
        default="ticket",
        description="'ticket', or 'trend' for a detected spike (ticket_id is the trend id).",
    )


class TimelineEntry(BaseModel):
    event_id: str
    type: str
    actor: str | None
    at: datetime
    published: bool
    level: int | None = None
    target: str | None = None
    reason: str | None = None


class ActivityEntry(BaseModel):
    seq: int
    action: str
    actor: str
    at: datetime
    detail: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class NotificationOut(BaseModel):
    idempotency_key: str
    user: str
    channel: str
    reason: str
    level: int
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime
    finished_at: datetime | None


class EscalationDetail(EscalationOut):
    timeline: list[TimelineEntry] = Field(description="Every vigil.escalation.* event, in order.")
    activity: list[ActivityEntry] = Field(
        description="Everything done to it (audit entries: notes, reassignments, pages that "
        "could not be sent, deliveries ...), in order."
    )
    notifications: list[NotificationOut]


class EscalationList(BaseModel):
    items: list[EscalationOut]
    next_cursor: str | None = Field(
        default=None, description="Pass as ?cursor= for the next page; null on the last page."
    )


class ReassignIn(BaseModel):
    to: str = Field(min_length=1, max_length=128, description="A user from policies.yaml.")


class SnoozeIn(BaseModel):
    """Exactly one of ``until`` and ``minutes`` (the oneOf says so to clients)."""

    model_config = ConfigDict(
        json_schema_extra={
            "oneOf": [
                {"required": ["until"], "properties": {"until": {"type": "string"}}},
                {"required": ["minutes"], "properties": {"minutes": {"type": "integer"}}},
            ]
        }
    )

    until: OptionalRfc3339Datetime = None
    minutes: int | None = Field(default=None, ge=1, le=int(MAX_SNOOZE.total_seconds() // 60))

    @model_validator(mode="after")
    def _exactly_one(self) -> "SnoozeIn":
        if (self.until is None) == (self.minutes is None):
            raise ValueError("give exactly one of 'until' or 'minutes'")
        return self


class NoteIn(BaseModel):
    text: str = Field(min_length=1, max_length=10_000)


class OnCallOut(BaseModel):
    schedule: str
    at: datetime
    user: str | None
    source: str | None = Field(description="The layer's name, or 'override'.")
    shift_start: datetime | None
    shift_end: datetime | None


class AuditOut(ActivityEntry):
    escalation_id: str


class AuditList(BaseModel):
    items: list[AuditOut]
    next_cursor: str | None = None


def _aware(value: datetime | None) -> datetime | None:
    return aware(value) if value is not None else None


def escalation_out(escalation: store.Escalation) -> EscalationOut:
    out = EscalationOut.model_validate(escalation, from_attributes=True)
    for name in (
        "received_at",
        "opened_at",
        "acknowledged_at",
        "resolved_at",
        "snoozed_until",
    ):
        setattr(out, name, _aware(getattr(out, name)))
    return out


def _json_or_none(value: str | None) -> dict[str, Any] | None:
    if value is None:
        return None
    parsed = json.loads(value)
    return parsed if isinstance(parsed, dict) else None


def activity_entry(entry: store.AuditEntry) -> ActivityEntry:
    assert entry.seq is not None
    return ActivityEntry(
        seq=entry.seq,
        action=entry.action,
        actor=entry.actor,
        at=aware(entry.at),
        detail=entry.detail,
        before=_json_or_none(entry.before),
        after=_json_or_none(entry.after),
    )


def timeline_entry(row: store.EscalationEventRow) -> TimelineEntry:
    data = json.loads(row.payload).get("data", {})
    return TimelineEntry(
        event_id=row.event_id,
        type=row.type,
        actor=row.actor,
        at=aware(row.created_at),
        published=row.published_at is not None,
        level=data.get("level"),
        target=data.get("target"),
        reason=data.get("reason"),
    )
