"""What intake's OpenAPI document says about the webhook routes: what their decorators
declare (the request body, parameters and every problem document they can answer with)
and the document itself, one operation per configured channel with its security scheme.
Each format's request body is in :mod:`services.intake.openapi_bodies`."""

from typing import Any

from services.intake.openapi_bodies import (
    EMAIL_FORM_SCHEMA,
    PAGERDUTY_CHANGE_EVENT_SCHEMA,
    PAGERDUTY_EVENT_SCHEMA,
    format_bodies,
    sender_report_schema,
)
from shared.openapi import problem

REQUEST_BODY: dict[str, Any] = {
    "required": True,
    "description": (
        "The body depends on the channel's format (see the README): `generic` is the "
        "schema below; `alertmanager`, `pagerduty`, `zendesk` and `github` take those "
        "tools' own JSON webhooks; `email` takes an inbound-parse form; `slack` takes "
        "Slack's Events API callbacks (JSON) and slash commands (a URL-encoded form)."
    ),
    "content": {
        "application/json": {"schema": sender_report_schema()},
        "multipart/form-data": {"schema": EMAIL_FORM_SCHEMA},
        "application/x-www-form-urlencoded": {"schema": EMAIL_FORM_SCHEMA},
    },
}


def _problem(description: str) -> dict[str, Any]:
    return problem(description)


RESPONSES: dict[int | str, dict[str, Any]] = {
    401: _problem("Authentication failed (which part failed is not said)"),
    404: _problem("Unknown channel"),
    413: _problem("Body larger than the channel's limit"),
    415: _problem("Content type the channel's format does not take"),
    422: _problem("Payload invalid for the channel's format; `errors` name the fields"),
    429: _problem("The channel's rate limit is exceeded; see Retry-After"),
    503: _problem("The event broker did not acknowledge; see Retry-After"),
}

# The route reads its path parameter and headers itself (FastAPI's per-request parameter and
# dependency machinery cost more than the rest of the route); they are documented exactly as
# FastAPI documented them when they were declared parameters.
PARAMETERS: list[dict[str, Any]] = [
    {
        "name": "channel",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "title": "Channel"},
    },
    {
        "name": "idempotency-key",
        "in": "header",
        "required": False,
        "schema": {
            "anyOf": [{"type": "string", "maxLength": 256}, {"type": "null"}],
            "title": "Idempotency-Key",
        },
    },
    {
        "name": "traceparent",
        "in": "header",
        "required": False,
        "schema": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Traceparent"},
    },
]


# --- PagerDuty Events API v2 ------------------------------------------------------------

PAGERDUTY_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "PagerDuty's own error shape.",
    "required": ["status", "message"],
    "properties": {
        "status": {"type": "string"},
        "message": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "string"}},
    },
}


def _pagerduty_operation(schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "parameters": PARAMETERS[:1] + PARAMETERS[2:],
        "requestBody": {"required": True, "content": {"application/json": {"schema": schema}}},
    }


PAGERDUTY_OPENAPI: dict[str, dict[str, Any]] = {
    "enqueue": _pagerduty_operation(PAGERDUTY_EVENT_SCHEMA),
    "change": _pagerduty_operation(PAGERDUTY_CHANGE_EVENT_SCHEMA),
}

PAGERDUTY_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {
        "description": "Invalid event, answered as PagerDuty does",
        "content": {"application/json": {"schema": PAGERDUTY_ERROR_SCHEMA}},
    },
    **{status: RESPONSES[status] for status in (401, 413, 415, 429, 503)},
    404: _problem("Unknown channel, or not a channel of format `pagerduty`"),
}

# --- Slack: Events API and slash commands ----------------------------------------------

