"""Intake routes: accept a webhook, answer 202 (Slack: 200) only once the broker has every
event. The generic webhook route is here, with the pipeline every webhook route runs;
PagerDuty's Events API routes are in :mod:`services.intake.pagerduty_api`."""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from services.intake.adapters import parse
from services.intake.adapters.common import Inbound, Parsed, PayloadError
from services.intake.domain import URLENCODED, Channel, authenticate, www_authenticate
from services.intake.openapi import PARAMETERS, REQUEST_BODY, RESPONSES
from services.intake.redaction import redacting_logger
from services.intake.slack_answers import slack_answer, slack_refusal
from services.intake.state import IntakeState
from services.intake.webhook import (
    OUTCOMES,
    Accepted,
    accepted_body,
    build_events,
    check_content_type,
    check_idempotency_key,
    enforce_rate_limit,
    find_channel,
    invalid_payload,
    media_type,
    publish,
    read_form,
    read_limited_body,
    request_state,
)
from shared.events import TicketReceivedV1
from shared.logging import ticket_context
from shared.problems import ProblemError
from shared.tracing import new_traceparent, valid_traceparent

logger = redacting_logger(__name__)

router = APIRouter(prefix="/v1", tags=["intake"])


@dataclass(frozen=True)
class FormatApi:
    """A route of a format's own API beside the channel's URL (PagerDuty's Events API): what
    it refuses of the body before authentication (``check_body`` raises), what an invalid
    payload is answered with (``refuse``), the adapter that replaces the format's own, and
    whether it answers as for a change event."""

    check_body: Callable[[bytes], None]
    refuse: Callable[[list[dict[str, str]]], Exception]
    adapter: Callable[[Inbound], Parsed] | None = None
    change: bool = False


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
    state = request_state(request)
    channel = find_channel(state, request.path_params["channel"])
    check_idempotency_key(request.headers)
    webhooks = state.webhooks
    try:
        response, outcome = await receive(
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


async def receive(
    request: Request,
    *,
    channel: Channel,
    state: IntakeState,
    traceparent: str | None,
    format_api: FormatApi | None = None,
) -> tuple[JSONResponse, str]:
    """The 202 answer and its outcome label; a ProblemError for anything else (and, on a
    ``format_api`` route, what its ``check_body`` and ``refuse`` raise: PagerDuty's own
    Events API answers 400)."""
    body = await read_limited_body(request, limit=channel.config.max_body_bytes)
    if format_api is not None:
        format_api.check_body(body)
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
            adapter=format_api.adapter if format_api is not None else None,
        )
    except PayloadError as error:
        logger.info(
            "webhook payload rejected",
            extra={"channel": channel.name, "fields": [item["field"] for item in error.errors]},
        )
        if format_api is not None:
            raise format_api.refuse(error.errors) from error
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
            change=format_api is not None and format_api.change,
        ),
        status_code=202,
        headers={"traceparent": trace},
    )
    return response, outcome
