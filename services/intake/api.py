"""Intake routes: accept a webhook, answer 202 (Slack: 200) only once the broker has every
event."""

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Literal

import pydantic_core
from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, TypeAdapter, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException
from starlette.types import Message

from services.intake.adapters import parse
from services.intake.adapters.common import Inbound, NewReport, Parsed, PayloadError, SlackReply
from services.intake.adapters.pagerduty import parse_pagerduty_change
from services.intake.domain import (
    URLENCODED,
    Channel,
    accepted_content_types,
    authenticate,
    received_event,
    retry_after_header,
    updated_event,
    www_authenticate,
)
from services.intake.openapi import (
    PAGERDUTY_OPENAPI,
    PAGERDUTY_RESPONSES,
    PARAMETERS,
    REQUEST_BODY,
    RESPONSES,
)
from services.intake.redaction import redacting_logger
from services.intake.state import IntakeState
from shared.bus import BusUnavailableError, Outgoing
from shared.events import TicketReceivedV1, TicketUpdatedV1
from shared.logging import ticket_context
from shared.problems import ProblemError
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


def _state(request: Request) -> IntakeState:
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


# --- PagerDuty Events API v2 ------------------------------------------------------------


class PagerDutyRejectedError(Exception):
    """An event PagerDuty's own Events API would answer with 400 (its error shape)."""

    def __init__(self, *, status: str, message: str, errors: list[str]) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors

    def response(self) -> JSONResponse:
        body = {"status": self.status, "message": self.message, "errors": self.errors}
        return JSONResponse(body, status_code=400)


def pagerduty_invalid_event(errors: list[dict[str, str]]) -> PagerDutyRejectedError:
    return PagerDutyRejectedError(
        status="invalid event",
        message="Event object is invalid",
        errors=[f"{item['field'].removeprefix('body.')}: {item['message']}" for item in errors],
    )


def check_pagerduty_event(body: bytes) -> None:
    """What PagerDuty refuses before it looks at the routing key: a body that is no JSON
    object, or one without a routing key (answered 400 in its shape, as PagerDuty does; a
    routing key that is not the channel's is the usual 401)."""
    try:
        parsed = pydantic_core.from_json(body)
    except ValueError as error:
        raise PagerDutyRejectedError(
            status="Unrecognized object",
            message="Event object format is unrecognized",
            errors=["JSON parse error"],
        ) from error
    if not isinstance(parsed, dict):
        raise PagerDutyRejectedError(
            status="Unrecognized object",
            message="Event object format is unrecognized",
            errors=["the event is not a JSON object"],
        )
    routing_key = parsed.get("routing_key")
    if not isinstance(routing_key, str) or not routing_key:
        raise pagerduty_invalid_event(
            [{"field": "routing_key", "message": "is missing or not a non-empty string"}]
        )


def find_pagerduty_channel(state: IntakeState, name: str) -> Channel:
    channel = find_channel(state, name)
    if channel.config.format != "pagerduty":
        raise ProblemError(
            status=404,
            title="Unknown channel",
            detail=f"No PagerDuty channel {name!r}: the Events API routes need a channel of "
            "format 'pagerduty'.",
        )
    return channel


async def receive_pagerduty(request: Request, *, change: bool) -> JSONResponse:
    state = _state(request)
    channel = find_pagerduty_channel(state, request.path_params["channel"])
    webhooks = state.webhooks
    try:
        response, outcome = await _receive(
            request,
            channel=channel,
            state=state,
            traceparent=request.headers.get("traceparent"),
            pagerduty_api="change" if change else "enqueue",
        )
    except PagerDutyRejectedError as rejected:
        webhooks.inc(channel.name, OUTCOMES[400])
        return rejected.response()
    except ProblemError as problem:
        webhooks.inc(channel.name, OUTCOMES.get(problem.status, "rejected"))
        raise
    webhooks.inc(channel.name, outcome)
    return response


@router.post(
    "/webhooks/{channel}/v2/enqueue",
    status_code=202,
    response_model=Accepted,
    openapi_extra=PAGERDUTY_OPENAPI["enqueue"],
    responses=PAGERDUTY_RESPONSES,
)
async def pagerduty_enqueue(request: Request) -> JSONResponse:
    """PagerDuty's Events API v2 (``trigger``, ``acknowledge``, ``resolve``) on a pagerduty
    channel: give SDKs such as ``pdpyras.EventsAPISession`` the channel's URL as their base
    URL and they post here."""
    return await receive_pagerduty(request, change=False)


@router.post(
    "/webhooks/{channel}/v2/change/enqueue",
    status_code=202,
    response_model=Accepted,
    openapi_extra=PAGERDUTY_OPENAPI["change"],
    responses=PAGERDUTY_RESPONSES,
)
async def pagerduty_change_enqueue(request: Request) -> JSONResponse:
    """PagerDuty's change events (a deploy, a merged pull request): each is recorded as an
    informational report (P4, nobody paged), so it is on the timeline beside incidents."""
    return await receive_pagerduty(request, change=True)


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
    webhooks = state.webhooks
    try:
        response, outcome = await _receive(
            request, channel=channel, state=state, traceparent=request.headers.get("traceparent")
        )
    except ProblemError as problem:
        webhooks.inc(channel.name, OUTCOMES.get(problem.status, "rejected"))
        if channel.config.format == "slack":
            reply = slack_refusal(problem, slash_command=media_type(request) == URLENCODED)
            if reply is not None:
                return reply
        raise
    webhooks.inc(channel.name, outcome)
    return response


