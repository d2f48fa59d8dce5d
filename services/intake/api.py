"""Intake routes: accept a webhook, answer 202 only once the broker has every event."""

import logging
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Annotated, Any, cast

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from prometheus_client import Counter
from pydantic import BaseModel, Field, TypeAdapter, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException
from starlette.types import Message

from services.intake import adapters
from services.intake.domain import (
    Channel,
    RateLimiter,
    accepted_content_types,
    authenticate,
    received_event,
    retry_after_header,
    updated_event,
    www_authenticate,
)
from services.intake.openapi import PARAMETERS, REQUEST_BODY, RESPONSES
from services.intake.redaction import redacting_logger
from services.intake.settings import IntakeSettings
from shared.bus import BusUnavailableError, Outgoing
from shared.events import TicketReceivedV1, TicketUpdatedV1, utcnow
from shared.logging import ticket_context
from shared.problems import ProblemError
from shared.service import ServiceState
from shared.topics import TICKETS_RECEIVED
from shared.tracing import new_traceparent, valid_traceparent

logger = redacting_logger(__name__)

router = APIRouter(prefix="/v1", tags=["intake"])

MAX_FORM_FIELDS = 100
IDEMPOTENCY_KEY_MAX_LENGTH = 256
_IDEMPOTENCY_KEY = TypeAdapter(Annotated[str, Field(max_length=IDEMPOTENCY_KEY_MAX_LENGTH)])

# Label values of vigil_intake_webhooks_total{channel,outcome}, by the answer's status.
OUTCOMES = {
    202: "accepted",
    401: "unauthenticated",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    503: "broker_unavailable",
}


class Accepted(BaseModel):
    """``ticket_id`` is the (first) ticket the delivery opened or updated; ``ticket_ids``
    all of them (an Alertmanager notification carries several alerts). A delivery that
    needs no action (a GitHub ping, a Zendesk priority change) has none and says why in
    ``ignored``. PagerDuty channels also answer PagerDuty's ``status``, ``message`` and
    ``dedup_key``."""

    ticket_id: str | None
    ticket_ids: list[str]
    ignored: str | None = None
    status: str | None = None
    message: str | None = None
    dedup_key: str | None = None


