"""Realistic payloads of each channel format, as the real senders send them."""

import json
from typing import Any


def alertmanager(
    *,
    status: str = "firing",
    fingerprints: tuple[str, ...] = ("c9fd4e4a1f7b3e21",),
    group_key: str = '{}:{alertname="DiskFull"}',
    summary: str = "Disk almost full on db-1",
    starts_at: str = "2026-11-25T10:00:00.000Z",
) -> dict[str, Any]:
    alerts = [
        {
            "status": status,
            "labels": {"alertname": "DiskFull", "instance": f"db-{index}", "severity": "critical"},
            "annotations": {"summary": summary, "description": "Only 2% left on /var/lib"},
            "startsAt": starts_at,
            "endsAt": "2026-11-25T10:30:00.000Z"
            if status == "resolved"
            else "0001-01-01T00:00:00Z",
            "generatorURL": "http://prometheus:9090/graph?g0.expr=disk",
            "fingerprint": fingerprint,
        }
        for index, fingerprint in enumerate(fingerprints)
    ]
    return {
        "version": "4",
        "groupKey": group_key,
        "truncatedAlerts": 0,
        "status": status,
        "receiver": "vigil",
        "groupLabels": {"alertname": "DiskFull"},
        "commonLabels": {"alertname": "DiskFull"},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager:9093",
        "alerts": alerts,
    }


def pagerduty(
    *,
    action: str = "trigger",
    dedup_key: str | None = "srv01/HTTP",
    routing_key: str = "routing-key-for-tests",
    summary: str = "Example alert on host1.example.com",
) -> dict[str, Any]:
    event: dict[str, Any] = {"routing_key": routing_key, "event_action": action}
    if dedup_key is not None:
        event["dedup_key"] = dedup_key
    if action == "trigger":
        event["payload"] = {
            "summary": summary,
            "timestamp": "2026-11-25T08:42:58.315+0000",
            "source": "monitoringtool:cloudvendor:central-region-dc-01:cluster/api-stats-prod-003",
            "severity": "critical",
            "component": "postgres",
            "group": "prod-datapipe",
            "class": "deploy",
            "custom_details": {"ping time": "1500ms", "load avg": 0.75},
        }
        event["client"] = "Sample Monitoring Service"
        event["client_url"] = "https://monitoring.example.com"
    return event


def zendesk(
    *,
    event_type: str = "ticket.created",
    event_id: str = "cbe4028c-7239-495d-b020-f22348516046",
    ticket_id: str = "5158",
    current_status: str | None = None,
    subject: str = "My account was hacked and the password changed",
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "account_id": 22129848,
        "detail": {
            "actor_id": "8447388090494",
            "assignee_id": "8447388090494",
            "brand_id": "8447346621310",
            "created_at": "2026-11-25T10:00:00Z",
            "description": "I cannot log in since this morning, call me at +44 20 7946 0958",
            "id": ticket_id,
            "priority": "HIGH",
            "requester_id": "8447388090494",
            "status": (current_status or "NEW").upper(),
            "subject": subject,
            "tags": ["account", "security"],
            "type": "INCIDENT",
            "updated_at": "2026-11-25T10:00:00Z",
            "via": {"channel": "web_service"},
        },
        "event": {},
        "id": event_id,
        "subject": f"zen:ticket:{ticket_id}",
        "time": "2026-11-25T10:00:00.000Z",
        "type": f"zen:event-type:{event_type}",
        "zendesk_event_version": "2022-11-06",
    }
    if current_status is not None:
        payload["event"] = {"current": current_status.upper(), "previous": "OPEN"}
    return payload


def github_issue(
    *, action: str = "opened", issue_id: int = 1296269, title: str = "Found a bug"
) -> dict[str, Any]:
    return {
        "action": action,
        "issue": {
            "id": issue_id,
            "number": 1347,
            "title": title,
            "body": "I'm having a problem with this.",
            "html_url": "https://github.com/octocat/Hello-World/issues/1347",
            "state": "closed" if action == "closed" else "open",
            "user": {"login": "octocat", "id": 1},
            "labels": [{"name": "bug"}],
        },
        "repository": {"id": 1296269, "full_name": "octocat/Hello-World"},
        "sender": {"login": "octocat", "id": 1},
    }


def email_form(
    *, message_id: str | None = "<CAF=abc123@mail.example.com>", subject: str = "Scam on my account"
) -> dict[str, str]:
    headers = "Received: by mx.example.com\nFrom: Jane Doe <jane.doe@example.com>\n"
    if message_id is not None:
        headers += f"Message-ID: {message_id}\n"
    return {
        "from": "Jane Doe <jane.doe@example.com>",
        "to": "support@vigil.example.com",
        "subject": subject,
        "text": "Someone keeps sending me scam links. My number is 555-123-4567.",
        "html": "<p>Someone keeps sending me scam links.</p>",
        "headers": headers,
    }


def dumps(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload).encode()
