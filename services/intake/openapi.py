"""What intake's OpenAPI document says about the webhook route: the request bodies it
accepts and every problem document it can answer with."""

from typing import Any

from shared.events import Report


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """A pydantic JSON Schema with its ``$defs`` inlined, so it can sit anywhere in an
    OpenAPI document (where ``#/$defs/...`` would point nowhere)."""
    definitions: dict[str, Any] = schema.get("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            reference = node.get("$ref")
            if isinstance(reference, str) and reference.startswith("#/$defs/"):
                return walk(definitions[reference.removeprefix("#/$defs/")])
            return {key: walk(value) for key, value in node.items() if key != "$defs"}
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    inlined: dict[str, Any] = walk(schema)
    return inlined


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
        "from": {"type": "string", "maxLength": 1024},
        "to": {"type": "string"},
        "subject": {"type": "string"},
        "text": {"type": "string"},
        "html": {"type": "string"},
        "headers": {"type": "string", "description": "The raw header block (Message-ID)."},
    },
}

REQUEST_BODY: dict[str, Any] = {
    "required": True,
    "description": (
        "The body depends on the channel's format (see the README): `generic` is the "
        "schema below; `alertmanager`, `pagerduty`, `zendesk` and `github` take those "
        "tools' own JSON webhooks; `email` takes an inbound-parse form."
    ),
    "content": {
        "application/json": {"schema": sender_report_schema()},
        "multipart/form-data": {"schema": EMAIL_FORM_SCHEMA},
    },
}

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": PROBLEM_SCHEMA}},
    }


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

_PD_LINKS: dict[str, Any] = {
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
        "links": _PD_LINKS,
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
        "links": _PD_LINKS,
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