# --- Slack ------------------------------------------------------------------------------

SLACK_ACKNOWLEDGEMENT = "Thanks — report received as ticket {ticket_id}."
SLACK_USAGE = (
    "Tell us what happened: `{command} <what happened>` (for example `{command} someone "
    "in #general keeps sending me threats`). Nothing was recorded; only you can see this."
)
SLACK_NOT_RECORDED = {
    429: "Too many reports are arriving right now, so yours was not recorded. Please send "
    "it again in {retry_after} seconds.",
    503: "Your report could not be confirmed just now, so it may not have been recorded. "
    "Please send it again in {retry_after} seconds.",
}
_SLACK_NO_RETRY = {413, 415, 422}


def ephemeral(text: str, *, headers: dict[str, str] | None = None) -> JSONResponse:
    """A slash command's reply, which only the user who sent the command sees."""
    return JSONResponse({"response_type": "ephemeral", "text": text}, headers=headers)


def slack_answer(
    channel: Channel,
    parsed: Parsed,
    reply: SlackReply,
    *,
    ticket_ids: list[str],
    trace: str,
) -> JSONResponse:
    """Slack wants 200 (within 3 seconds) in its own shapes: the url_verification's
    challenge, a slash command's ephemeral reply, or anything for an event."""
    headers = {"traceparent": trace}
    if reply.challenge is not None:
        return JSONResponse({"challenge": reply.challenge}, headers=headers)
    if reply.command is not None:
        if not ticket_ids:
            return ephemeral(SLACK_USAGE.format(command=reply.command), headers=headers)
        return ephemeral(SLACK_ACKNOWLEDGEMENT.format(ticket_id=ticket_ids[0]), headers=headers)
    body = accepted_body(channel=channel, parsed=parsed, ticket_ids=ticket_ids)
    return JSONResponse(body, headers=headers)


def slack_refusal(problem: ProblemError, *, slash_command: bool) -> JSONResponse | None:
    """What a refused Slack request is answered instead of the problem document, if
    anything. A slash command that the rate limit or the broker kept from being recorded
    tells its user so: Slack shows the user only a 200's text, and never retries a command
    (Events API callbacks get the 429 or 503, which Slack retries with the same
    ``event_id``). A payload Vigil will never take gets ``X-Slack-No-Retry``."""
    if slash_command and problem.status in SLACK_NOT_RECORDED:
        retry_after = (problem.headers or {}).get("Retry-After", "a few")
        return ephemeral(SLACK_NOT_RECORDED[problem.status].format(retry_after=retry_after))
    if problem.status in _SLACK_NO_RETRY:
        problem.headers = {**(problem.headers or {}), "X-Slack-No-Retry": "1"}
    return None


PagerDutyApi = Literal["enqueue", "change"]


async def _receive(
    request: Request,
    *,
    channel: Channel,
    state: IntakeState,
    traceparent: str | None,
    pagerduty_api: PagerDutyApi | None = None,
) -> tuple[JSONResponse, str]:
    """The 202 answer and its outcome label; a ProblemError for anything else (and a
    PagerDutyRejectedError for what PagerDuty's own Events API answers 400)."""
    body = await read_limited_body(request, limit=channel.config.max_body_bytes)
    if pagerduty_api is not None:
        check_pagerduty_event(body)
    now = state.clock()
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
    payload_format = channel.config.format
    reads_form = payload_format == "email" or (
        payload_format == "slack" and media_type(request) == URLENCODED
    )
    form = await read_form(request, body) if reads_form else {}
    inbound = Inbound(headers=request.headers, body=body, form=form)
    try:
        parsed = parse(
            channel.config.format,
            inbound,
            safety_screening=channel.config.safety_screening,
            adapter=parse_pagerduty_change if pagerduty_api == "change" else None,
        )
    except PayloadError as error:
        logger.info(
            "webhook payload rejected",
            extra={"channel": channel.name, "fields": [item["field"] for item in error.errors]},
        )
        if pagerduty_api is not None:
            raise pagerduty_invalid_event(error.errors) from error
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
    outcome = "ignored" if parsed.ignored and not events else "accepted"
    if parsed.slack is not None:
        answer = slack_answer(channel, parsed, parsed.slack, ticket_ids=ticket_ids, trace=trace)
        return answer, outcome
    response = JSONResponse(
        accepted_body(
            channel=channel,
            parsed=parsed,
            ticket_ids=ticket_ids,
            change=pagerduty_api == "change",
        ),
        status_code=202,
        headers={"traceparent": trace},
    )
    return response, outcome