SLACK_ANSWER_SCHEMAS: list[dict[str, Any]] = [
    {
        "type": "object",
        "title": "SlackChallenge",
        "description": "The answer to a `url_verification`: its challenge.",
        "required": ["challenge"],
        "properties": {"challenge": {"type": "string"}},
    },
    {
        "type": "object",
        "title": "SlackEphemeral",
        "description": "A slash command's reply, shown only to its user: the ticket it "
        "opened, how to use the command (no text: nothing recorded), or, when the rate limit "
        "or the broker kept the report from being recorded, that it should be sent again.",
        "required": ["response_type", "text"],
        "properties": {"response_type": {"const": "ephemeral"}, "text": {"type": "string"}},
    },
]


def slack_responses(accepted: dict[str, Any]) -> dict[str, Any]:
    """Slack wants 200, in its own shapes: an event is answered as any channel's delivery
    is (``Accepted``), a url_verification with its challenge, a slash command with an
    ephemeral reply."""
    accepted_schema = accepted["content"]["application/json"]["schema"]
    answer = {
        "description": "Slack's request handled: the url_verification's challenge, an "
        "event's tickets (or why it needs no action), a slash command's ephemeral reply",
        "content": {
            "application/json": {
                "schema": {
                    "anyOf": [SLACK_ANSWER_SCHEMAS[0], accepted_schema, SLACK_ANSWER_SCHEMAS[1]]
                }
            }
        },
    }
    responses = _responses(RESPONSES, accepted)
    del responses["202"]
    return {"200": answer, **responses}


# --- the document: one operation per configured channel --------------------------------

_GITHUB_HEADERS: list[dict[str, Any]] = [
    {
        "name": "X-GitHub-Delivery",
        "in": "header",
        "required": True,
        "schema": {"type": "string", "minLength": 1, "maxLength": 256},
        "description": "GitHub's delivery id (kept by its redeliveries).",
    },
    {
        "name": "X-GitHub-Event",
        "in": "header",
        "required": False,
        "schema": {"type": "string"},
        "description": "Only `issues` events open or update tickets; others are ignored.",
    },
]


# How each auth type is named in the document (``routing_key`` is in the body: none).
SECURITY_SCHEMES: dict[str, tuple[str, dict[str, Any]]] = {
    "bearer": ("channel_bearer", {"type": "http", "scheme": "bearer"}),
    "basic": ("channel_basic", {"type": "http", "scheme": "basic"}),
    "standard_webhooks": (
        "standard_webhooks",
        {
            "type": "apiKey",
            "in": "header",
            "name": "webhook-signature",
            "description": "Standard Webhooks: `webhook-id`, `webhook-timestamp` and "
            "`webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>`.",
        },
    ),
    "github": (
        "github_signature",
        {
            "type": "apiKey",
            "in": "header",
            "name": "X-Hub-Signature-256",
            "description": "`sha256=<hex HMAC-SHA256 of the body>`.",
        },
    ),
    "slack": (
        "slack_signature",
        {
            "type": "apiKey",
            "in": "header",
            "name": "X-Slack-Signature",
            "description": "Slack signature v0 with `X-Slack-Request-Timestamp`: "
            "`v0=<hex HMAC-SHA256 of v0:timestamp:body>`, at most 5 minutes old.",
        },
    ),
    "zendesk": (
        "zendesk_signature",
        {
            "type": "apiKey",
            "in": "header",
            "name": "X-Zendesk-Webhook-Signature",
            "description": "With `X-Zendesk-Webhook-Signature-Timestamp`: base64 "
            "HMAC-SHA256 of timestamp + body.",
        },
    ),
}


