"""The ``slack`` payload format: Slack's own signed requests through intake's HTTP API, over
the in-process bus. The Events API (url_verification answered with its challenge, message
events as reports, Slack's retries deduped) and slash commands (``/report <text>`` answered
ephemerally with the ticket id), with Slack's signature and its 5-minute replay window."""

import json
import urllib.parse
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from slack_sdk.signature import Clock, SignatureVerifier

from services.intake import adapters, signatures
from services.intake.adapters.common import Inbound
from services.intake.adapters.slack import SLACK_TITLE_MAX, slack_text
from services.intake.domain import ChannelConfig, ticket_id_for
from services.intake.main import create_app
from services.intake.settings import IntakeSettings
from services.triage.shipped import classify
from shared.bus import BusUnavailableError, Headers, InProcessBus
from shared.events import Priority, TicketReceivedV1, TicketUpdatedV1
from tests.support.helpers import PROBLEM_JSON
from tests.support.intake_bus import IntakeEvent, intake_events

# The example of Slack's "Verifying requests from Slack": its signing secret, timestamp,
# slash-command body (a /webhook-collect command with no text) and signature.
DOC_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
DOC_TIMESTAMP = "1531420618"
DOC_BODY = (
    b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id="
    b"G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook"
    b"-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F39770"
    b"0885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10"
    b"d2c447fce8b6703c"
)
DOC_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
DOC_NOW = datetime.fromtimestamp(int(DOC_TIMESTAMP), UTC)

SECRET = "slack-signing-secret-for-tests"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
URL = "/v1/webhooks/slack"

CHANNELS_YAML = """\
channels:
  - {name: slack, format: slack, auth: {type: slack, secrets: [{env: T_SLACK}]}}
  - {name: slack-doc, format: slack, auth: {type: slack, secrets: [{env: T_SLACK_DOC}]}}
  - name: slack-limited
    format: slack
    auth: {type: slack, secrets: [{env: T_SLACK}]}
    rate_limit: {requests_per_second: 1, burst: 1}
"""


class UnavailableBus(InProcessBus):
    """A broker that never acknowledges."""

    async def send(self, topic: str, *, key: str, value: bytes, headers: Headers = ()) -> None:
        raise BusUnavailableError("broker down (test)")


