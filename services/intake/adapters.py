"""Payload adapters: each channel format mapped into the one ticket model. Pure functions.

An adapter turns one request into zero or more items: a ``NewReport`` (a ticket to open)
or an ``Update`` (the source acknowledged, resolved, closed or edited a report it sent
before). ``identity`` names the report at its source and decides the ticket id, so a
redelivery, and every later update of the same report, maps to the same ticket.
Malformed payloads raise ``PayloadError`` naming the fields; nothing here raises anything else.

Each report also says which of its text a person wrote (``Report.screening.prose``), so
triage's safety screening reads only that: the title and body of the user-report formats
(generic, Zendesk subject and description, GitHub issue title and body, e-mail subject and
text); of a machine alert only its human-written summary and description, never the label
and annotation names, ``alertname``, ``instance`` or PagerDuty's ``custom_details`` keys.
"""

import hashlib
import json
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

import pydantic_core
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, ValidationError

from services.intake.domain import DEFAULT_SAFETY_SCREENING, PayloadFormat, UpdateAction
from shared.events import (
    ProseSpan,
    Report,
    Reporter,
    ReportSubject,
    SafetyScreening,
    Screening,
)

ModelT = TypeVar("ModelT", bound=BaseModel)

TITLE_MAX = 500
BODY_MAX = 100_000


