"""Intake's pure logic: channel configuration models, authentication, ticket identity,
events (rate limits are in :mod:`services.intake.ratelimit`). No I/O: channels.yaml and
its secrets are read by :mod:`services.intake.channels`."""

import hashlib
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Literal, Self

import pydantic_core
from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.intake import signatures
from shared.config import SecretRef
from shared.events import (
    Report,
    SafetyScreening,
    TicketReceivedData,
    TicketReceivedV1,
    TicketUpdatedData,
    TicketUpdatedV1,
)

# Fixed forever: changing it would give redelivered webhooks new ticket ids.
TICKET_NAMESPACE = uuid.UUID("5b0e3c9e-2f6d-4f0a-9a51-3f1c0d7a9e11")
_NAMESPACE_BYTES = TICKET_NAMESPACE.bytes

PayloadFormat = Literal[
    "generic", "alertmanager", "pagerduty", "zendesk", "github", "email", "slack"
]
UpdateAction = Literal["acknowledged", "resolved", "closed", "edited"]

# A channel's safety screening when channels.yaml sets none, by format. People write every
# report of the user-report formats: screen them fully. Alertmanager and PagerDuty carry
# machine alerts, whose templated text ("pod killed with SIGKILL", "node is dead",
# "orphaned child pods") shares words with threats the classifier and the lexicons' review
# tier were trained to notice, and which already say how urgent they are (their severity).
# Only the lexicons' definite phrases still read an alert's human-written summary and
# description: an explicit threat a tool forwards as an alert still reaches P0.
DEFAULT_SAFETY_SCREENING: dict[PayloadFormat, SafetyScreening] = {
    "generic": "full",
    "zendesk": "full",
    "github": "full",
    "email": "full",
    "slack": "full",
    "alertmanager": "definite_only",
    "pagerduty": "definite_only",
}
# A person writes every report of these formats; screening them less would let a threat
# through unread, so channels.yaml may not turn it down for them. (``generic`` may carry a
# monitoring tool's reports, so its channels may.)
ALWAYS_FULLY_SCREENED: frozenset[PayloadFormat] = frozenset({"zendesk", "github", "email", "slack"})

JSON_TYPES = frozenset({"application/json"})
URLENCODED = "application/x-www-form-urlencoded"
FORM_TYPES = frozenset({"multipart/form-data", URLENCODED})
# Slack's Events API posts JSON, its slash commands a URL-encoded form.
SLACK_TYPES = frozenset({"application/json", URLENCODED})
_CONTENT_TYPES: dict[PayloadFormat, frozenset[str]] = {"email": FORM_TYPES, "slack": SLACK_TYPES}


def accepted_content_types(payload_format: PayloadFormat) -> frozenset[str]:
    return _CONTENT_TYPES.get(payload_format, JSON_TYPES)


# --- configuration ----------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


AuthType = Literal[
    "bearer", "basic", "standard_webhooks", "github", "slack", "zendesk", "routing_key"
]

# The one list of secrets each scheme reads, by field name.
SECRETS_FIELD: dict[str, str] = {
    "bearer": "tokens",
    "basic": "passwords",
    "standard_webhooks": "secrets",
    "github": "secrets",
    "slack": "secrets",
    "zendesk": "secrets",
    "routing_key": "routing_keys",
}
_TIMESTAMPED = {"standard_webhooks", "slack", "zendesk"}