@dataclass
class Slack:
    """Posts to intake as Slack does: signed with the signing secret at ``now``."""

    client: httpx.AsyncClient
    bus: InProcessBus
    clock: list[datetime]
    _reads: int = 0

    async def post(
        self,
        body: bytes,
        *,
        content_type: str,
        url: str = URL,
        secret: str = SECRET,
        sent_at: datetime | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        timestamp = str(int((sent_at or self.clock[0]).timestamp()))
        signed = {
            "content-type": content_type,
            "x-slack-request-timestamp": timestamp,
            "x-slack-signature": signatures.slack_signature(
                secret=secret, timestamp=timestamp, body=body
            ),
        }
        return await self.client.post(url, content=body, headers=signed | (headers or {}))

    async def event(self, payload: dict[str, Any], **kwargs: Any) -> httpx.Response:
        return await self.post(
            json.dumps(payload).encode(), content_type="application/json", **kwargs
        )

    async def command(self, **fields: str) -> httpx.Response:
        body = urllib.parse.urlencode(slash_command(**fields)).encode()
        return await self.post(body, content_type="application/x-www-form-urlencoded")

    async def events(self, *, expect_none: bool = False) -> list[IntakeEvent]:
        self._reads += 1
        return await intake_events(self.bus, group_id=f"r{self._reads}", expect_none=expect_none)


async def _slack(
    settings_kwargs: dict[str, Any], monkeypatch: pytest.MonkeyPatch, bus: InProcessBus
) -> AsyncIterator[Slack]:
    (Path(settings_kwargs["config_dir"]) / "channels.yaml").write_text(CHANNELS_YAML)
    monkeypatch.setenv("T_SLACK", SECRET)
    monkeypatch.setenv("T_SLACK_DOC", DOC_SECRET)
    clock = [NOW]
    app = create_app(
        IntakeSettings(**settings_kwargs), bus=bus, clock=lambda: clock[0], monotonic=lambda: 0.0
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield Slack(client=client, bus=bus, clock=clock)


@pytest.fixture
async def slack(
    settings_kwargs: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Slack]:
    async for running in _slack(settings_kwargs, monkeypatch, InProcessBus()):
        yield running


@pytest.fixture
async def slack_without_broker(
    settings_kwargs: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Slack]:
    async for running in _slack(settings_kwargs, monkeypatch, UnavailableBus()):
        yield running


def message_event(
    text: str = "Someone in #general keeps sending me threats",
    *,
    event_id: str = "Ev0PV52K21",
    ts: str = "1764072000.000100",
    **event: Any,
) -> dict[str, Any]:
    """An ``event_callback`` carrying a ``message`` event, as Slack's Events API posts it."""
    return {
        "token": "XXYYZZ",
        "team_id": "T0001",
        "api_app_id": "A0001",
        "event": {
            "type": "message",
            "channel": "C2147483705",
            "channel_type": "channel",
            "user": "U2147483697",
            "text": text,
            "ts": ts,
            "event_ts": ts,
            **event,
        },
        "type": "event_callback",
        "event_id": event_id,
        "event_time": 1764072000,
        "authorizations": [{"team_id": "T0001", "user_id": "U0BOT", "is_bot": True}],
    }


def slash_command(**fields: str) -> dict[str, str]:
    return {
        "token": "gIkuvaNzQIHg97ATvDxqgjtO",
        "team_id": "T0001",
        "team_domain": "example",
        "channel_id": "C2147483705",
        "channel_name": "test",
        "user_id": "U2147483697",
        "user_name": "Steve",
        "command": "/report",
        "text": "Someone keeps posting scam links in #general",
        "api_app_id": "A123456",
        "response_url": "https://hooks.slack.com/commands/1234/5678",
        "trigger_id": "13345224609.738474920.8088930838d88f008e0",
        **fields,
    }


def _problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    problem: dict[str, Any] = response.json()
    assert problem["status"] == status
    return problem


# --- signatures as Slack specifies ------------------------------------------------------


def test_slacks_documented_example_signature_is_the_one_intake_computes() -> None:
    assert (
        signatures.slack_signature(secret=DOC_SECRET, timestamp=DOC_TIMESTAMP, body=DOC_BODY)
        == DOC_SIGNATURE
    )
    assert signatures.verify_slack(
        secrets=[DOC_SECRET],
        signature_header=DOC_SIGNATURE,
        timestamp=DOC_TIMESTAMP,
        body=DOC_BODY,
        now=DOC_NOW,
    )


@pytest.mark.parametrize("offset", [0, 299, 300, 301, -300, -301, 3600])
def test_intake_agrees_with_slacks_own_verifier(offset: int) -> None:
    """slack_sdk's SignatureVerifier is Slack's reference: same answer at every distance
    from the request's timestamp (at most 5 minutes either way)."""

    class At(Clock):
        def now(self) -> float:
            return float(int(DOC_TIMESTAMP) + offset)

    reference = SignatureVerifier(DOC_SECRET, clock=At())
    ours = signatures.verify_slack(
        secrets=[DOC_SECRET],
        signature_header=DOC_SIGNATURE,
        timestamp=DOC_TIMESTAMP,
        body=DOC_BODY,
        now=DOC_NOW + timedelta(seconds=offset),
    )
    theirs = reference.is_valid(DOC_BODY, DOC_TIMESTAMP, DOC_SIGNATURE)
    assert ours == theirs == (abs(offset) <= 300)
    # And a signature Slack's SDK makes is one intake takes.
    made = reference.generate_signature(timestamp=DOC_TIMESTAMP, body=DOC_BODY)
    assert made == DOC_SIGNATURE


async def test_slacks_documented_request_is_taken_at_its_time(slack: Slack) -> None:
    """The documented request, at its own time, on a channel with the documented secret: a
    slash command with no text, answered with how to use it."""
    slack.clock[0] = DOC_NOW
    response = await slack.client.post(
        "/v1/webhooks/slack-doc",
        content=DOC_BODY,
        headers={
            "content-type": "application/x-www-form-urlencoded",
            "x-slack-request-timestamp": DOC_TIMESTAMP,
            "x-slack-signature": DOC_SIGNATURE,
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["response_type"] == "ephemeral"
    assert "/webhook-collect <what happened>" in response.json()["text"]
    assert await slack.events(expect_none=True) == []
    # Six minutes later the same request is a replay.
    slack.clock[0] = DOC_NOW + timedelta(minutes=6)
    replay = await slack.client.post(
        "/v1/webhooks/slack-doc",
        content=DOC_BODY,
        headers={
            "content-type": "application/x-www-form-urlencoded",
            "x-slack-request-timestamp": DOC_TIMESTAMP,
            "x-slack-signature": DOC_SIGNATURE,
        },
    )
    _problem(replay, 401)


@pytest.mark.parametrize(
    "sent_at", [NOW - timedelta(minutes=5, seconds=1), NOW + timedelta(minutes=5, seconds=1)]
)
async def test_a_stale_or_future_timestamp_is_refused(slack: Slack, sent_at: datetime) -> None:
    problem = _problem(await slack.event(message_event(), sent_at=sent_at), 401)
    assert problem["title"] == "Authentication failed"
    assert "detail" not in problem  # which part failed is not said
    assert await slack.events(expect_none=True) == []


async def test_within_five_minutes_is_taken(slack: Slack) -> None:
    response = await slack.event(message_event(), sent_at=NOW - timedelta(minutes=5))
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "tamper",
    [
        {"secret": "another-apps-secret"},
        {"headers": {"x-slack-signature": "v0=" + "0" * 64}},
        {"headers": {"x-slack-signature": ""}},
        {"headers": {"x-slack-request-timestamp": "soon"}},
    ],
)
async def test_a_bad_signature_is_refused(slack: Slack, tamper: dict[str, Any]) -> None:
    _problem(await slack.event({"type": "url_verification", "challenge": "c"}, **tamper), 401)


async def test_an_unsigned_request_is_refused(slack: Slack) -> None:
    response = await slack.client.post(URL, json={"type": "url_verification", "challenge": "c"})
    _problem(response, 401)


def test_a_slack_channel_must_check_slacks_signature() -> None:
    with pytest.raises(ValueError, match="format 'slack' takes auth type 'slack'"):
        ChannelConfig.model_validate(
            {"name": "s", "format": "slack", "auth": {"type": "bearer", "tokens": [{"env": "X"}]}}
        )


# --- Events API -------------------------------------------------------------------------


async def test_url_verification_is_answered_with_its_challenge(slack: Slack) -> None:
    challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    response = await slack.event(
        {"token": "Jhj5dZrVaK7ZwHHjRyZWjbDl", "challenge": challenge, "type": "url_verification"}
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"challenge": challenge}
    assert await slack.events(expect_none=True) == []


async def test_a_message_event_becomes_a_report(slack: Slack) -> None:
    response = await slack.event(
        message_event(
            "He said <@U0BAD1> will *hurt* me &amp; my family\nSee <https://x.test/p|this>"
        )
    )
    assert response.status_code == 200, response.text
    ticket_id = response.json()["ticket_id"]
    assert response.json()["ticket_ids"] == [ticket_id]

    [event] = await slack.events()
    assert isinstance(event, TicketReceivedV1)
    assert event.subject == ticket_id
    assert event.data.delivery_id == "Ev0PV52K21"  # Slack's event_id
    report = event.data.report
    assert report.title == "He said @U0BAD1 will *hurt* me & my family"
    assert report.body == (
        "He said @U0BAD1 will *hurt* me & my family\nSee this (https://x.test/p)"
    )
    assert (report.reporter.id, report.reporter.type) == ("U2147483697", "slack")
    assert (report.subject.type, report.subject.id) == (
        "slack_message",
        "C2147483705/1764072000.000100",
    )
    assert report.tags == ["slack:message"]
    assert report.metadata["slack"]["kind"] == "message"
    assert report.metadata["slack"]["team_id"] == "T0001"
    assert report.screening is not None
    assert report.screening.safety == "full"  # people write Slack messages
    assert [span.field for span in report.screening.prose or ()] == ["title", "body"]


async def test_slacks_retries_are_the_same_ticket(slack: Slack) -> None:
    first = await slack.event(message_event())
    # Slack did not see the 200 in time: the same event again, signed anew, seconds later.
    slack.clock[0] = NOW + timedelta(seconds=4)
    retry = await slack.event(
        message_event(),
        headers={"x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout"},
    )
    assert retry.status_code == 200, retry.text
    assert retry.json()["ticket_id"] == first.json()["ticket_id"]
    first_event, retried = await slack.events()
    assert first_event.id == retried.id  # consumers drop the duplicate
    assert first_event.subject == retried.subject == first.json()["ticket_id"]


async def test_a_message_and_its_app_mention_are_one_ticket(slack: Slack) -> None:
    message = await slack.event(message_event("<@U0BOT> please look at this"))
    mention = await slack.event(
        message_event("<@U0BOT> please look at this", event_id="Ev0MENTION", type="app_mention")
    )
    assert mention.json()["ticket_id"] == message.json()["ticket_id"]


async def test_a_thread_reply_is_a_report_marked_as_one(slack: Slack) -> None:
    response = await slack.event(
        message_event("He did it again", ts="1764072100.000200", thread_ts="1764072000.000100")
    )
    assert response.status_code == 200, response.text
    [event] = await slack.events()
    assert isinstance(event, TicketReceivedV1)
    assert event.data.report.tags == ["slack:thread_reply"]
    assert event.data.report.metadata["slack"]["thread_ts"] == "1764072000.000100"


async def test_an_edited_message_updates_its_ticket(slack: Slack) -> None:
    opened = await slack.event(message_event("They threatened me"))
    edited = await slack.event(
        {
            **message_event(event_id="Ev0EDIT"),
            "event": {
                "type": "message",
                "subtype": "message_changed",
                "hidden": True,
                "channel": "C2147483705",
                "ts": "1764072060.000300",
                "message": {
                    "type": "message",
                    "user": "U2147483697",
                    "text": "They threatened me and my sister",
                    "ts": "1764072000.000100",
                    "edited": {"user": "U2147483697", "ts": "1764072060.000000"},
                },
                "previous_message": {
                    "type": "message",
                    "user": "U2147483697",
                    "text": "They threatened me",
                    "ts": "1764072000.000100",
                },
            },
        }
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["ticket_id"] == opened.json()["ticket_id"]
    _, update = await slack.events()
    assert isinstance(update, TicketUpdatedV1)
    assert update.data.action == "edited"
    assert update.data.delivery_id == "Ev0EDIT"
    assert update.data.report is not None
    assert update.data.report.body == "They threatened me and my sister"


@pytest.mark.parametrize(
    ("payload", "why"),
    [
        (message_event(bot_id="B0VIGIL", subtype="bot_message"), "bot"),
        (message_event(bot_id="B0VIGIL"), "bot"),
        (message_event(subtype="message_deleted"), "message_deleted"),
        (message_event(subtype="channel_join"), "channel_join"),
        (message_event("   "), "without text"),
        (message_event(user=None), "without user"),
        (
            {**message_event(), "event": {"type": "reaction_added", "user": "U1"}},
            "reaction_added",
        ),
        ({"type": "app_rate_limited", "team_id": "T1", "minute_rate_limited": 1}, "app_rate"),
    ],
)
async def test_what_is_no_report_is_acknowledged_and_ignored(
    slack: Slack, payload: dict[str, Any], why: str
) -> None:
    response = await slack.event(payload)
    assert response.status_code == 200, response.text
    assert response.json()["ticket_id"] is None
    assert why in response.json()["ignored"]
    assert await slack.events(expect_none=True) == []


async def test_an_edit_that_only_unfurled_a_link_is_ignored(slack: Slack) -> None:
    same = {"type": "message", "user": "U1", "text": "see https://x.test", "ts": "1.2"}
    response = await slack.event(
        {
            **message_event(),
            "event": {
                "type": "message",
                "subtype": "message_changed",
                "channel": "C1",
                "message": {**same, "attachments": [{"title": "x.test"}]},
                "previous_message": same,
            },
        }
    )
    assert response.status_code == 200, response.text
    assert response.json()["ticket_id"] is None


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"type": "url_verification"}, "body.challenge"),
        ({"type": "event_callback", "event": {"type": "message"}}, "body.event_id"),
        ({"type": "event_callback", "event_id": "Ev1"}, "body.event"),
        ({"type": "event_callback", "event_id": "Ev1", "event": {"text": "x"}}, "body.event.type"),
        ({"challenge": "c"}, "body.type"),
    ],
)
async def test_a_malformed_callback_is_422_and_not_retried(
    slack: Slack, payload: dict[str, Any], field: str
) -> None:
    response = await slack.event(payload)
    problem = _problem(response, 422)
    assert field in [error["field"] for error in problem["errors"]]
    assert response.headers["x-slack-no-retry"] == "1"