def _state(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.vigil
    return state


def find_channel(state: ServiceState, name: str) -> Channel:
    channels = cast("dict[str, Channel]", state.extras["channels"])
    found = channels.get(name)
    if found is None:
        raise ProblemError(status=404, title="Unknown channel", detail=f"No channel {name!r}.")
    return found


class WebhookCounter:
    """vigil_intake_webhooks_total{channel,outcome} with its children bound once: both
    labels come from small fixed sets (configured channels, OUTCOMES)."""

    def __init__(self, counter: Counter) -> None:
        self._counter = counter
        self._children: dict[tuple[str, str], Counter] = {}

    def inc(self, channel: str, outcome: str) -> None:
        child = self._children.get((channel, outcome))
        if child is None:
            child = self._children[(channel, outcome)] = self._counter.labels(channel, outcome)
        child.inc()


def check_idempotency_key(headers: Mapping[str, str]) -> None:
    """The 422 FastAPI answers for a declared ``Header(max_length=256)`` parameter; the route
    reads its headers itself because FastAPI's parameter machinery is the costliest part
    of a request."""
    key = headers.get("idempotency-key")
    if key is None or len(key) <= IDEMPOTENCY_KEY_MAX_LENGTH:
        return
    try:
        _IDEMPOTENCY_KEY.validate_python(key)
    except ValidationError as error:
        raise RequestValidationError(
            [
                {**item, "loc": ("header", "idempotency-key", *item["loc"])}
                for item in error.errors(include_url=False)
            ]
        ) from error


def _clock(state: ServiceState) -> datetime:
    # String casts: a subscripted Callable is built anew at every call.
    return cast("Callable[[], datetime]", state.extras.get("clock", utcnow))()


def enforce_rate_limit(channel: Channel, state: ServiceState) -> None:
    limiter = cast(RateLimiter, state.extras["rate_limiter"])
    monotonic = cast("Callable[[], float]", state.extras.get("monotonic", time.monotonic))
    wait = limiter.take(channel.name, now=monotonic())
    if wait > 0:
        raise ProblemError(
            status=429,
            title="Too many requests",
            detail="This channel's rate limit is exceeded; send it again later.",
            headers={"Retry-After": retry_after_header(wait)},
        )


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


def invalid_payload(errors: list[dict[str, str]]) -> ProblemError:
    return ProblemError(
        status=422,
        title="Request body is invalid",
        detail=f"{len(errors)} field(s) failed validation",
        errors=errors,
    )


async def read_form(request: Request, body: bytes) -> dict[str, str]:
    """The form fields of an already-read body (attached files are not kept)."""

    async def replay() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        async with Request(request.scope, replay).form(
            max_fields=MAX_FORM_FIELDS, max_files=MAX_FORM_FIELDS
        ) as form:
            return {key: value for key, value in form.multi_items() if isinstance(value, str)}
    except (MultiPartException, StarletteHTTPException, ValueError) as error:
        raise invalid_payload([{"field": "body", "message": "not a valid form body"}]) from error


def check_content_type(channel: Channel, request: Request) -> None:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    accepted = accepted_content_types(channel.config.format)
    if content_type not in accepted:
        raise ProblemError(
            status=415,
            title="Unsupported media type",
            detail=f"This channel accepts {' or '.join(sorted(accepted))}.",
        )


def build_events(
    *, channel: Channel, parsed: adapters.Parsed, now: datetime, traceparent: str
) -> list[TicketReceivedV1 | TicketUpdatedV1]:
    events: list[TicketReceivedV1 | TicketUpdatedV1] = []
    for item in parsed.items:
        if isinstance(item, adapters.NewReport):
            events.append(
                received_event(
                    channel=channel.name,
                    delivery_id=item.delivery_id,
                    identity=item.identity,
                    report=item.report,
                    received_at=now,
                    traceparent=traceparent,
                )
            )
        else:
            events.append(
                updated_event(
                    channel=channel.name,
                    identity=item.identity,
                    delivery_id=item.delivery_id,
                    action=item.action,
                    updated_at=now,
                    traceparent=traceparent,
                    report=item.report,
                )
            )
    return events


async def publish(state: ServiceState, events: list[TicketReceivedV1 | TicketUpdatedV1]) -> None:
    """Every event acknowledged by the broker, or 503. A 503 does not mean nothing was sent:
    the producer keeps what it buffered and may deliver it after the timeout. The sender
    retries the whole delivery, and the deterministic ticket and event ids make whatever
    arrives twice a duplicate that consumers drop.

    ``send_many`` hands them all to the producer before awaiting the acknowledgements (and
    costs less per message than ``send``); the 202 still waits for every one."""
    settings = cast(IntakeSettings, state.settings)
    topic = state.settings.topic(TICKETS_RECEIVED)
    if not events:
        return
    try:
        await state.bus.send_many(
            [Outgoing(topic=topic, key=event.subject, value=event.to_bytes()) for event in events]
        )
    except BusUnavailableError as error:
        raise ProblemError(
            status=503,
            title="Event broker unavailable",
            detail="The broker did not confirm the report in time; it may still be delivered. "
            "Send it again with the same delivery id (Idempotency-Key): it maps to the same "
            "ticket and is triaged once.",
            headers={"Retry-After": str(settings.retry_after_seconds)},
        ) from error


def accepted_body(
    *, channel: Channel, parsed: adapters.Parsed, ticket_ids: list[str]
) -> dict[str, Any]:
    body = Accepted(
        ticket_id=ticket_ids[0] if ticket_ids else None,
        ticket_ids=ticket_ids,
        ignored=parsed.ignored,
    )
    if channel.config.format == "pagerduty":
        body.status, body.message, body.dedup_key = "success", "Event processed", parsed.dedup_key
    return body.model_dump(exclude_none=True) | {"ticket_id": body.ticket_id}


@router.post(
    "/webhooks/{channel}",
    status_code=202,
    response_model=Accepted,
    openapi_extra={"requestBody": REQUEST_BODY, "parameters": PARAMETERS},
    responses=RESPONSES,
)
async def receive_webhook(request: Request) -> JSONResponse:
    # The hot path: FastAPI's per-request parameter and dependency machinery cost more than
    # the rest of the route, so it reads the channel and its headers itself (documented by
    # PARAMETERS), in the order FastAPI checked them: unknown channel 404, then header 422.
    state = _state(request)
    channel = find_channel(state, request.path_params["channel"])
    check_idempotency_key(request.headers)
    webhooks = cast(WebhookCounter, state.extras["webhooks_counter"])
    try:
        response, outcome = await _receive(
            request, channel=channel, state=state, traceparent=request.headers.get("traceparent")
        )
    except ProblemError as problem:
        webhooks.inc(channel.name, OUTCOMES.get(problem.status, "rejected"))
        raise
    webhooks.inc(channel.name, outcome)
    return response


async def _receive(
    request: Request, *, channel: Channel, state: ServiceState, traceparent: str | None
) -> tuple[JSONResponse, str]:
    """The 202 answer and its outcome label; a ProblemError for anything else."""
    body = await read_limited_body(request, limit=channel.config.max_body_bytes)
    now = _clock(state)
    if not authenticate(channel, headers=request.headers, body=body, now=now):
        logger.warning("webhook authentication failed", extra={"channel": channel.name})
        challenge = www_authenticate(channel)
        raise ProblemError(
            status=401,
            title="Authentication failed",
            headers={"WWW-Authenticate": challenge} if challenge else None,
        )
    # After authentication: unauthenticated junk cannot use up a real sender's allowance.
    enforce_rate_limit(channel, state)
    check_content_type(channel, request)
    form = await read_form(request, body) if channel.config.format == "email" else {}
    inbound = adapters.Inbound(headers=request.headers, body=body, form=form)
    try:
        parsed = adapters.parse(
            channel.config.format, inbound, safety_screening=channel.config.safety_screening
        )
    except adapters.PayloadError as error:
        logger.info(
            "webhook payload rejected",
            extra={"channel": channel.name, "fields": [item["field"] for item in error.errors]},
        )
        raise invalid_payload(error.errors) from error

    trace = valid_traceparent(traceparent) or new_traceparent()
    events = build_events(channel=channel, parsed=parsed, now=now, traceparent=trace)
    await publish(state, events)
    if logger.isEnabledFor(logging.INFO):  # skip the per-ticket log context when not logged
        for event in events:
            with ticket_context(ticket_id=event.subject, traceparent=event.traceparent):
                logger.info(
                    "ticket accepted" if isinstance(event, TicketReceivedV1) else "ticket updated",
                    extra={"channel": channel.name, "event_type": event.type},
                )
    if parsed.ignored:
        logger.info("webhook needs no action", extra={"channel": channel.name})
    ticket_ids = list(dict.fromkeys(event.subject for event in events))
    response = JSONResponse(
        accepted_body(channel=channel, parsed=parsed, ticket_ids=ticket_ids),
        status_code=202,
        headers={"traceparent": trace},
    )
    return response, "ignored" if parsed.ignored and not events else "accepted"
