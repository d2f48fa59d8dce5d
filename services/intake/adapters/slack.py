"""The ``slack`` format: Slack's Events API callbacks and slash commands."""

import re
from dataclasses import dataclass
from typing import Any

from pydantic import Field, StrictStr

from services.intake.adapters.common import (
    BODY_MAX,
    Inbound,
    Lenient,
    NewReport,
    Parsed,
    PayloadError,
    SlackReply,
    Update,
    clip,
    load_json,
    user_report_screening,
    validate,
)
from shared.events import Report, Reporter, ReportSubject

SLACK_ID_MAX = 64
SLACK_TITLE_MAX = 120


def _slack_id() -> Any:
    return Field(default=None, max_length=SLACK_ID_MAX)


class SlackMessage(Lenient):
    """The message inside a ``message_changed`` event (and its ``previous_message``)."""

    type: StrictStr | None = _slack_id()
    subtype: StrictStr | None = _slack_id()
    user: StrictStr | None = _slack_id()
    bot_id: StrictStr | None = _slack_id()
    text: StrictStr | None = None
    ts: StrictStr | None = _slack_id()
    thread_ts: StrictStr | None = _slack_id()


class SlackInnerEvent(SlackMessage):
    """The ``event`` of an ``event_callback``: a ``message`` or ``app_mention`` is read,
    every other type is acknowledged and ignored."""

    type: StrictStr = Field(min_length=1, max_length=SLACK_ID_MAX)
    channel: StrictStr | None = _slack_id()
    channel_type: StrictStr | None = _slack_id()
    event_ts: StrictStr | None = _slack_id()
    message: SlackMessage | None = None
    previous_message: SlackMessage | None = None


class SlackEventsPayload(Lenient):
    """What Slack's Events API posts (JSON): a ``url_verification`` (with its
    ``challenge``), an ``event_callback`` (with ``event_id`` and ``event``), or another
    type (``app_rate_limited``), acknowledged and ignored."""

    type: StrictStr = Field(min_length=1, max_length=SLACK_ID_MAX)
    challenge: StrictStr | None = Field(default=None, min_length=1, max_length=256)
    event_id: StrictStr | None = Field(default=None, min_length=1, max_length=256)
    team_id: StrictStr | None = _slack_id()
    enterprise_id: StrictStr | None = _slack_id()
    api_app_id: StrictStr | None = _slack_id()
    event: SlackInnerEvent | None = None


class SlackSlashCommand(Lenient):
    """A slash command's URL-encoded form (``token`` and ``response_url`` are not kept:
    the signature authenticates, and the URL lets anyone post into the channel)."""

    command: StrictStr = Field(min_length=1, max_length=SLACK_ID_MAX)
    text: StrictStr = ""
    user_id: StrictStr = Field(min_length=1, max_length=SLACK_ID_MAX)
    trigger_id: StrictStr = Field(min_length=1, max_length=256)
    team_id: StrictStr = Field(default="", max_length=SLACK_ID_MAX)
    team_domain: StrictStr = Field(default="", max_length=256)
    enterprise_id: StrictStr = Field(default="", max_length=SLACK_ID_MAX)
    channel_id: StrictStr = Field(default="", max_length=SLACK_ID_MAX)
    channel_name: StrictStr = Field(default="", max_length=256)
    api_app_id: StrictStr = Field(default="", max_length=SLACK_ID_MAX)


# Message subtypes a person wrote as a new message; ``message_changed`` edits one. Every
# other subtype (``bot_message``, ``message_deleted``, joins, topic changes, ...) is no
# report: a deleted message's ticket stays, as the report it was.
_SLACK_PERSON_SUBTYPES = frozenset({None, "file_share", "thread_broadcast", "me_message"})
_SLACK_MARKUP = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")


def _slack_markup(match: re.Match[str]) -> str:
    target, label = match.group(1), match.group(2)
    if target[:1] in ("@", "#"):  # <@U123>, <#C123|general>
        return target[0] + (label or target[1:])
    if target.startswith("!"):  # <!here>, <!subteam^S1|@team>, <!date^...|fallback>
        return label or "@" + target[1:].split("^")[0]
    if target.startswith("mailto:"):
        return label or target.removeprefix("mailto:")
    return f"{label} ({target})" if label and label != target else target