class AuthConfig(_Strict):
    """How a channel's sender proves itself. ``tokens`` (bearer), ``passwords`` (basic,
    with ``username``), ``secrets`` (standard_webhooks, github, slack, zendesk) or
    ``routing_keys`` (PagerDuty's routing_key in the body); several allow rotation."""

    type: AuthType
    tokens: list[SecretRef] | None = Field(default=None, min_length=1)
    passwords: list[SecretRef] | None = Field(default=None, min_length=1)
    secrets: list[SecretRef] | None = Field(default=None, min_length=1)
    routing_keys: list[SecretRef] | None = Field(default=None, min_length=1)
    username: str | None = Field(default=None, min_length=1, max_length=256)
    tolerance_seconds: int = Field(default=signatures.DEFAULT_TOLERANCE_SECONDS, gt=0, le=3600)

    @model_validator(mode="after")
    def _fields_match_the_type(self) -> Self:
        wanted = SECRETS_FIELD[self.type]
        if getattr(self, wanted) is None:
            raise ValueError(f"auth type {self.type!r} needs '{wanted}'")
        for other in set(SECRETS_FIELD.values()) - {wanted}:
            if getattr(self, other) is not None:
                raise ValueError(f"auth type {self.type!r} takes '{wanted}', not '{other}'")
        if (self.type == "basic") != (self.username is not None):
            raise ValueError("'username' is required for, and only for, auth type 'basic'")
        if "tolerance_seconds" in self.model_fields_set and self.type not in _TIMESTAMPED:
            raise ValueError(f"auth type {self.type!r} has no timestamp to check")
        return self

    @property
    def secret_refs(self) -> list[SecretRef]:
        refs: list[SecretRef] = getattr(self, SECRETS_FIELD[self.type])
        return refs


class RateLimitConfig(_Strict):
    requests_per_second: float = Field(gt=0, le=100_000)
    burst: int = Field(gt=0, le=1_000_000)


class ChannelConfig(_Strict):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")
    format: PayloadFormat
    auth: AuthConfig
    max_body_bytes: int = Field(default=65_536, gt=0, le=10_000_000)
    rate_limit: RateLimitConfig | None = None
    # None: the format's default (DEFAULT_SAFETY_SCREENING).
    safety_screening: SafetyScreening | None = None

    @model_validator(mode="after")
    def _routing_key_only_for_pagerduty(self) -> Self:
        if self.auth.type == "routing_key" and self.format != "pagerduty":
            raise ValueError("auth type 'routing_key' is only for the 'pagerduty' format")
        return self

    @model_validator(mode="after")
    def _slack_signs_its_requests(self) -> Self:
        if self.format == "slack" and self.auth.type != "slack":
            raise ValueError(
                "format 'slack' takes auth type 'slack': Slack signs its requests with the "
                "app's signing secret and sends no other credentials"
            )
        return self

    @model_validator(mode="after")
    def _people_are_always_screened(self) -> Self:
        if self.format in ALWAYS_FULLY_SCREENED and self.safety_screening not in (None, "full"):
            raise ValueError(
                f"safety_screening {self.safety_screening!r}: people write every "
                f"{self.format!r} report, so it is always 'full'"
            )
        return self

    @property
    def screening(self) -> SafetyScreening:
        """The safety screening triage applies to this channel's reports."""
        return self.safety_screening or DEFAULT_SAFETY_SCREENING[self.format]


class ChannelsFile(_Strict):
    channels: list[ChannelConfig]

    @model_validator(mode="after")
    def _unique_names(self) -> Self:
        names = [channel.name for channel in self.channels]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"duplicate channel names: {', '.join(duplicates)}")
        return self


class Channel(BaseModel):
    """A channel with its secrets resolved, ready to authenticate requests.

    ``secrets`` are the tokens, passwords, HMAC secrets or routing keys of its auth scheme;
    ``keys`` the decoded HMAC keys of Standard Webhooks secrets."""

    config: ChannelConfig
    secrets: list[str]
    keys: list[bytes] = Field(default_factory=list)

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def bearer_tokens(self) -> list[str]:
        return self.secrets if self.config.auth.type == "bearer" else []

    def __repr__(self) -> str:  # secrets never end up in logs or tracebacks
        return f"Channel(name={self.name!r}, format={self.config.format!r})"

    __str__ = __repr__


# --- authentication ---------------------------------------------------------------------


def _routing_key_of(body: bytes) -> str | None:
    try:
        parsed = pydantic_core.from_json(body)
    except ValueError:
        return None
    routing_key = parsed.get("routing_key") if isinstance(parsed, dict) else None
    return routing_key if isinstance(routing_key, str) else None