def _operation(
    *,
    channel: Any,
    operation_id: str,
    summary: str,
    body: dict[str, Any],
    responses: dict[str, Any],
    extra_parameters: list[dict[str, Any]],
    content_types: list[str],
) -> dict[str, Any]:
    auth = channel.config.auth.type
    slack = channel.config.format == "slack"
    operation: dict[str, Any] = {
        "tags": ["intake"],
        "summary": summary,
        "operationId": operation_id,
        # PagerDuty's routes dedupe by dedup_key and Slack by its event_id or trigger_id,
        # never by an Idempotency-Key header.
        "parameters": [
            dict(parameter)
            for parameter in PARAMETERS[1:]
            if not (
                (operation_id.startswith("pagerduty_") or slack)
                and parameter["in"] == "header"
                and parameter["name"] == "idempotency-key"
            )
        ]
        + extra_parameters,
        "requestBody": body,
        "responses": responses,
    }
    if auth in SECURITY_SCHEMES:
        operation["security"] = [{SECURITY_SCHEMES[auth][0]: []}]
    else:  # routing_key
        operation["description"] = "Authenticated by the `routing_key` in the body."
    accepted = " or ".join(content_types)
    operation["responses"]["415"] = problem(f"Content type other than {accepted}")
    return operation


def _responses(table: dict[int | str, dict[str, Any]], accepted: dict[str, Any]) -> dict[str, Any]:
    responses = {"202": accepted}
    responses.update({str(status): response for status, response in table.items()})
    responses.pop("404", None)  # the path names a configured channel
    return responses


def channel_paths(channels: dict[str, Any], *, accepted: dict[str, Any]) -> dict[str, Any]:
    """One POST operation per configured channel, with its format's body and content types
    and its auth scheme; a pagerduty channel also has PagerDuty's two Events API routes."""
    bodies = format_bodies()
    paths: dict[str, Any] = {}
    for name, channel in sorted(channels.items()):
        payload_format = channel.config.format
        body = bodies[payload_format]
        content_types = sorted(body["content"])
        extra = _GITHUB_HEADERS if payload_format == "github" else []
        paths[f"/v1/webhooks/{name}"] = {
            "post": _operation(
                channel=channel,
                operation_id=f"webhook_{name.replace('-', '_')}",
                summary=f"Report to channel {name!r} ({payload_format})",
                body=body,
                responses=slack_responses(accepted)
                if payload_format == "slack"
                else _responses(RESPONSES, accepted),
                extra_parameters=[dict(parameter) for parameter in extra],
                content_types=content_types,
            )
        }
        if payload_format != "pagerduty":
            continue
        for suffix, kind, schema in (
            ("v2/enqueue", "events", PAGERDUTY_EVENT_SCHEMA),
            ("v2/change/enqueue", "change events", PAGERDUTY_CHANGE_EVENT_SCHEMA),
        ):
            pd_body = dict(bodies["pagerduty"]) if kind == "events" else None
            paths[f"/v1/webhooks/{name}/{suffix}"] = {
                "post": _operation(
                    channel=channel,
                    operation_id=f"pagerduty_{kind.replace(' ', '_')}_{name.replace('-', '_')}",
                    summary=f"PagerDuty Events API v2 {kind} on channel {name!r}",
                    body=pd_body
                    or {"required": True, "content": {"application/json": {"schema": schema}}},
                    responses=_responses(PAGERDUTY_RESPONSES, accepted),
                    extra_parameters=[],
                    content_types=["application/json"],
                )
            }
    return paths


def document_channels(channels: dict[str, Any]) -> Any:
    """``customize_openapi`` for intake: the templated webhook routes give way to one
    documented operation per configured channel (a schema-valid request for a channel is
    one its format accepts), with each channel's security scheme."""

    def customize(schema: dict[str, Any]) -> None:
        templated = [path for path in schema["paths"] if path.startswith("/v1/webhooks/{channel}")]
        accepted = schema["paths"]["/v1/webhooks/{channel}"]["post"]["responses"]["202"]
        for path in templated:
            del schema["paths"][path]
        schema["paths"].update(channel_paths(channels, accepted=accepted))
        used = {channel.config.auth.type for channel in channels.values()}
        schemes = schema.setdefault("components", {}).setdefault("securitySchemes", {})
        schemes.pop("bearer", None)  # intake has no API keys
        for auth in sorted(used & set(SECURITY_SCHEMES)):
            scheme_name, scheme = SECURITY_SCHEMES[auth]
            schemes[scheme_name] = scheme

    return customize