async def test_other_content_types_are_415(slack: Slack) -> None:
    response = await slack.post(b"hello", content_type="text/plain")
    _problem(response, 415)
    assert response.headers["x-slack-no-retry"] == "1"


async def test_an_event_the_broker_did_not_confirm_is_503_for_slack_to_retry(
    slack_without_broker: Slack,
) -> None:
    response = await slack_without_broker.event(message_event())
    _problem(response, 503)
    assert "x-slack-no-retry" not in response.headers


# --- slash commands ---------------------------------------------------------------------


async def test_a_signed_slash_command_is_answered_ephemerally_with_its_ticket(
    slack: Slack,
) -> None:
    response = await slack.command()
    assert response.status_code == 200, response.text
    [event] = await slack.events()
    assert isinstance(event, TicketReceivedV1)
    assert response.json() == {
        "response_type": "ephemeral",
        "text": f"Thanks — report received as ticket {event.subject}.",
    }
    trigger_id = "13345224609.738474920.8088930838d88f008e0"
    assert event.subject == ticket_id_for(
        channel="slack", delivery_id=f"slack-command\x00{trigger_id}"
    )
    assert event.data.delivery_id == trigger_id
    report = event.data.report
    assert report.title == report.body == "Someone keeps posting scam links in #general"
    assert (report.reporter.id, report.reporter.type) == ("U2147483697", "slack")
    # Typed in a channel, not about it: no subject to group reports by.
    assert (report.subject.type, report.subject.id) == ("slack_command", None)
    assert report.metadata["slack"]["channel"] == "C2147483705"
    assert report.metadata["slack"]["command"] == "/report"
    assert "response_url" not in json.dumps(report.metadata)  # it lets anyone post
    assert report.screening is not None
    assert report.screening.safety == "full"


