"""Intake routes: accept a webhook, answer 202 only once the broker has the event."""

import logging
import uuid
from typing import Annotated, cast

from fastapi import APIRouter, Depends, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError

from services.intake.domain import Channel, bearer_token_accepted, received_event
from services.intake.settings import IntakeSettings
from shared.bus import BusUnavailableError
from shared.events import Report, utcnow
from shared.logging import ticket_context
from shared.problems import ProblemError
from shared.service import StateDep
from shared.topics import TICKETS_RECEIVED
from shared.tracing import new_traceparent, valid_traceparent

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/v1", tags=["intake"])


class Accepted(BaseModel):
    ticket_id: str


def get_channel(channel: str, state: StateDep) -> Channel:
    channels = cast(dict[str, Channel], state.extras["channels"])
    found = channels.get(channel)
    if found is None:
        raise ProblemError(status=404, title="Unknown channel", detail=f"No channel {channel!r}.")
    return found


ChannelDep = Annotated[Channel, Depends(get_channel)]


async def read_limited_body(request: Request, *, limit: int) -> bytes:
    too_large = ProblemError(
        status=413, title="Payload too large", detail=f"This channel accepts at most {limit} bytes."
    )
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise too_large
    return bytes(body)


@router.post(
    "/webhooks/{channel}",
    status_code=202,
    response_model=Accepted,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": Report.model_json_schema()}},
        }
    },
)
async def receive_webhook(
    request: Request,
    channel: ChannelDep,
    state: StateDep,
    idempotency_key: Annotated[str | None, Header(max_length=256)] = None,
    traceparent: Annotated[str | None, Header()] = None,
) -> JSONResponse:
    body = await read_limited_body(request, limit=channel.config.max_body_bytes)
    if not bearer_token_accepted(channel, request.headers.get("authorization")):
        raise ProblemError(
            status=401,
            title="Authentication failed",
            headers={"WWW-Authenticate": "Bearer"},
        )
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise ProblemError(
            status=415,
            title="Unsupported media type",
            detail="This channel accepts application/json.",
        )
    try:
        report = Report.model_validate_json(body)
    except ValidationError as error:
        raise RequestValidationError(
            [{**item, "loc": ("body", *item["loc"])} for item in error.errors()]
        ) from error

    event = received_event(
        channel=channel.name,
        delivery_id=idempotency_key or str(uuid.uuid4()),
        report=report,
        received_at=utcnow(),
        traceparent=valid_traceparent(traceparent) or new_traceparent(),
    )
    settings = cast(IntakeSettings, state.settings)
    try:
        await state.bus.send(
            state.settings.topic(TICKETS_RECEIVED), key=event.subject, value=event.to_bytes()
        )
    except BusUnavailableError as error:
        raise ProblemError(
            status=503,
            title="Event broker unavailable",
            detail="The report was not accepted; send it again later.",
            headers={"Retry-After": str(settings.retry_after_seconds)},
        ) from error
    with ticket_context(ticket_id=event.subject, traceparent=event.traceparent):
        logger.info("ticket accepted", extra={"channel": channel.name})
    return JSONResponse(
        {"ticket_id": event.subject},
        status_code=202,
        headers={"traceparent": event.traceparent or ""},
    )
