"""The ``alertmanager`` format: Prometheus Alertmanager's webhook (version 4), one
ticket per alert."""

from typing import Literal

from pydantic import Field

from services.intake.adapters.common import (
    BODY_MAX,
    Inbound,
    Item,
    Lenient,
    NewReport,
    Parsed,
    Update,
    alert_screening,
    clip,
    load_json,
    report_title,
    validate,
)
from shared.events import ProseSpan, Report, Reporter, ReportSubject


class AlertmanagerAlert(Lenient):
    status: Literal["firing", "resolved"]
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    startsAt: str = Field(min_length=1, max_length=64)
    endsAt: str = Field(default="", max_length=64)
    generatorURL: str = Field(default="", max_length=2048)
    fingerprint: str = Field(min_length=1, max_length=256)


class AlertmanagerPayload(Lenient):
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
        title=report_title(title, "Alertmanager alert"),
        body=clip(body, BODY_MAX),
        reporter=Reporter(id=clip(payload.receiver, 256) or None, type="alertmanager"),
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
    payload = validate(AlertmanagerPayload, load_json(inbound.body))
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