@pytest.mark.parametrize("text", ["", "   ", "help"])
async def test_a_command_without_text_is_answered_with_its_usage(slack: Slack, text: str) -> None:
    response = await slack.command(text=text)
    assert response.status_code == 200, response.text
    assert response.json()["response_type"] == "ephemeral"
    assert "`/report <what happened>`" in response.json()["text"]
    assert "Nothing was recorded" in response.json()["text"]
    assert await slack.events(expect_none=True) == []


async def test_a_command_form_without_its_fields_is_422(slack: Slack) -> None:
    body = urllib.parse.urlencode({"text": "x"}).encode()
    response = await slack.post(body, content_type="application/x-www-form-urlencoded")
    fields = {error["field"] for error in _problem(response, 422)["errors"]}
    assert fields == {"body.command", "body.user_id", "body.trigger_id"}


async def test_a_command_the_broker_did_not_confirm_tells_its_user(
    slack_without_broker: Slack,
) -> None:
    response = await slack_without_broker.command()
    assert response.status_code == 200, response.text
    assert response.json()["response_type"] == "ephemeral"
    assert "may not have been recorded" in response.json()["text"]
    assert "again in 5 seconds" in response.json()["text"]


async def test_a_rate_limited_command_tells_its_user(slack: Slack) -> None:
    body = urllib.parse.urlencode(slash_command()).encode()
    first = await slack.post(
        body, content_type="application/x-www-form-urlencoded", url="/v1/webhooks/slack-limited"
    )
    assert "Thanks" in first.json()["text"]
    limited = await slack.post(
        body, content_type="application/x-www-form-urlencoded", url="/v1/webhooks/slack-limited"
    )
    assert limited.status_code == 200
    assert "was not recorded" in limited.json()["text"]


