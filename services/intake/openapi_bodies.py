"""The request bodies of intake's OpenAPI document: each payload format's schema, with
every content type it accepts and examples (the adapters' models are the formats'
schemas)."""

from typing import Any

from services.intake.adapters.alertmanager import AlertmanagerPayload
from services.intake.adapters.github import GitHubIssuesEvent
from services.intake.adapters.slack import SlackEventsPayload, SlackSlashCommand
from services.intake.adapters.zendesk import ZendeskEvent
from shared.events import Report
from shared.openapi import inline_refs


def _model_schema(model: Any) -> dict[str, Any]:
    return inline_refs(model.model_json_schema())


def sender_report_schema() -> dict[str, Any]:
    """The generic format's body: the report without ``screening``, which intake sets from
    the channel (a sender's value is replaced, so offering it would mislead)."""
    schema = inline_refs(Report.model_json_schema())
    schema["properties"] = {
        name: value for name, value in schema["properties"].items() if name != "screening"
    }
    return schema


EMAIL_FORM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["from"],
    "properties": {
        "from": {
            "type": "string",
            "minLength": 1,
            "maxLength": 1024,
            "pattern": "\\S",
            "description": "The sender (`Name <address>` or an address); not blank.",
        },
        "to": {"type": "string"},
        "subject": {"type": "string"},
        "text": {"type": "string"},
        "html": {"type": "string"},
        "headers": {"type": "string", "description": "The raw header block (Message-ID)."},
    },
}


# --- PagerDuty Events API v2 ------------------------------------------------------------

PD_LINKS_SCHEMA: dict[str, Any] = {
    "type": "array",
    "maxItems": 50,
    "items": {
        "type": "object",
        "required": ["href"],
        "properties": {
            "href": {"type": "string", "minLength": 1, "maxLength": 2048},
            "text": {"type": "string", "maxLength": 1024},
        },
    },
}

PAGERDUTY_EVENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "PagerDuty Events API v2 alert event (PD-CEF). `payload` is required for "
    "`trigger`, `dedup_key` for `acknowledge` and `resolve`.",
    "required": ["routing_key", "event_action"],
    "properties": {
        "routing_key": {"type": "string", "minLength": 1, "maxLength": 256},
        "event_action": {"enum": ["trigger", "acknowledge", "resolve"]},
        "dedup_key": {"type": "string", "minLength": 1, "maxLength": 255},
        "client": {"type": "string", "maxLength": 255},
        "client_url": {"type": "string", "maxLength": 2048},
        "links": PD_LINKS_SCHEMA,
        "payload": {
            "type": "object",
            "required": ["summary", "source", "severity"],
            "properties": {
                "summary": {"type": "string", "minLength": 1, "maxLength": 1024},
                "source": {"type": "string", "minLength": 1, "maxLength": 255},
                "severity": {"enum": ["critical", "error", "warning", "info"]},
                "timestamp": {"type": "string", "maxLength": 64},
                "component": {"type": "string", "maxLength": 255},
                "group": {"type": "string", "maxLength": 255},
                "class": {"type": "string", "maxLength": 255},
                "custom_details": {},
            },
        },
    },
}

PAGERDUTY_CHANGE_EVENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "PagerDuty Events API v2 change event.",
    "required": ["routing_key", "payload"],
    "properties": {
        "routing_key": {"type": "string", "minLength": 1, "maxLength": 256},
        "links": PD_LINKS_SCHEMA,
        "payload": {
            "type": "object",
            "required": ["summary"],
            "properties": {
                "summary": {"type": "string", "minLength": 1, "maxLength": 1024},
                "source": {"type": "string", "maxLength": 255},
                "timestamp": {"type": "string", "maxLength": 64},
                "custom_details": {},
            },
        },
    },
}


# --- Slack: Events API and slash commands ----------------------------------------------

