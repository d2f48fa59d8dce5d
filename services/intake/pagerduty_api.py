"""PagerDuty's Events API v2 on a ``pagerduty`` channel: ``/v2/enqueue`` and
``/v2/change/enqueue`` under the channel's URL, answered as PagerDuty answers."""

import pydantic_core
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from services.intake.adapters.pagerduty import parse_pagerduty_change
from services.intake.api import FormatApi, receive
from services.intake.domain import Channel
from services.intake.openapi import PAGERDUTY_OPENAPI, PAGERDUTY_RESPONSES
from services.intake.state import IntakeState
from services.intake.webhook import OUTCOMES, Accepted, find_channel, request_state
from shared.problems import ProblemError

router = APIRouter(prefix="/v1", tags=["intake"])


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


# Both routes refuse as PagerDuty does; the change route parses change events.
ENQUEUE = FormatApi(check_body=check_pagerduty_event, refuse=pagerduty_invalid_event)
CHANGE = FormatApi(
    check_body=check_pagerduty_event,
    refuse=pagerduty_invalid_event,
    adapter=parse_pagerduty_change,
    change=True,
)


async def receive_pagerduty(request: Request, *, change: bool) -> JSONResponse:
    state = request_state(request)
    channel = find_pagerduty_channel(state, request.path_params["channel"])
    webhooks = state.webhooks
    try:
        response, outcome = await receive(
            request,
            channel=channel,
            state=state,
            traceparent=request.headers.get("traceparent"),
            format_api=CHANGE if change else ENQUEUE,
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
