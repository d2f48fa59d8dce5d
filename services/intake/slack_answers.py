"""How a ``slack`` channel answers Slack: 200 in Slack's own shapes (a challenge, a slash
command's ephemeral reply), and what a refused Slack request gets instead of the problem
document."""

from fastapi.responses import JSONResponse

from services.intake.adapters.common import Parsed, SlackReply
from services.intake.domain import Channel
from services.intake.webhook import accepted_body
from shared.problems import ProblemError

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