class PayloadError(Exception):
    """The payload does not match its format; ``errors`` are ``{field, message}`` items."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("; ".join(f"{item['field']}: {item['message']}" for item in errors))
        self.errors = errors

    @classmethod
    def of(cls, error: ValidationError, *, prefix: str = "body") -> "PayloadError":
        return cls(
            [
                {
                    "field": ".".join([prefix, *(str(part) for part in item["loc"])]),
                    "message": item["msg"],
                }
                for item in error.errors()
            ]
        )


@dataclass(frozen=True)
class NewReport:
    identity: str
    delivery_id: str
    report: Report


@dataclass(frozen=True)
class Update:
    identity: str
    delivery_id: str
    action: UpdateAction
    report: Report | None = None


Item = NewReport | Update


@dataclass(frozen=True)
class SlackReply:
    """How a ``slack`` delivery is answered (always 200, in Slack's shapes): with the
    ``challenge`` of a url_verification, with an ephemeral message to the user of the
    slash ``command`` (naming the ticket, or saying how to use it when there is none), or
    with neither for any other event."""

    challenge: str | None = None
    command: str | None = None


@dataclass(frozen=True)
class Parsed:
    items: list[Item] = field(default_factory=list)
    ignored: str | None = None  # why a valid delivery produced nothing (e.g. GitHub ping)
    dedup_key: str | None = None  # PagerDuty answers with it
    slack: SlackReply | None = None  # Slack is answered in its own shapes


@dataclass(frozen=True)
class Inbound:
    """What an adapter may look at: headers (lower-case names), raw body, parsed form."""

    headers: Mapping[str, str]
    body: bytes = b""
    form: Mapping[str, str] = field(default_factory=dict)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _title(text: str | None, fallback: str) -> str:
    cleaned = " ".join((text or "").split())
    return _clip(cleaned or fallback, TITLE_MAX)


def _load_json(body: bytes) -> Any:
    try:
        # pydantic's parser bounds the nesting depth (json.loads would hit RecursionError).
        return pydantic_core.from_json(body)
    except ValueError as error:
        raise PayloadError([{"field": "body", "message": f"not valid JSON: {error}"}]) from error


def _validate(model: type[ModelT], raw: Any) -> ModelT:
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        raise PayloadError.of(error) from error


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="allow")


# --- what a person wrote ----------------------------------------------------------------

_WHOLE_REPORT = (ProseSpan(field="title"), ProseSpan(field="body"))
# Built once: every report of a user-report format shares one (frozen) instance.
_USER_REPORT: dict[SafetyScreening, Screening] = {
    mode: Screening(safety=mode, prose=_WHOLE_REPORT) for mode in ("full", "definite_only", "off")
}
ALERT_SEVERITY_MAX = 64


def user_report_screening(payload_format: PayloadFormat) -> Screening:
    """A person wrote all of the title and body."""
    return _USER_REPORT[DEFAULT_SAFETY_SCREENING[payload_format]]


def alert_screening(
    payload_format: PayloadFormat, *, prose: list[ProseSpan], severity: str | None
) -> Screening:
    return Screening(
        safety=DEFAULT_SAFETY_SCREENING[payload_format],
        prose=tuple(prose),
        alert=True,
        alert_severity=_clip(severity, ALERT_SEVERITY_MAX) if severity else None,
    )


# --- generic ----------------------------------------------------------------------------


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


# --- Prometheus Alertmanager (webhook version 4) ----------------------------------------


class AlertmanagerAlert(_Lenient):
    status: Literal["firing", "resolved"]
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    startsAt: str = Field(min_length=1, max_length=64)
    endsAt: str = Field(default="", max_length=64)
    generatorURL: str = Field(default="", max_length=2048)
    fingerprint: str = Field(min_length=1, max_length=256)


class AlertmanagerPayload(_Lenient):
    version: Literal["4"]
    groupKey: str = Field(min_length=1, max_length=4096)
    status: Literal["firing", "resolved"]
    receiver: str = Field(default="", max_length=256)
    externalURL: str = Field(default="", max_length=2048)
    alerts: list[AlertmanagerAlert] = Field(max_length=1000)


def _alert_report(payload: AlertmanagerPayload, alert: AlertmanagerAlert) -> Report:
    labels, annotations = alert.labels, alert.annotations
    summary = annotations.get("summary") or annotations.get("title")
    title = summary or labels.get("alertname")
    description = annotations.get("description") or annotations.get("message") or ""
    label_lines = "\n".join(f"{key}={value}" for key, value in sorted(labels.items()))
    body = f"{description}\n\nLabels:\n{label_lines}".strip() if labels else description
    tags = [f"{name}:{labels[name]}" for name in ("alertname", "severity") if name in labels]
    # The summary and description annotations are what the rule's author wrote; the title
    # falling back to alertname and the label lines under the description are labels.
    prose = [ProseSpan(field="title")] if summary and summary.strip() else []
    if description.strip():
        # The body starts with the description (its leading blanks stripped with labels).
        prose.append(
            ProseSpan(field="body", end=len(description.lstrip()) if labels else len(description))
        )
    return Report(
        title=_title(title, "Alertmanager alert"),
        body=_clip(body, BODY_MAX),
        reporter=Reporter(id=_clip(payload.receiver, 256) or None, type="alertmanager"),
        subject=ReportSubject(type="alert", id=alert.fingerprint, url=alert.generatorURL or None),
        tags=tags,
        metadata={
            "alertmanager": {
                "group_key": payload.groupKey,
                "labels": labels,
                "annotations": annotations,
                "starts_at": alert.startsAt,
                "external_url": payload.externalURL,
            }
        },
        screening=alert_screening("alertmanager", prose=prose, severity=labels.get("severity")),
    )


def parse_alertmanager(inbound: Inbound) -> Parsed:
    """One ticket per alert. Identity = groupKey + fingerprint + startsAt: repeated
    notifications of a firing alert dedupe, a resolved one updates that ticket, and the
    same alert firing again later (new startsAt) is a new ticket."""
    payload = _validate(AlertmanagerPayload, _load_json(inbound.body))
    items: list[Item] = []
    for alert in payload.alerts:
        identity = f"alertmanager\x00{payload.groupKey}\x00{alert.fingerprint}\x00{alert.startsAt}"
        if alert.status == "firing":
            delivery_id = f"{alert.fingerprint}@{alert.startsAt}"
            items.append(
                NewReport(
                    identity=identity,
                    delivery_id=delivery_id,
                    report=_alert_report(payload, alert),
                )
            )
        else:
            items.append(
                Update(
                    identity=identity,
                    delivery_id=f"{alert.fingerprint}@{alert.startsAt}/resolved@{alert.endsAt}",
                    action="resolved",
                )
            )
    return Parsed(items=items, ignored=None if items else "no alerts in the notification")


# --- PagerDuty Events API v2 ------------------------------------------------------------


class PagerDutyPayloadBody(_Lenient):
    summary: str = Field(min_length=1, max_length=1024)
    source: str = Field(min_length=1, max_length=255)
    severity: Literal["critical", "error", "warning", "info"]
    timestamp: str | None = Field(default=None, max_length=64)
    component: str | None = Field(default=None, max_length=255)
    group: str | None = Field(default=None, max_length=255)
    # "class" is a Python keyword: read it through the alias.
    event_class: str | None = Field(default=None, alias="class", max_length=255)
    custom_details: Any = None


class PagerDutyEvent(_Lenient):
    routing_key: str = Field(min_length=1, max_length=256)
    event_action: Literal["trigger", "acknowledge", "resolve"]
    dedup_key: str | None = Field(default=None, min_length=1, max_length=255)
    payload: PagerDutyPayloadBody | None = None
    client: str | None = Field(default=None, max_length=255)
    client_url: str | None = Field(default=None, max_length=2048)


_PAGERDUTY_ACTIONS: dict[str, UpdateAction] = {
    "acknowledge": "acknowledged",
    "resolve": "resolved",
}


def _pagerduty_report(event: PagerDutyEvent, payload: PagerDutyPayloadBody) -> Report:
    details = payload.custom_details
    details_text = (
        details if isinstance(details, str) else json.dumps(details, indent=2, sort_keys=True)
    )
    context = [
        f"{name}: {value}"
        for name, value in (
            ("source", payload.source),
            ("component", payload.component),
            ("group", payload.group),
            ("class", payload.event_class),
        )
        if value
    ]
    lines = "\n".join(context)
    body = lines + (f"\n\n{details_text}" if details is not None else "")
    # The summary is the one sentence the sending tool wrote for people; free-form details
    # are too when they are a string. Context fields and custom_details objects are machine
    # output (key names, metrics, rendered labels).
    prose = [ProseSpan(field="title")]
    if isinstance(details, str) and details.strip():
        prose.append(ProseSpan(field="body", start=len(lines) + 2))
    return Report(
        title=_title(payload.summary, "PagerDuty event"),
        body=_clip(body, BODY_MAX),
        reporter=Reporter(id=_clip(event.client, 256) if event.client else None, type="monitor"),
        subject=ReportSubject(type="service", id=payload.source, url=event.client_url),
        tags=[f"severity:{payload.severity}"],
        metadata={
            "pagerduty": {
                "severity": payload.severity,
                "source": payload.source,
                "component": payload.component,
                "group": payload.group,
                "class": payload.event_class,
                "timestamp": payload.timestamp,
                "custom_details": details,
            }
        },
        screening=alert_screening("pagerduty", prose=prose, severity=payload.severity),
    )


def parse_pagerduty(inbound: Inbound) -> Parsed:
    """``trigger`` opens (or dedupes into) the ticket of its ``dedup_key`` (one is made up
    when absent, as PagerDuty does); ``acknowledge`` / ``resolve`` update it."""
    event = _validate(PagerDutyEvent, _load_json(inbound.body))
    if event.event_action == "trigger":
        if event.payload is None:
            raise PayloadError([{"field": "body.payload", "message": "required for trigger"}])
        dedup_key = event.dedup_key or uuid.uuid4().hex
        report = _pagerduty_report(event, event.payload)
        return Parsed(
            items=[NewReport(identity=dedup_key, delivery_id=dedup_key, report=report)],
            dedup_key=dedup_key,
        )
    if event.dedup_key is None:
        raise PayloadError(
            [{"field": "body.dedup_key", "message": f"required for {event.event_action}"}]
        )
    action = _PAGERDUTY_ACTIONS[event.event_action]
    update = Update(
        identity=event.dedup_key, delivery_id=f"{event.dedup_key}/{action}", action=action
    )
    return Parsed(items=[update], dedup_key=event.dedup_key)


# --- PagerDuty Events API v2: change events ---------------------------------------------


class PagerDutyChangePayload(_Lenient):
    summary: str = Field(min_length=1, max_length=1024)
    source: str | None = Field(default=None, max_length=255)
    timestamp: str | None = Field(default=None, max_length=64)
    custom_details: Any = None


class PagerDutyLink(_Lenient):
    href: str = Field(min_length=1, max_length=2048)
    text: str | None = Field(default=None, max_length=1024)


class PagerDutyChangeEvent(_Lenient):
    routing_key: str = Field(min_length=1, max_length=256)
    payload: PagerDutyChangePayload
    links: list[PagerDutyLink] = Field(default_factory=list, max_length=50)


# A change is no problem to page anyone about: it is recorded as an informational alert
# (rules.yaml ``alerts``: info is P4), so it sits on the timeline beside the incidents.
CHANGE_SEVERITY = "info"


def _pagerduty_change_report(event: PagerDutyChangeEvent) -> Report:
    payload = event.payload
    details = payload.custom_details
    lines = [f"{name}: {value}" for name, value in (("source", payload.source),) if value]
    lines += [f"link: {link.text + ' ' if link.text else ''}{link.href}" for link in event.links]
    context = "\n".join(lines)
    details_text = (
        details if isinstance(details, str) else json.dumps(details, indent=2, sort_keys=True)
    )
    separator = "\n\n" if context else ""
    body = context + (separator + details_text if details is not None else "")
    prose = [ProseSpan(field="title")]
    if isinstance(details, str) and details.strip():
        prose.append(ProseSpan(field="body", start=len(context) + len(separator)))
    return Report(
        title=_title(payload.summary, "PagerDuty change event"),
        body=_clip(body, BODY_MAX),
        reporter=Reporter(type="monitor"),
        subject=ReportSubject(
            type="change", id=_clip(payload.source, 256) if payload.source else None
        ),
        tags=["pagerduty:change", f"severity:{CHANGE_SEVERITY}"],
        metadata={
            "pagerduty": {
                "kind": "change",
                "source": payload.source,
                "timestamp": payload.timestamp,
                "custom_details": details,
                "links": [link.model_dump(exclude_none=True) for link in event.links],
            }
        },
        screening=alert_screening("pagerduty", prose=prose, severity=CHANGE_SEVERITY),
    )


def parse_pagerduty_change(inbound: Inbound) -> Parsed:
    """A change event (``POST .../v2/change/enqueue``): a deploy, a merged pull request, a
    rotated secret. It has no dedup_key; its identity is a digest of the event (without the
    routing key), so a client's retry of the same event is the same ticket, while the next
    change (a new timestamp, by default the time it was sent) is a new one."""
    raw = _load_json(inbound.body)
    event = _validate(PagerDutyChangeEvent, raw)
    canonical = json.dumps(
        {key: value for key, value in raw.items() if key != "routing_key"},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    identity = f"pagerduty-change\x00{digest}"
    report = _pagerduty_change_report(event)
    return Parsed(
        items=[NewReport(identity=identity, delivery_id=f"change/{digest}", report=report)]
    )


# --- Zendesk (event-subscription webhooks, ticket events) -------------------------------

ZENDESK_PREFIX = "zen:event-type:"


class ZendeskTicketDetail(_Lenient):
    # Strict: Zendesk sends these as strings or integers, never floats or booleans.
    id: StrictStr | StrictInt = Field(union_mode="left_to_right")
    subject: str | None = Field(default=None, max_length=10_000)
    description: str | None = None
    status: str | None = Field(default=None, max_length=64)
    priority: str | None = Field(default=None, max_length=64)
    requester_id: StrictStr | StrictInt | None = None
    tags: list[str] = Field(default_factory=list, max_length=200)


class ZendeskEvent(_Lenient):
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
        title=_title(detail.subject, "Zendesk ticket"),
        body=_clip(detail.description or "", BODY_MAX),
        reporter=Reporter(
            id=_clip(str(detail.requester_id), 256) if detail.requester_id is not None else None,
            type="customer",
        ),
        subject=ReportSubject(type="zendesk_ticket", id=_clip(str(detail.id), 256)),
        tags=[_clip(tag, 100) for tag in detail.tags[:50]],
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
    event = _validate(ZendeskEvent, _load_json(inbound.body))
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


# --- GitHub issues ----------------------------------------------------------------------


class GitHubUser(_Lenient):
    login: str = Field(default="", max_length=256)


class GitHubLabel(_Lenient):
    name: str = Field(default="", max_length=256)


class GitHubIssue(_Lenient):
    id: int
    number: int
    title: str = Field(max_length=1024)
    body: str | None = None
    html_url: str | None = Field(default=None, max_length=2048)
    user: GitHubUser | None = None
    labels: list[GitHubLabel] = Field(default_factory=list, max_length=200)


class GitHubRepository(_Lenient):
    full_name: str = Field(default="", max_length=512)


class GitHubIssuesEvent(_Lenient):
    action: str = Field(min_length=1, max_length=64)
    issue: GitHubIssue
    repository: GitHubRepository | None = None


GITHUB_DELIVERY_MAX = 256
_GITHUB_UPDATES: dict[str, UpdateAction] = {"edited": "edited", "closed": "closed"}


def _github_report(event: GitHubIssuesEvent) -> Report:
    issue = event.issue
    repository = event.repository.full_name if event.repository else ""
    return Report(
        title=_title(issue.title, f"GitHub issue #{issue.number}"),
        body=_clip(issue.body or "", BODY_MAX),
        reporter=Reporter(id=issue.user.login if issue.user else None, type="github"),
        subject=ReportSubject(type="github_issue", id=str(issue.id), url=issue.html_url),
        tags=[_clip(label.name, 100) for label in issue.labels[:50] if label.name],
        metadata={"github": {"repository": repository, "number": issue.number}},
        screening=user_report_screening("github"),
    )


def parse_github(inbound: Inbound) -> Parsed:
    """``issues`` events: opened → a ticket, edited / closed → updates of it. The delivery
    id is ``X-GitHub-Delivery`` (kept by GitHub's own redeliveries); the identity is the
    issue's id. ``ping`` and other events are acknowledged and ignored."""
    kind = inbound.headers.get("x-github-event", "")
    delivery_id = inbound.headers.get("x-github-delivery", "")
    if not delivery_id:
        raise PayloadError([{"field": "header.x-github-delivery", "message": "required"}])
    if len(delivery_id) > GITHUB_DELIVERY_MAX:
        raise PayloadError(
            [
                {
                    "field": "header.x-github-delivery",
                    "message": f"at most {GITHUB_DELIVERY_MAX} characters",
                }
            ]
        )
    raw = _load_json(inbound.body)
    if not isinstance(raw, dict):  # every GitHub event, a ping too, is a JSON object
        raise PayloadError([{"field": "body", "message": "not a JSON object"}])
    if kind != "issues":
        return Parsed(ignored=f"event {kind or 'unknown'} needs no action")
    event = _validate(GitHubIssuesEvent, raw)
    identity = f"github-issue\x00{event.issue.id}"
    if event.action == "opened":
        return Parsed(
            items=[
                NewReport(identity=identity, delivery_id=delivery_id, report=_github_report(event))
            ]
        )
    action = _GITHUB_UPDATES.get(event.action)
    if action is None:
        return Parsed(ignored=f"issue action {event.action} needs no action")
    report = _github_report(event) if action == "edited" else None
    return Parsed(
        items=[Update(identity=identity, delivery_id=delivery_id, action=action, report=report)]
    )


# --- inbound e-mail ---------------------------------------------------------------------

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
        title=_title(form.get("subject"), "(no subject)"),
        body=_clip(text, BODY_MAX),
        reporter=Reporter(id=_clip(_address_of(sender), 256), type="email"),
        subject=ReportSubject(type="email", id=_clip(message_id, 256) if message_id else None),
        metadata={"email": {"to": form.get("to", ""), "message_id": message_id}},
        screening=user_report_screening("email"),
    )
    return Parsed(
        items=[
            NewReport(identity=f"email\x00{delivery_id}", delivery_id=delivery_id, report=report)
        ]
    )


# --- Slack: Events API and slash commands -----------------------------------------------

SLACK_ID_MAX = 64
SLACK_TITLE_MAX = 120


def _slack_id() -> Any:
    return Field(default=None, max_length=SLACK_ID_MAX)


class SlackMessage(_Lenient):
    """The message inside a ``message_changed`` event (and its ``previous_message``)."""

    type: StrictStr | None = _slack_id()
    subtype: StrictStr | None = _slack_id()
    user: StrictStr | None = _slack_id()
    bot_id: StrictStr | None = _slack_id()
    text: StrictStr | None = None
    ts: StrictStr | None = _slack_id()
    thread_ts: StrictStr | None = _slack_id()


class SlackInnerEvent(SlackMessage):
    """The ``event`` of an ``event_callback``: a ``message`` or ``app_mention`` is read,
    every other type is acknowledged and ignored."""

    type: StrictStr = Field(min_length=1, max_length=SLACK_ID_MAX)
    channel: StrictStr | None = _slack_id()
    channel_type: StrictStr | None = _slack_id()
    event_ts: StrictStr | None = _slack_id()
    message: SlackMessage | None = None
    previous_message: SlackMessage | None = None


class SlackEventsPayload(_Lenient):
    """What Slack's Events API posts (JSON): a ``url_verification`` (with its
    ``challenge``), an ``event_callback`` (with ``event_id`` and ``event``), or another
    type (``app_rate_limited``), acknowledged and ignored."""

    type: StrictStr = Field(min_length=1, max_length=SLACK_ID_MAX)
    challenge: StrictStr | None = Field(default=None, min_length=1, max_length=256)
    event_id: StrictStr | None = Field(default=None, min_length=1, max_length=256)
    team_id: StrictStr | None = _slack_id()
    enterprise_id: StrictStr | None = _slack_id()
    api_app_id: StrictStr | None = _slack_id()
    event: SlackInnerEvent | None = None


class SlackSlashCommand(_Lenient):
    """A slash command's URL-encoded form (``token`` and ``response_url`` are not kept:
    the signature authenticates, and the URL lets anyone post into the channel)."""

    command: StrictStr = Field(min_length=1, max_length=SLACK_ID_MAX)
    text: StrictStr = ""
    user_id: StrictStr = Field(min_length=1, max_length=SLACK_ID_MAX)
    trigger_id: StrictStr = Field(min_length=1, max_length=256)
    team_id: StrictStr = Field(default="", max_length=SLACK_ID_MAX)
    team_domain: StrictStr = Field(default="", max_length=256)
    enterprise_id: StrictStr = Field(default="", max_length=SLACK_ID_MAX)
    channel_id: StrictStr = Field(default="", max_length=SLACK_ID_MAX)
    channel_name: StrictStr = Field(default="", max_length=256)
    api_app_id: StrictStr = Field(default="", max_length=SLACK_ID_MAX)


# Message subtypes a person wrote as a new message; ``message_changed`` edits one. Every
# other subtype (``bot_message``, ``message_deleted``, joins, topic changes, ...) is no
# report: a deleted message's ticket stays, as the report it was.
_SLACK_PERSON_SUBTYPES = frozenset({None, "file_share", "thread_broadcast", "me_message"})
_SLACK_MARKUP = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")


def _slack_markup(match: re.Match[str]) -> str:
    target, label = match.group(1), match.group(2)
    if target[:1] in ("@", "#"):  # <@U123>, <#C123|general>
        return target[0] + (label or target[1:])
    if target.startswith("!"):  # <!here>, <!subteam^S1|@team>, <!date^...|fallback>
        return label or "@" + target[1:].split("^")[0]
    if target.startswith("mailto:"):
        return label or target.removeprefix("mailto:")
    return f"{label} ({target})" if label and label != target else target


def slack_text(text: str) -> str:
    """Slack's message markup as people read it: mentions, channels and links rendered,
    ``&amp;`` ``&lt;`` ``&gt;`` unescaped (what triage's screening should read)."""
    rendered = _SLACK_MARKUP.sub(_slack_markup, text)
    return rendered.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _slack_title(text: str, fallback: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return _clip(" ".join(first.split()) or fallback, SLACK_TITLE_MAX)


def _slack_report(
    *,
    text: str,
    user: str,
    subject: ReportSubject,
    metadata: dict[str, Any],
    fallback: str,
) -> Report:
    readable = slack_text(text).strip()
    return Report(
        title=_slack_title(readable, fallback),
        body=_clip(readable, BODY_MAX),
        reporter=Reporter(id=user, type="slack"),
        subject=subject,
        tags=[f"slack:{metadata['kind']}"],
        metadata={"slack": metadata},
        screening=user_report_screening("slack"),
    )


@dataclass(frozen=True)
class _SlackPost:
    """A message a person wrote, with everything a report of it needs."""

    channel: str
    user: str
    ts: str
    text: str
    thread_ts: str | None
    channel_type: str | None  # channel, group, im (a direct message to the app), mpim


def _slack_post(message: SlackMessage, event: SlackInnerEvent) -> _SlackPost | str:
    """The message as a person's post, or why it is no report."""
    if message.bot_id or message.subtype == "bot_message":
        return "a bot's message is no report"
    if message.subtype not in _SLACK_PERSON_SUBTYPES:
        return f"message subtype {message.subtype} needs no action"
    if not message.text or not message.text.strip():
        return "a message without text is no report"
    channel = event.channel
    if not (message.user and message.ts and channel):
        return "a message without user, ts or channel is no report"
    thread_ts = message.thread_ts if message.thread_ts != message.ts else None
    return _SlackPost(
        channel, message.user, message.ts, message.text, thread_ts, event.channel_type
    )


def _slack_message_identity(post: _SlackPost) -> str:
    # A message's identity is its channel and ts: Slack's retries (same event_id), the
    # same message delivered both as a message and as an app_mention, and its edits are
    # one ticket.
    return f"slack-message\x00{post.channel}\x00{post.ts}"


def _slack_message_report(payload: SlackEventsPayload, post: _SlackPost, kind: str) -> Report:
    if kind == "message" and post.thread_ts:
        kind = "thread_reply"
    return _slack_report(
        text=post.text,
        user=post.user,
        subject=ReportSubject(type="slack_message", id=f"{post.channel}/{post.ts}"),
        metadata={
            "kind": kind,
            "team_id": payload.team_id,
            "channel": post.channel,
            "channel_type": post.channel_type,
            "ts": post.ts,
            "thread_ts": post.thread_ts,
            "event_id": payload.event_id,
        },
        fallback="Slack message",
    )


def _slack_event(payload: SlackEventsPayload, event: SlackInnerEvent, event_id: str) -> Parsed:
    reply = SlackReply()
    if event.type not in ("message", "app_mention"):
        return Parsed(ignored=f"event type {event.type} needs no action", slack=reply)
    if event.subtype == "message_changed":
        if event.message is None:
            return Parsed(ignored="message_changed without its message", slack=reply)
        edited = _slack_post(event.message, event)
        if isinstance(edited, str):
            return Parsed(ignored=edited, slack=reply)
        previous = event.previous_message
        if previous is not None and previous.text == edited.text:  # a link unfurled
            return Parsed(ignored="an edit that left the text as it was", slack=reply)
        update = Update(
            identity=_slack_message_identity(edited),
            delivery_id=event_id,
            action="edited",
            report=_slack_message_report(payload, edited, "message"),
        )
        return Parsed(items=[update], slack=reply)
    post = _slack_post(event, event)
    if isinstance(post, str):
        return Parsed(ignored=post, slack=reply)
    report = _slack_message_report(
        payload, post, "mention" if event.type == "app_mention" else "message"
    )
    item = NewReport(identity=_slack_message_identity(post), delivery_id=event_id, report=report)
    return Parsed(items=[item], slack=reply)


def _slack_events_api(inbound: Inbound) -> Parsed:
    payload = _validate(SlackEventsPayload, _load_json(inbound.body))
    if payload.type == "url_verification":
        if payload.challenge is None:
            raise PayloadError(
                [{"field": "body.challenge", "message": "required for url_verification"}]
            )
        return Parsed(ignored="url_verification", slack=SlackReply(challenge=payload.challenge))
    if payload.type != "event_callback":
        return Parsed(ignored=f"callback type {payload.type} needs no action", slack=SlackReply())
    if payload.event_id is None or payload.event is None:
        missing = [name for name in ("event_id", "event") if getattr(payload, name) is None]
        raise PayloadError(
            [
                {"field": f"body.{name}", "message": "required for event_callback"}
                for name in missing
            ]
        )
    return _slack_event(payload, payload.event, payload.event_id)


SLACK_HELP = frozenset({"", "help"})


def _slack_command(inbound: Inbound) -> Parsed:
    command = _validate(SlackSlashCommand, dict(inbound.form))
    reply = SlackReply(command=command.command)
    if command.text.strip().lower() in SLACK_HELP:
        return Parsed(ignored="a slash command without text is no report", slack=reply)
    report = _slack_report(
        text=command.text,
        user=command.user_id,
        # The channel the command was typed in is not what the report is about (reports
        # sharing a subject count towards a surge): it is in the metadata.
        subject=ReportSubject(type="slack_command"),
        metadata={
            "kind": "command",
            "command": command.command,
            "team_id": command.team_id or None,
            "team_domain": command.team_domain or None,
            "channel": command.channel_id or None,
            "channel_name": command.channel_name or None,
            "trigger_id": command.trigger_id,
        },
        fallback="Slack report",
    )
    # Slack never retries a slash command: each trigger_id is one invocation.
    identity = f"slack-command\x00{command.trigger_id}"
    return Parsed(
        items=[NewReport(identity=identity, delivery_id=command.trigger_id, report=report)],
        slack=reply,
    )


def parse_slack(inbound: Inbound) -> Parsed:
    """Slack's own requests: a slash command's form (``/report <text>`` is a report whose
    ticket the reply names; no text, or ``help``, is answered with how to use it), or an
    Events API callback (JSON): ``url_verification`` is answered with its challenge; a
    ``message`` or ``app_mention`` a person wrote is a report (an edit of it, an
    ``edited`` update), bots' messages and other events are ignored."""
    content_type = inbound.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/x-www-form-urlencoded":
        return _slack_command(inbound)
    return _slack_events_api(inbound)


ADAPTERS: dict[PayloadFormat, Callable[[Inbound], Parsed]] = {
    "generic": parse_generic,
    "alertmanager": parse_alertmanager,
    "pagerduty": parse_pagerduty,
    "zendesk": parse_zendesk,
    "github": parse_github,
    "email": parse_email,
    "slack": parse_slack,
}


def parse(
    payload_format: PayloadFormat,
    inbound: Inbound,
    *,
    safety_screening: SafetyScreening | None = None,
    adapter: Callable[[Inbound], Parsed] | None = None,
) -> Parsed:
    """The adapter's items; ``safety_screening`` is the channel's (None: the format's
    default, which the adapters already set). ``adapter`` replaces the format's own for a
    route of the format's other API (PagerDuty's change events)."""
    try:
        parsed = (adapter or ADAPTERS[payload_format])(inbound)
    except ValidationError as error:
        # A value the source allows but the ticket model does not (a field too long).
        raise PayloadError.of(error, prefix="body.mapped") from error
    if (
        safety_screening is not None
        and safety_screening != DEFAULT_SAFETY_SCREENING[payload_format]
    ):
        _screen_as(parsed, safety_screening)
    # Valid JSON may carry U+0000, which no PostgreSQL text column can store.
    if not _may_carry_nul(inbound):  # the hot path: nothing to walk
        return parsed
    prefix = "body" if payload_format == "generic" else "body.mapped"
    fields = sorted(
        {name for item in parsed.items for name in _fields_with_nul(item, prefix=prefix)}
    )
    if fields:
        raise PayloadError(
            [
                {"field": name, "message": "must not contain the NUL character (U+0000)"}
                for name in fields
            ]
        )
    return parsed


def _screen_as(parsed: Parsed, safety: SafetyScreening) -> None:
    for item in parsed.items:
        report = item.report
        if report is not None and report.screening is not None:
            report.screening = report.screening.model_copy(update={"safety": safety})


def _may_carry_nul(inbound: Inbound) -> bool:
    return (
        b"\\u0000" in inbound.body
        or b"\x00" in inbound.body
        or any("\x00" in value for value in inbound.form.values())
    )


def _fields_with_nul(item: Item, *, prefix: str) -> list[str]:
    found = ["delivery_id"] if "\x00" in item.delivery_id else []
    if item.report is not None:
        found += [f"{prefix}.{path}" for path in _nul_paths(item.report.model_dump(mode="json"))]
    return found


def _nul_paths(value: Any, path: str = "") -> list[str]:
    if isinstance(value, str):
        return [path] if "\x00" in value else []
    if isinstance(value, dict):
        return [
            found
            for key, item in value.items()
            for found in ([f"{path}.{key}".lstrip(".")] if "\x00" in str(key) else [])
            + _nul_paths(item, f"{path}.{key}".lstrip("."))
        ]
    if isinstance(value, list):
        return [
            found
            for index, item in enumerate(value)
            for found in _nul_paths(item, f"{path}.{index}".lstrip("."))
        ]
    return []
