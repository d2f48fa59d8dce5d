"""The ``pagerduty`` format: PagerDuty Events API v2 alert events (trigger, acknowledge,
resolve) and change events."""

import hashlib
import json
import uuid
from typing import Any, Literal

from pydantic import Field

from services.intake.adapters.common import (
    BODY_MAX,
    Inbound,
    Lenient,
    NewReport,
    Parsed,
    PayloadError,
    Update,
    alert_screening,
    clip,
    load_json,
    report_title,
    validate,
)
from services.intake.domain import UpdateAction
from shared.events import ProseSpan, Report, Reporter, ReportSubject


class PagerDutyPayloadBody(Lenient):
    summary: str = Field(min_length=1, max_length=1024)
    source: str = Field(min_length=1, max_length=255)
    severity: Literal["critical", "error", "warning", "info"]
    timestamp: str | None = Field(default=None, max_length=64)
    component: str | None = Field(default=None, max_length=255)
    group: str | None = Field(default=None, max_length=255)
    # "class" is a Python keyword: read it through the alias.
    event_class: str | None = Field(default=None, alias="class", max_length=255)
    custom_details: Any = None


class PagerDutyEvent(Lenient):
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
        title=report_title(payload.summary, "PagerDuty event"),
        body=clip(body, BODY_MAX),
        reporter=Reporter(id=clip(event.client, 256) if event.client else None, type="monitor"),
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
    event = validate(PagerDutyEvent, load_json(inbound.body))
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


class PagerDutyChangePayload(Lenient):
    summary: str = Field(min_length=1, max_length=1024)
    source: str | None = Field(default=None, max_length=255)
    timestamp: str | None = Field(default=None, max_length=64)
    custom_details: Any = None


class PagerDutyLink(Lenient):
    href: str = Field(min_length=1, max_length=2048)
    text: str | None = Field(default=None, max_length=1024)


class PagerDutyChangeEvent(Lenient):
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
        title=report_title(payload.summary, "PagerDuty change event"),
        body=clip(body, BODY_MAX),
        reporter=Reporter(type="monitor"),
        subject=ReportSubject(
            type="change", id=clip(payload.source, 256) if payload.source else None
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
    raw = load_json(inbound.body)
    event = validate(PagerDutyChangeEvent, raw)
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