def authenticate(
    channel: Channel, *, headers: Mapping[str, str], body: bytes, now: datetime
) -> bool:
    """Whether the request proves it comes from the channel's sender.

    ``headers`` must be case-insensitive (Starlette's Headers) or lower-cased."""
    auth = channel.config.auth
    secrets = channel.secrets
    match auth.type:
        case "bearer":
            return signatures.verify_bearer(
                tokens=secrets, authorization=headers.get("authorization")
            )
        case "basic":
            return signatures.verify_basic(
                username=auth.username or "",
                passwords=secrets,
                authorization=headers.get("authorization"),
            )
        case "standard_webhooks":
            return signatures.verify_standard_webhooks(
                keys=channel.keys,
                msg_id=headers.get("webhook-id"),
                timestamp=headers.get("webhook-timestamp"),
                signature_header=headers.get("webhook-signature"),
                body=body,
                now=now,
                tolerance_seconds=auth.tolerance_seconds,
            )
        case "github":
            return signatures.verify_github(
                secrets=secrets, signature_header=headers.get("x-hub-signature-256"), body=body
            )
        case "slack":
            return signatures.verify_slack(
                secrets=secrets,
                signature_header=headers.get("x-slack-signature"),
                timestamp=headers.get("x-slack-request-timestamp"),
                body=body,
                now=now,
                tolerance_seconds=auth.tolerance_seconds,
            )
        case "zendesk":
            return signatures.verify_zendesk(
                secrets=secrets,
                signature_header=headers.get("x-zendesk-webhook-signature"),
                timestamp=headers.get("x-zendesk-webhook-signature-timestamp"),
                body=body,
                now=now,
                tolerance_seconds=auth.tolerance_seconds,
            )
        case "routing_key":
            return signatures.verify_token(tokens=secrets, presented=_routing_key_of(body))
    raise AssertionError(f"unknown auth type {auth.type}")


def www_authenticate(channel: Channel) -> str | None:
    match channel.config.auth.type:
        case "bearer":
            return "Bearer"
        case "basic":
            return 'Basic realm="vigil"'
    return None


# --- ticket identity and events ---------------------------------------------------------


def name_uuid(name: str) -> str:
    """``str(uuid.uuid5(TICKET_NAMESPACE, name))``, without building a UUID object (a third
    of the cost of building a received event)."""
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + name.encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    text = digest.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def ticket_id_for(*, channel: str, delivery_id: str) -> str:
    """Deterministic: a redelivered webhook maps to the same ticket."""
    return name_uuid(f"{channel}\x00{delivery_id}")


def received_event(
    *,
    channel: str,
    delivery_id: str,
    report: Report,
    received_at: datetime,
    traceparent: str,
    identity: str | None = None,
) -> TicketReceivedV1:
    """``identity`` names the report at its source (defaults to the delivery id)."""
    ticket_id = ticket_id_for(channel=channel, delivery_id=identity or delivery_id)
    return TicketReceivedV1(
        # A redelivered webhook is the same event: same id, so every consumer dedupes it.
        id=name_uuid(f"received\x00{ticket_id}"),
        source=f"/vigil/intake/channels/{channel}",
        subject=ticket_id,
        traceparent=traceparent,
        data=TicketReceivedData(
            ticket_id=ticket_id,
            channel=channel,
            delivery_id=delivery_id,
            received_at=received_at,
            report=report,
        ),
    )


def updated_event(
    *,
    channel: str,
    identity: str,
    delivery_id: str,
    action: UpdateAction,
    updated_at: datetime,
    traceparent: str,
    report: Report | None = None,
) -> TicketUpdatedV1:
    """The source acknowledged, resolved, closed or edited the report named ``identity``.

    Same key (the original ticket id) and topic as the received event, so order holds."""
    ticket_id = ticket_id_for(channel=channel, delivery_id=identity)
    return TicketUpdatedV1(
        id=name_uuid(f"updated\x00{ticket_id}\x00{action}\x00{delivery_id}"),
        source=f"/vigil/intake/channels/{channel}",
        subject=ticket_id,
        traceparent=traceparent,
        data=TicketUpdatedData(
            ticket_id=ticket_id,
            channel=channel,
            action=action,
            updated_at=updated_at,
            report=report,
            delivery_id=delivery_id,
        ),
    )
