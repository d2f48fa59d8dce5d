"""CloudEvents 1.0 envelope (structured JSON mode) and every v1 Vigil event.

These models are the contract between services. Changes to a version are additive only;
a breaking change is a new type name, consumed side by side.
"""

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, TypeAdapter


def utcnow() -> datetime:
    return datetime.now(UTC)


class Priority(StrEnum):
    P0 = "P0"
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"


class Reporter(BaseModel):
    id: str | None = Field(default=None, max_length=256)
    type: str = Field(default="user", max_length=64)


class ReportSubject(BaseModel):
    type: str | None = Field(default=None, max_length=64)
    id: str | None = Field(default=None, max_length=256)
    url: str | None = Field(default=None, max_length=2048)


# How much of the safety screening (lexicons and classifier) triage applies to a report.
# "full": lexicons and classifier; "definite_only": only the lexicons' definite (P0)
# phrases, no review tier, no classifier; "off": none.
SafetyScreening = Literal["full", "definite_only", "off"]


class ProseSpan(BaseModel):
    """A stretch of ``title`` or ``body`` that a person wrote, ``[start:end]`` as in Python
    (``end`` None: to the end). The rest of those fields is machine output (label names
    and values, JSON keys), which safety screening must not read as a person's words."""

    model_config = ConfigDict(frozen=True)  # shared between reports: never mutated

    field: Literal["title", "body"]
    # Strict: the API's dry run takes a report as JSON, and "3" or true is no offset.
    start: StrictInt = Field(default=0, ge=0)
    end: StrictInt | None = Field(default=None, ge=0)


class Screening(BaseModel):
    """How triage screens the report, set by intake from the channel's format and its
    ``safety_screening`` (whatever a sender put here is replaced). Additive: a report
    without it (older events) is screened fully on its whole title and body, as before."""

    model_config = ConfigDict(frozen=True)  # shared between reports: never mutated

    safety: SafetyScreening = "full"
    # What a person wrote; None: all of title and body.
    prose: tuple[ProseSpan, ...] | None = Field(default=None, max_length=16)
    # A machine alert (Alertmanager, PagerDuty): its priority comes from its own severity
    # (``alert_severity``, as the source named it; None when it named none).
    alert: StrictBool = False
    alert_severity: str | None = Field(default=None, max_length=64)


class Report(BaseModel):
    """The one ticket model every channel's payload is mapped into."""

    title: str = Field(min_length=1, max_length=500)
    body: str = Field(default="", max_length=100_000)
    reporter: Reporter = Field(default_factory=Reporter)
    subject: ReportSubject = Field(default_factory=ReportSubject)
    language: str | None = Field(default=None, max_length=16)
    region: str | None = Field(default=None, max_length=16)
    tags: list[str] = Field(default_factory=list, max_length=50)
    metadata: dict[str, Any] = Field(default_factory=dict)
    screening: Screening | None = None


class Reason(BaseModel):
    """One rule or detector that fired, with the evidence it matched."""

    rule: str
    detail: str
    evidence: list[str] = Field(default_factory=list)


class TicketReceivedData(BaseModel):
    ticket_id: str
    channel: str
    delivery_id: str
    received_at: datetime
    report: Report


class TicketUpdatedData(BaseModel):
    ticket_id: str
    channel: str
    action: Literal["acknowledged", "resolved", "closed", "edited"]
    updated_at: datetime
    report: Report | None = None
    # The sender's id for this update (webhook delivery, PagerDuty dedup_key + action, ...).
    delivery_id: str | None = None


class TicketTriagedData(BaseModel):
    ticket_id: str
    channel: str
    category: str
    severity: str
    priority: Priority
    queue: str
    reasons: list[Reason]
    rules_version: str
    received_at: datetime
    triaged_at: datetime
    # Added with the rules engine (all optional: older events stay valid).
    tags: list[str] = Field(default_factory=list)
    first_response_due: datetime | None = None
    resolution_due: datetime | None = None
    sla_policies: list[str] = Field(default_factory=list)
    group_key: str | None = None
    override: "TriageOverride | None" = None
    # Additive (surge re-decisions): set when triage itself re-decided a ticket it had
    # already triaged, e.g. raised by a later surge of its group. Never set with ``override``.
    revision: "TriageRevision | None" = None


class TriageOverrideFrom(BaseModel):
    category: str
    severity: str
    priority: Priority
    queue: str