SLACK_EVENT_EXAMPLES: dict[str, Any] = {
    "url_verification": {
        "summary": "Slack checks the Request URL: answered with the challenge",
        "value": {
            "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
            "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
            "type": "url_verification",
        },
    },
    "message": {
        "summary": "A message a person posted: a report",
        "value": {
            "token": "XXYYZZ",
            "team_id": "T0001",
            "api_app_id": "A0001",
            "type": "event_callback",
            "event_id": "Ev0PV52K21",
            "event_time": 1764072000,
            "event": {
                "type": "message",
                "channel": "C2147483705",
                "channel_type": "channel",
                "user": "U2147483697",
                "text": "Someone in <#C0GENERAL|general> keeps sending me threats",
                "ts": "1764072000.000100",
                "event_ts": "1764072000.000100",
            },
        },
    },
}

SLACK_COMMAND_EXAMPLES: dict[str, Any] = {
    "report": {
        "summary": "/report <what happened>: a report, answered with its ticket id",
        "value": {
            "team_id": "T0001",
            "team_domain": "example",
            "channel_id": "C2147483705",
            "channel_name": "general",
            "user_id": "U2147483697",
            "command": "/report",
            "text": "Someone keeps posting scam links in #general",
            "api_app_id": "A0001",
            "trigger_id": "13345224609.738474920.8088930838d88f008e0",
        },
    },
}


def slack_events_schema() -> dict[str, Any]:
    """Slack's Events API callback: ``challenge`` is required for ``url_verification``,
    ``event_id`` and ``event`` for ``event_callback``; other types are acknowledged."""
    schema = _model_schema(SlackEventsPayload)
    schema["allOf"] = [
        {
            "if": {"properties": {"type": {"const": "url_verification"}}, "required": ["type"]},
            "then": {"required": ["challenge"], "properties": {"challenge": {"type": "string"}}},
        },
        {
            "if": {"properties": {"type": {"const": "event_callback"}}, "required": ["type"]},
            "then": {
                "required": ["event_id", "event"],
                "properties": {"event_id": {"type": "string"}, "event": {"type": "object"}},
            },
        },
    ]
    return schema


# --- every format ----------------------------------------------------------------------


def format_bodies() -> dict[str, dict[str, Any]]:
    """Each payload format's request body, with every content type it accepts."""
    pagerduty = dict(PAGERDUTY_EVENT_SCHEMA)
    pagerduty["allOf"] = [
        {
            "if": {"properties": {"event_action": {"const": "trigger"}}},
            "then": {"required": ["payload"]},
            "else": {"required": ["dedup_key"]},
        }
    ]

    def json_body(schema: dict[str, Any], description: str) -> dict[str, Any]:
        return {
            "required": True,
            "description": description,
            "content": {"application/json": {"schema": schema}},
        }

    bodies: dict[str, dict[str, Any]] = {
        "generic": json_body(sender_report_schema(), "Vigil's own report schema."),
        "alertmanager": json_body(
            _model_schema(AlertmanagerPayload),
            "Prometheus Alertmanager's webhook (version 4): one ticket per alert.",
        ),
        "pagerduty": json_body(
            pagerduty,
            "PagerDuty Events API v2 event (the channel's URL itself also takes it).",
        ),
        "zendesk": json_body(_model_schema(ZendeskEvent), "Zendesk event-subscription webhook."),
        "github": json_body(_model_schema(GitHubIssuesEvent), "GitHub `issues` webhook."),
        "email": {
            "required": True,
            "description": "An inbound-parse form (SendGrid Inbound Parse and the like).",
            "content": {
                "multipart/form-data": {"schema": EMAIL_FORM_SCHEMA},
                "application/x-www-form-urlencoded": {"schema": EMAIL_FORM_SCHEMA},
            },
        },
        "slack": {
            "required": True,
            "description": "Slack's own requests: an Events API callback (JSON; a "
            "`message` or `app_mention` a person wrote is a report) or a slash command "
            "(`/report <what happened>`, a URL-encoded form).",
            "content": {
                "application/json": {
                    "schema": slack_events_schema(),
                    "examples": SLACK_EVENT_EXAMPLES,
                },
                "application/x-www-form-urlencoded": {
                    "schema": _model_schema(SlackSlashCommand),
                    "examples": SLACK_COMMAND_EXAMPLES,
                },
            },
        },
    }
    return bodies
