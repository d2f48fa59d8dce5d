"""The steps every webhook route shares: find the channel, check the request (idempotency
key, rate limit, body size, content type), read its form, build and publish its events,
and the body of its 202."""

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, TypeAdapter, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException
from starlette.types import Message

from services.intake.adapters.common import NewReport, Parsed
from services.intake.domain import (
    Channel,
    accepted_content_types,
    received_event,
    updated_event,
)
from services.intake.ratelimit import retry_after_header
from services.intake.state import IntakeState
from shared.bus import BusUnavailableError, Outgoing
from shared.events import TicketReceivedV1, TicketUpdatedV1
from shared.problems import ProblemError
from shared.topics import TICKETS_RECEIVED

MAX_FORM_FIELDS = 100
IDEMPOTENCY_KEY_MAX_LENGTH = 256
_IDEMPOTENCY_KEY = TypeAdapter(Annotated[str, Field(max_length=IDEMPOTENCY_KEY_MAX_LENGTH)])

# Label values of vigil_intake_webhooks_total{channel,outcome}, by the answer's status.
OUTCOMES = {
    202: "accepted",
    400: "invalid",
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


def request_state(request: Request) -> IntakeState:
    # Read directly, not through a dependency: FastAPI's parameter machinery is the
    # costliest part of a webhook request.
    state: IntakeState = request.app.state.vigil
    return state


def find_channel(state: IntakeState, name: str) -> Channel:
    found = state.channels.get(name)
    if found is None:
        raise ProblemError(status=404, title="Unknown channel", detail=f"No channel {name!r}.")
    return found


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


def enforce_rate_limit(channel: Channel, state: IntakeState) -> None:
    wait = state.rate_limiter.take(channel.name, now=state.monotonic())
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


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def check_content_type(channel: Channel, request: Request) -> None:
    accepted = accepted_content_types(channel.config.format)
    if media_type(request) not in accepted:
        raise ProblemError(
            status=415,
            title="Unsupported media type",
            detail=f"This channel accepts {' or '.join(sorted(accepted))}.",
        )


def build_events(
    *, channel: Channel, parsed: Parsed, now: datetime, traceparent: str
) -> list[TicketReceivedV1 | TicketUpdatedV1]:
    events: list[TicketReceivedV1 | TicketUpdatedV1] = []
    for item in parsed.items:
        if isinstance(item, NewReport):
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


async def publish(state: IntakeState, events: list[TicketReceivedV1 | TicketUpdatedV1]) -> None:
    """Every event acknowledged by the broker, or 503. A 503 does not mean nothing was sent:
    the producer keeps what it buffered and may deliver it after the timeout. The sender
    retries the whole delivery, and the deterministic ticket and event ids make whatever
    arrives twice a duplicate that consumers drop.

    ``send_many`` hands them all to the producer before awaiting the acknowledgements (and
    costs less per message than ``send``); the 202 still waits for every one."""
    settings = state.settings
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
    *, channel: Channel, parsed: Parsed, ticket_ids: list[str], change: bool = False
) -> dict[str, Any]:
    body = Accepted(
        ticket_id=ticket_ids[0] if ticket_ids else None,
        ticket_ids=ticket_ids,
        ignored=parsed.ignored,
    )
    if change:  # PagerDuty's answer to a change event has no dedup_key
        body.status, body.message = "success", "Change event processed"
    elif channel.config.format == "pagerduty":
        body.status, body.message, body.dedup_key = "success", "Event processed", parsed.dedup_key
    return body.model_dump(exclude_none=True) | {"ticket_id": body.ticket_id}