class TriageOverride(BaseModel):
    """Set when a responder's key overrode the decision; ``previous`` is what it replaced."""

    by: str
    reason: str
    at: datetime
    previous: TriageOverrideFrom
    # Additive: the key was a bot's (``bot: true`` in api_keys.yaml), not a person's. On a
    # policy that needs a person, escalation records a bot's downgrade but keeps paging.
    # Older events lack it and count as a person's.
    by_bot: bool = False


class TriageRevision(BaseModel):
    """Set when triage re-decided an earlier decision by itself (not a person's override):
    ``kind`` says why (``surge``: a later report pushed its group over the surge threshold),
    ``previous`` is what it replaced."""

    kind: str
    reason: str
    at: datetime
    previous: TriageOverrideFrom
    group_key: str | None = None
    group_count: int | None = None
    trigger_ticket_id: str | None = None


TicketTriagedData.model_rebuild()


EscalationStatus = Literal["open", "acknowledged", "resolved"]


class EscalationData(BaseModel):
    escalation_id: str
    ticket_id: str
    priority: Priority
    category: str
    queue: str
    status: EscalationStatus
    actor: str | None = None
    at: datetime
    received_at: datetime | None = None
    # Additive (escalation policies): the policy level now paged, who or what was paged,
    # and why (ack_timeout, sla_at_risk, sla_breached, reassigned, delivered, failed ...).
    level: int | None = None
    target: str | None = None
    reason: str | None = None
    # Additive (trend routing): set when the escalation was opened for a detected trend;
    # ``ticket_id`` (and the CloudEvents subject and Kafka key) is then the trend's id.
    trend_id: str | None = None


class TrendDetectedData(BaseModel):
    category: str
    channel: str
    window_start: datetime
    window_end: datetime
    count: int
    baseline: float
    score: float
    # Evidence (additive): the trend's id, the baseline windows' counts (oldest first), the
    # median absolute deviation, the score threshold and the window length in seconds.
    trend_id: str | None = None
    history: list[int] = Field(default_factory=list)
    mad: float | None = None
    threshold: float | None = None
    window_seconds: int | None = None


class _CloudEvent(BaseModel):
    specversion: Literal["1.0"] = "1.0"
    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    source: str
    subject: str
    time: datetime = Field(default_factory=utcnow)
    datacontenttype: Literal["application/json"] = "application/json"
    traceparent: str | None = None

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()


class TicketReceivedV1(_CloudEvent):
    type: Literal["vigil.ticket.received.v1"] = "vigil.ticket.received.v1"
    data: TicketReceivedData


class TicketUpdatedV1(_CloudEvent):
    type: Literal["vigil.ticket.updated.v1"] = "vigil.ticket.updated.v1"
    data: TicketUpdatedData


class TicketTriagedV1(_CloudEvent):
    type: Literal["vigil.ticket.triaged.v1"] = "vigil.ticket.triaged.v1"
    data: TicketTriagedData


class EscalationOpenedV1(_CloudEvent):
    type: Literal["vigil.escalation.opened.v1"] = "vigil.escalation.opened.v1"
    data: EscalationData


class EscalationNotifiedV1(_CloudEvent):
    type: Literal["vigil.escalation.notified.v1"] = "vigil.escalation.notified.v1"
    data: EscalationData


class EscalationAcknowledgedV1(_CloudEvent):
    type: Literal["vigil.escalation.acknowledged.v1"] = "vigil.escalation.acknowledged.v1"
    data: EscalationData


class EscalationEscalatedV1(_CloudEvent):
    type: Literal["vigil.escalation.escalated.v1"] = "vigil.escalation.escalated.v1"
    data: EscalationData


class EscalationResolvedV1(_CloudEvent):
    type: Literal["vigil.escalation.resolved.v1"] = "vigil.escalation.resolved.v1"
    data: EscalationData


class TrendDetectedV1(_CloudEvent):
    type: Literal["vigil.trend.detected.v1"] = "vigil.trend.detected.v1"
    data: TrendDetectedData


EscalationEvent = (
    EscalationOpenedV1
    | EscalationNotifiedV1
    | EscalationAcknowledgedV1
    | EscalationEscalatedV1
    | EscalationResolvedV1
)

VigilEvent = Annotated[
    TicketReceivedV1 | TicketUpdatedV1 | TicketTriagedV1 | EscalationEvent | TrendDetectedV1,
    Field(discriminator="type"),
]

_EVENT_ADAPTER: TypeAdapter[VigilEvent] = TypeAdapter(VigilEvent)


def decode_event(raw: bytes) -> VigilEvent:
    """Parse any Vigil event; raises pydantic.ValidationError on anything else."""
    return _EVENT_ADAPTER.validate_json(raw)