# --- the adapter ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "readable"),
    [
        ("hi <@U123> in <#C9|general>", "hi @U123 in #general"),
        ("<!here> <!subteam^S1|@mods> look", "@here @mods look"),
        ("<https://x.test/a?b=1&amp;c=2>", "https://x.test/a?b=1&c=2"),
        ("mail <mailto:a@x.test|a@x.test>", "mail a@x.test"),
        ("1 &lt; 2 &amp;&amp; 3 &gt; 2", "1 < 2 && 3 > 2"),
    ],
)
def test_slack_markup_is_read_as_people_see_it(text: str, readable: str) -> None:
    assert slack_text(text) == readable


def test_a_long_first_line_is_clipped_into_the_title() -> None:
    payload = message_event("x" * 300 + "\nsecond line")
    inbound = Inbound(
        headers={"content-type": "application/json"}, body=json.dumps(payload).encode()
    )
    [item] = adapters.parse("slack", inbound).items
    assert item.report is not None
    assert len(item.report.title) == SLACK_TITLE_MAX
    assert item.report.title.endswith("…")
    assert item.report.body.endswith("second line")


def test_a_threat_posted_in_slack_reaches_the_safety_emergency_queue() -> None:
    """A person wrote it, so triage screens all of it (full): an explicit threat is P0."""
    payload = message_event("<@U0BAD1> told me: I will kill you tomorrow")
    inbound = Inbound(
        headers={"content-type": "application/json"}, body=json.dumps(payload).encode()
    )
    [item] = adapters.parse("slack", inbound).items
    assert item.report is not None
    decision = classify(item.report)
    assert (decision.category, decision.priority, decision.queue) == (
        "threat_to_life",
        Priority.P0,
        "safety-emergency",
    )