def slack_text(text: str) -> str:
    """Slack's message markup as people read it: mentions, channels and links rendered,
    ``&amp;`` ``&lt;`` ``&gt;`` unescaped (what triage's screening should read)."""
    rendered = _SLACK_MARKUP.sub(_slack_markup, text)
    return rendered.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _slack_title(text: str, fallback: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return clip(" ".join(first.split()) or fallback, SLACK_TITLE_MAX)


def _slack_report(
    *,
    text: str,
    user: str,
    subject: ReportSubject,
    metadata: dict[str, Any],
    fallback: str,
) -> Report:
    readable = slack_text(text).strip()
    return Report(
        title=_slack_title(readable, fallback),
        body=clip(readable, BODY_MAX),
        reporter=Reporter(id=user, type="slack"),
        subject=subject,
        tags=[f"slack:{metadata['kind']}"],
        metadata={"slack": metadata},
        screening=user_report_screening("slack"),
    )


@dataclass(frozen=True)
class _SlackPost:
    """A message a person wrote, with everything a report of it needs."""

    channel: str
    user: str
    ts: str
    text: str
    thread_ts: str | None
    channel_type: str | None  # channel, group, im (a direct message to the app), mpim


def _slack_post(message: SlackMessage, event: SlackInnerEvent) -> _SlackPost | str:
    """The message as a person's post, or why it is no report."""
    if message.bot_id or message.subtype == "bot_message":
        return "a bot's message is no report"
    if message.subtype not in _SLACK_PERSON_SUBTYPES:
        return f"message subtype {message.subtype} needs no action"
    if not message.text or not message.text.strip():
        return "a message without text is no report"
    channel = event.channel
    if not (message.user and message.ts and channel):
        return "a message without user, ts or channel is no report"
    thread_ts = message.thread_ts if message.thread_ts != message.ts else None
    return _SlackPost(
        channel, message.user, message.ts, message.text, thread_ts, event.channel_type
    )


def _slack_message_identity(post: _SlackPost) -> str:
    # A message's identity is its channel and ts: Slack's retries (same event_id), the
    # same message delivered both as a message and as an app_mention, and its edits are
    # one ticket.
    return f"slack-message\x00{post.channel}\x00{post.ts}"


def _slack_message_report(payload: SlackEventsPayload, post: _SlackPost, kind: str) -> Report:
    if kind == "message" and post.thread_ts:
        kind = "thread_reply"
    return _slack_report(
        text=post.text,
        user=post.user,
        subject=ReportSubject(type="slack_message", id=f"{post.channel}/{post.ts}"),
        metadata={
            "kind": kind,
            "team_id": payload.team_id,
            "channel": post.channel,
            "channel_type": post.channel_type,
            "ts": post.ts,
            "thread_ts": post.thread_ts,
            "event_id": payload.event_id,
        },
        fallback="Slack message",
    )


def _slack_event(payload: SlackEventsPayload, event: SlackInnerEvent, event_id: str) -> Parsed:
    reply = SlackReply()
    if event.type not in ("message", "app_mention"):
        return Parsed(ignored=f"event type {event.type} needs no action", slack=reply)
    if event.subtype == "message_changed":
        if event.message is None:
            return Parsed(ignored="message_changed without its message", slack=reply)
        edited = _slack_post(event.message, event)
        if isinstance(edited, str):
            return Parsed(ignored=edited, slack=reply)
        previous = event.previous_message
        if previous is not None and previous.text == edited.text:  # a link unfurled
            return Parsed(ignored="an edit that left the text as it was", slack=reply)
        update = Update(
            identity=_slack_message_identity(edited),
            delivery_id=event_id,
            action="edited",
            report=_slack_message_report(payload, edited, "message"),
        )
        return Parsed(items=[update], slack=reply)
    post = _slack_post(event, event)
    if isinstance(post, str):
        return Parsed(ignored=post, slack=reply)
    report = _slack_message_report(
        payload, post, "mention" if event.type == "app_mention" else "message"
    )
    item = NewReport(identity=_slack_message_identity(post), delivery_id=event_id, report=report)
    return Parsed(items=[item], slack=reply)


def _slack_events_api(inbound: Inbound) -> Parsed:
    payload = validate(SlackEventsPayload, load_json(inbound.body))
    if payload.type == "url_verification":
        if payload.challenge is None:
            raise PayloadError(
                [{"field": "body.challenge", "message": "required for url_verification"}]
            )
        return Parsed(ignored="url_verification", slack=SlackReply(challenge=payload.challenge))
    if payload.type != "event_callback":
        return Parsed(ignored=f"callback type {payload.type} needs no action", slack=SlackReply())
    if payload.event_id is None or payload.event is None:
        missing = [name for name in ("event_id", "event") if getattr(payload, name) is None]
        raise PayloadError(
            [
                {"field": f"body.{name}", "message": "required for event_callback"}
                for name in missing
            ]
        )
    return _slack_event(payload, payload.event, payload.event_id)


SLACK_HELP = frozenset({"", "help"})


def _slack_command(inbound: Inbound) -> Parsed:
    command = validate(SlackSlashCommand, dict(inbound.form))
    reply = SlackReply(command=command.command)
    if command.text.strip().lower() in SLACK_HELP:
        return Parsed(ignored="a slash command without text is no report", slack=reply)
    report = _slack_report(
        text=command.text,
        user=command.user_id,
        # The channel the command was typed in is not what the report is about (reports
        # sharing a subject count towards a surge): it is in the metadata.
        subject=ReportSubject(type="slack_command"),
        metadata={
            "kind": "command",
            "command": command.command,
            "team_id": command.team_id or None,
            "team_domain": command.team_domain or None,
            "channel": command.channel_id or None,
            "channel_name": command.channel_name or None,
            "trigger_id": command.trigger_id,
        },
        fallback="Slack report",
    )
    # Slack never retries a slash command: each trigger_id is one invocation.
    identity = f"slack-command\x00{command.trigger_id}"
    return Parsed(
        items=[NewReport(identity=identity, delivery_id=command.trigger_id, report=report)],
        slack=reply,
    )


def parse_slack(inbound: Inbound) -> Parsed:
    """Slack's own requests: a slash command's form (``/report <text>`` is a report whose
    ticket the reply names; no text, or ``help``, is answered with how to use it), or an
    Events API callback (JSON): ``url_verification`` is answered with its challenge; a
    ``message`` or ``app_mention`` a person wrote is a report (an edit of it, an
    ``edited`` update), bots' messages and other events are ignored."""
    content_type = inbound.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/x-www-form-urlencoded":
        return _slack_command(inbound)
    return _slack_events_api(inbound)
