"""Intake's pure logic: channel configuration, ticket identity, the received event."""

import hmac
import uuid
from datetime import datetime
from pathlib import Path
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.config import ConfigError, SecretRef, load_yaml_model
from shared.events import Report, TicketReceivedData, TicketReceivedV1

# Fixed forever: changing it would give redelivered webhooks new ticket ids.
TICKET_NAMESPACE = uuid.UUID("5b0e3c9e-2f6d-4f0a-9a51-3f1c0d7a9e11")


class BearerAuthConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["bearer"]
    tokens: list[SecretRef] = Field(min_length=1)


class ChannelConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")
    format: Literal["generic"]
    auth: BearerAuthConfig
    max_body_bytes: int = Field(default=65_536, gt=0, le=10_000_000)


class ChannelsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channels: list[ChannelConfig]

    @model_validator(mode="after")
    def _unique_names(self) -> Self:
        names = [channel.name for channel in self.channels]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"duplicate channel names: {', '.join(duplicates)}")
        return self


class Channel(BaseModel):
    """A channel with its secrets resolved, ready to authenticate requests."""

    config: ChannelConfig
    bearer_tokens: list[str]

    @property
    def name(self) -> str:
        return self.config.name


def load_channels(config_dir: Path) -> dict[str, Channel]:
    path = config_dir / "channels.yaml"
    parsed = load_yaml_model(path, ChannelsFile)
    channels: dict[str, Channel] = {}
    for config in parsed.channels:
        try:
            tokens = [ref.resolve(config_dir=config_dir) for ref in config.auth.tokens]
        except ConfigError as error:
            raise ConfigError(f"{path}: channel {config.name!r}: {error}") from error
        channels[config.name] = Channel(config=config, bearer_tokens=tokens)
    return channels


def ticket_id_for(*, channel: str, delivery_id: str) -> str:
    """Deterministic: a redelivered webhook maps to the same ticket."""
    return str(uuid.uuid5(TICKET_NAMESPACE, f"{channel}\x00{delivery_id}"))


def received_event(
    *,
    channel: str,
    delivery_id: str,
    report: Report,
    received_at: datetime,
    traceparent: str,
) -> TicketReceivedV1:
    ticket_id = ticket_id_for(channel=channel, delivery_id=delivery_id)
    return TicketReceivedV1(
        # A redelivered webhook is the same event: same id, so every consumer dedupes it.
        id=str(uuid.uuid5(TICKET_NAMESPACE, f"received\x00{ticket_id}")),
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


def bearer_token_accepted(channel: Channel, authorization: str | None) -> bool:
    """Constant-time check against every configured token (several allow rotation)."""
    scheme, _, presented = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not presented.strip():
        return False
    presented_bytes = presented.strip().encode()
    accepted = False
    for token in channel.bearer_tokens:
        accepted |= hmac.compare_digest(token.encode(), presented_bytes)
    return accepted
