"""Every channel format and auth scheme through intake's HTTP API, over the in-process bus."""

import base64
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.intake import signatures
from services.intake.main import create_app
from services.intake.settings import IntakeSettings
from shared.bus import InProcessBus
from shared.events import TicketReceivedV1, TicketUpdatedV1
from tests.support import samples
from tests.support.helpers import PROBLEM_JSON, sample_value
from tests.support.intake_bus import IntakeEvent, intake_events

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SW_SECRET = "whsec_" + base64.b64encode(b"standard-webhooks-key-for-tests!").decode()
SW_OLD_SECRET = "whsec_" + base64.b64encode(b"the-previous-key-being-rotated!!").decode()
GH_SECRET = "github-secret-for-tests"
SLACK_SECRET = "slack-secret-for-tests"
ZD_SECRET = "zendesk-secret-for-tests"
ROUTING_KEY = "routing-key-for-tests"
AM_TOKEN = "alertmanager-token-for-tests"
MAIL_PASSWORD = "mail-password-for-tests"

SECRETS = {
    "T_SW": SW_SECRET,
    "T_SW_OLD": SW_OLD_SECRET,
    "T_GH": GH_SECRET,
    "T_SLACK": SLACK_SECRET,
    "T_ZD": ZD_SECRET,
    "T_RK": ROUTING_KEY,
    "T_AM": AM_TOKEN,
    "T_MAIL": MAIL_PASSWORD,
}

CHANNELS_YAML = """\
channels:
  - name: partner
    format: generic
    auth: {type: standard_webhooks, secrets: [{env: T_SW_OLD}, {env: T_SW}]}
  - {name: slack, format: generic, auth: {type: slack, secrets: [{env: T_SLACK}]}}
  - {name: am, format: alertmanager, auth: {type: bearer, tokens: [{env: T_AM}]}}
  - {name: pd, format: pagerduty, auth: {type: routing_key, routing_keys: [{env: T_RK}]}}
  - {name: zd, format: zendesk, auth: {type: zendesk, secrets: [{env: T_ZD}]}}
  - {name: gh, format: github, auth: {type: github, secrets: [{env: T_GH}]}}
  - {name: mail, format: email, auth: {type: basic, username: vigil, passwords: [{env: T_MAIL}]}}
  - name: limited
    format: alertmanager
    auth: {type: bearer, tokens: [{env: T_AM}]}
    rate_limit: {requests_per_second: 1, burst: 2}
    max_body_bytes: 2000
"""


@dataclass
class Intake:
    client: httpx.AsyncClient
    bus: InProcessBus
    clock: list[float]
    _reads: int = 0

    async def events(self, *, expect_none: bool = False) -> list[IntakeEvent]:
        self._reads += 1
        return await intake_events(self.bus, group_id=f"r{self._reads}", expect_none=expect_none)


@pytest.fixture
async def intake(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings_kwargs: dict[str, Any]
) -> AsyncIterator[Intake]:
    config_dir = Path(settings_kwargs["config_dir"])
    (config_dir / "channels.yaml").write_text(CHANNELS_YAML)
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    monotonic = [0.0]
    bus = InProcessBus()
    app = create_app(
        IntakeSettings(**settings_kwargs),
        bus=bus,
        clock=lambda: NOW,
        monotonic=lambda: monotonic[0],
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield Intake(client=client, bus=bus, clock=monotonic)


def _problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    problem: dict[str, Any] = response.json()
    assert problem["status"] == status
    return problem


def _sw_headers(body: bytes, *, msg_id: str = "msg_1", at: datetime = NOW) -> dict[str, str]:
    timestamp = int(at.timestamp())
    key = signatures.standard_webhooks_key(SW_SECRET)
    signature = signatures.standard_webhooks_signature(
        key=key, msg_id=msg_id, timestamp=timestamp, body=body
    )
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature,
        "content-type": "application/json",
    }


def _gh_headers(body: bytes, *, delivery: str = "d-1", event: str = "issues") -> dict[str, str]:
    return {
        "x-github-event": event,
        "x-github-delivery": delivery,
        "x-hub-signature-256": signatures.github_signature(secret=GH_SECRET, body=body),
        "content-type": "application/json",
    }


def _zd_headers(body: bytes, *, at: datetime = NOW) -> dict[str, str]:
    timestamp = at.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "x-zendesk-webhook-signature": signatures.zendesk_signature(
            secret=ZD_SECRET, timestamp=timestamp, body=body
        ),
        "x-zendesk-webhook-signature-timestamp": timestamp,
        "content-type": "application/json",
    }


def _basic(user: str, password: str) -> dict[str, str]:
    return {"authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


# --- Standard Webhooks ------------------------------------------------------------------


async def test_standard_webhooks_signed_report_is_accepted_and_redelivery_dedupes(
    intake: Intake,
) -> None:
    body = json.dumps({"title": "Partner report"}).encode()
    first = await intake.client.post(
        "/v1/webhooks/partner", content=body, headers=_sw_headers(body)
    )
    again = await intake.client.post(
        "/v1/webhooks/partner", content=body, headers=_sw_headers(body)
    )

    assert first.status_code == again.status_code == 202, first.text
    assert first.json()["ticket_id"] == again.json()["ticket_id"]
    events = await intake.events()
    assert len({event.id for event in events}) == 1
    assert events[0].data.delivery_id == "msg_1"


@pytest.mark.parametrize(
    "tamper",
    ["body", "timestamp", "id", "signature", "stale", "future"],
)
async def test_standard_webhooks_any_tampering_is_401(intake: Intake, tamper: str) -> None:
    body = json.dumps({"title": "Partner report"}).encode()
    headers = _sw_headers(body)
    if tamper == "body":
        body = body.replace(b"Partner", b"Partnes")
    elif tamper == "timestamp":
        headers["webhook-timestamp"] = str(int(headers["webhook-timestamp"]) + 1)
    elif tamper == "id":
        headers["webhook-id"] = "msg_2"
    elif tamper == "signature":
        signature = headers["webhook-signature"]
        headers["webhook-signature"] = (
            signature[:5] + ("A" if signature[5] != "A" else "B") + signature[6:]
        )
    else:
        at = NOW + timedelta(minutes=6 if tamper == "future" else -6)
        headers = _sw_headers(body, at=at)

    response = await intake.client.post("/v1/webhooks/partner", content=body, headers=headers)

    problem = _problem(response, 401)
    assert problem["title"] == "Authentication failed"
    assert "detail" not in problem  # which part failed is not revealed
    assert await intake.events(expect_none=True) == []


# --- Slack ------------------------------------------------------------------------------


async def test_slack_signed_request_is_accepted_and_stale_one_refused(intake: Intake) -> None:
    body = json.dumps({"title": "From a Slack workflow"}).encode()
    timestamp = str(int(NOW.timestamp()))
    headers = {
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": signatures.slack_signature(
            secret=SLACK_SECRET, timestamp=timestamp, body=body
        ),
        "content-type": "application/json",
    }
    assert (
        await intake.client.post("/v1/webhooks/slack", content=body, headers=headers)
    ).status_code == 202
    stale = str(int((NOW - timedelta(minutes=10)).timestamp()))
    headers["x-slack-request-timestamp"] = stale
    headers["x-slack-signature"] = signatures.slack_signature(
        secret=SLACK_SECRET, timestamp=stale, body=body
    )
    _problem(await intake.client.post("/v1/webhooks/slack", content=body, headers=headers), 401)


# --- Alertmanager -----------------------------------------------------------------------


async def test_alertmanager_one_ticket_per_alert_and_resolved_updates(intake: Intake) -> None:
    auth = {"authorization": f"Bearer {AM_TOKEN}"}
    firing = await intake.client.post(
        "/v1/webhooks/am", json=samples.alertmanager(fingerprints=("f1", "f2")), headers=auth
    )
    assert firing.status_code == 202, firing.text
    ticket_ids = firing.json()["ticket_ids"]
    assert len(ticket_ids) == 2
    assert firing.json()["ticket_id"] == ticket_ids[0]

    resolved = await intake.client.post(
        "/v1/webhooks/am",
        json=samples.alertmanager(status="resolved", fingerprints=("f1",)),
        headers=auth,
    )
    assert resolved.status_code == 202
    assert resolved.json()["ticket_ids"] == [ticket_ids[0]]

    events = await intake.events()
    received = [event for event in events if isinstance(event, TicketReceivedV1)]
    updates = [event for event in events if isinstance(event, TicketUpdatedV1)]
    assert sorted(event.subject for event in received) == sorted(ticket_ids)
    assert len(updates) == 1
    assert updates[0].subject == ticket_ids[0]
    assert updates[0].data.action == "resolved"
    assert updates[0].type == "vigil.ticket.updated.v1"


async def test_alertmanager_wrong_token_is_401_with_challenge(intake: Intake) -> None:
    response = await intake.client.post(
        "/v1/webhooks/am", json=samples.alertmanager(), headers={"authorization": "Bearer no"}
    )
    _problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"


async def test_malformed_alertmanager_payload_is_422_naming_the_field(intake: Intake) -> None:
    payload = samples.alertmanager()
    del payload["alerts"][0]["fingerprint"]
    response = await intake.client.post(
        "/v1/webhooks/am", json=payload, headers={"authorization": f"Bearer {AM_TOKEN}"}
    )
    problem = _problem(response, 422)
    assert "body.alerts.0.fingerprint" in [error["field"] for error in problem["errors"]]


# --- PagerDuty --------------------------------------------------------------------------


async def test_pagerduty_answers_like_pagerduty(intake: Intake) -> None:
    response = await intake.client.post("/v1/webhooks/pd", json=samples.pagerduty())

    assert response.status_code == 202, response.text
    body = response.json()
    assert body["status"] == "success"
    assert body["message"] == "Event processed"
    assert body["dedup_key"] == "srv01/HTTP"
    assert body["ticket_id"]

    ack = await intake.client.post("/v1/webhooks/pd", json=samples.pagerduty(action="acknowledge"))
    resolve = await intake.client.post("/v1/webhooks/pd", json=samples.pagerduty(action="resolve"))
    assert ack.json()["ticket_id"] == resolve.json()["ticket_id"] == body["ticket_id"]
    actions = [
        event.data.action for event in await intake.events() if isinstance(event, TicketUpdatedV1)
    ]
    assert actions == ["acknowledged", "resolved"]


async def test_pagerduty_wrong_routing_key_is_401(intake: Intake) -> None:
    response = await intake.client.post(
        "/v1/webhooks/pd", json=samples.pagerduty(routing_key="someone-elses")
    )
    _problem(response, 401)


# --- Zendesk ----------------------------------------------------------------------------


async def test_zendesk_created_then_solved(intake: Intake) -> None:
    created = samples.dumps(samples.zendesk())
    solved = samples.dumps(
        samples.zendesk(event_type="ticket.status_changed", event_id="e-2", current_status="solved")
    )
    first = await intake.client.post(
        "/v1/webhooks/zd", content=created, headers=_zd_headers(created)
    )
    second = await intake.client.post(
        "/v1/webhooks/zd", content=solved, headers=_zd_headers(solved)
    )

    assert first.status_code == second.status_code == 202
    assert first.json()["ticket_id"] == second.json()["ticket_id"]
    kinds = [event.type for event in await intake.events()]
    assert kinds == ["vigil.ticket.received.v1", "vigil.ticket.updated.v1"]


async def test_zendesk_stale_signature_is_401(intake: Intake) -> None:
    created = samples.dumps(samples.zendesk())
    headers = _zd_headers(created, at=NOW - timedelta(hours=1))
    _problem(await intake.client.post("/v1/webhooks/zd", content=created, headers=headers), 401)


# --- GitHub -----------------------------------------------------------------------------


async def test_github_issue_opened_then_closed(intake: Intake) -> None:
    opened = samples.dumps(samples.github_issue())
    closed = samples.dumps(samples.github_issue(action="closed"))
    first = await intake.client.post("/v1/webhooks/gh", content=opened, headers=_gh_headers(opened))
    second = await intake.client.post(
        "/v1/webhooks/gh", content=closed, headers=_gh_headers(closed, delivery="d-2")
    )
    assert first.status_code == second.status_code == 202
    assert first.json()["ticket_id"] == second.json()["ticket_id"]
    [received, updated] = await intake.events()
    assert isinstance(updated, TicketUpdatedV1)
    assert updated.data.action == "closed"
    assert received.data.delivery_id == "d-1"


async def test_github_ping_is_acknowledged_and_creates_nothing(intake: Intake) -> None:
    body = b'{"zen": "Design for failure.", "hook_id": 1}'
    response = await intake.client.post(
        "/v1/webhooks/gh", content=body, headers=_gh_headers(body, event="ping")
    )
    assert response.status_code == 202
    assert response.json()["ticket_id"] is None
    assert response.json()["ignored"]
    assert await intake.events(expect_none=True) == []


async def test_github_signature_over_other_body_is_401(intake: Intake) -> None:
    opened = samples.dumps(samples.github_issue())
    headers = _gh_headers(opened)
    response = await intake.client.post("/v1/webhooks/gh", content=opened + b" ", headers=headers)
    _problem(response, 401)


# --- e-mail -----------------------------------------------------------------------------


async def test_email_multipart_form_becomes_a_ticket(intake: Intake) -> None:
    form = samples.email_form()
    response = await intake.client.post(
        "/v1/webhooks/mail",
        data=form,
        files={"attachment1": ("a.txt", b"attached", "text/plain")},
        headers=_basic("vigil", MAIL_PASSWORD),
    )
    assert response.status_code == 202, response.text
    [event] = await intake.events()
    assert isinstance(event, TicketReceivedV1)
    assert event.data.report.title == "Scam on my account"
    # The payload keeps the reporter's contact details intact.
    assert event.data.report.reporter.id == "jane.doe@example.com"


async def test_email_urlencoded_form_is_accepted_and_json_is_415(intake: Intake) -> None:
    auth = _basic("vigil", MAIL_PASSWORD)
    form = await intake.client.post("/v1/webhooks/mail", data=samples.email_form(), headers=auth)
    assert form.status_code == 202, form.text
    as_json = await intake.client.post("/v1/webhooks/mail", json=samples.email_form(), headers=auth)
    _problem(as_json, 415)


async def test_email_wrong_password_is_401_with_basic_challenge(intake: Intake) -> None:
    response = await intake.client.post(
        "/v1/webhooks/mail", data=samples.email_form(), headers=_basic("vigil", "nope")
    )
    _problem(response, 401)
    assert response.headers["www-authenticate"].startswith("Basic")


# --- limits -----------------------------------------------------------------------------


async def test_rate_limit_is_429_with_retry_after_then_refills(intake: Intake) -> None:
    auth = {"authorization": f"Bearer {AM_TOKEN}"}
    payload = samples.alertmanager()
    statuses = [
        (await intake.client.post("/v1/webhooks/limited", json=payload, headers=auth)).status_code
        for _ in range(3)
    ]
    assert statuses == [202, 202, 429]
    limited = await intake.client.post("/v1/webhooks/limited", json=payload, headers=auth)
    _problem(limited, 429)
    assert int(limited.headers["retry-after"]) >= 1
    # Other channels have their own bucket.
    assert (
        await intake.client.post("/v1/webhooks/am", json=payload, headers=auth)
    ).status_code == 202

    intake.clock[0] += 1.0
    after = await intake.client.post("/v1/webhooks/limited", json=payload, headers=auth)
    assert after.status_code == 202


async def test_per_channel_body_limit_is_413(intake: Intake) -> None:
    payload = samples.alertmanager(summary="x" * 3000)
    response = await intake.client.post(
        "/v1/webhooks/limited", json=payload, headers={"authorization": f"Bearer {AM_TOKEN}"}
    )
    assert "2000" in _problem(response, 413)["detail"]


@pytest.mark.parametrize("channel", ["am", "pd", "zd", "gh"])
async def test_json_formats_refuse_other_content_types_with_415(
    intake: Intake, channel: str
) -> None:
    body = samples.dumps(samples.pagerduty())
    headers = {
        "authorization": f"Bearer {AM_TOKEN}",
        **_zd_headers(body),
        **_gh_headers(body),
        "content-type": "text/plain",
    }
    _problem(
        await intake.client.post(f"/v1/webhooks/{channel}", content=body, headers=headers), 415
    )


# --- logs -------------------------------------------------------------------------------


async def test_logs_never_carry_reporter_emails_or_phone_numbers(
    intake: Intake, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    logger = logging.getLogger("services.intake.api")
    logger.info("reporter %s wrote", "jane.doe@example.com", extra={"phone": "+44 20 7946 0958"})
    response = await intake.client.post(
        "/v1/webhooks/mail", data=samples.email_form(), headers=_basic("vigil", MAIL_PASSWORD)
    )
    assert response.status_code == 202

    intake_records = [
        record for record in caplog.records if record.name.startswith("services.intake")
    ]
    assert intake_records
    text = "\n".join(f"{record.getMessage()} {vars(record)}" for record in intake_records)
    assert "jane.doe@example.com" not in text
    assert "7946 0958" not in text
    assert "[email]" in text


async def test_unauthenticated_requests_do_not_use_up_the_rate_limit(intake: Intake) -> None:
    payload = samples.alertmanager()
    for _ in range(5):
        bad = await intake.client.post(
            "/v1/webhooks/limited", json=payload, headers={"authorization": "Bearer wrong"}
        )
        _problem(bad, 401)
    auth = {"authorization": f"Bearer {AM_TOKEN}"}
    statuses = [
        (await intake.client.post("/v1/webhooks/limited", json=payload, headers=auth)).status_code
        for _ in range(2)
    ]
    assert statuses == [202, 202]


async def test_webhook_outcomes_are_counted_per_channel(intake: Intake) -> None:
    auth = {"authorization": f"Bearer {AM_TOKEN}"}
    assert (
        await intake.client.post("/v1/webhooks/am", json=samples.alertmanager(), headers=auth)
    ).status_code == 202
    bad = await intake.client.post(
        "/v1/webhooks/am", json=samples.alertmanager(), headers={"authorization": "Bearer x"}
    )
    assert bad.status_code == 401
    invalid = await intake.client.post("/v1/webhooks/am", json={"version": "4"}, headers=auth)
    assert invalid.status_code == 422
    ping = b'{"zen": "Approachable is better than simple."}'
    pinged = await intake.client.post(
        "/v1/webhooks/gh", content=ping, headers=_gh_headers(ping, event="ping")
    )
    assert pinged.status_code == 202

    text = (await intake.client.get("/metrics")).text

    name = "vigil_intake_webhooks_total"
    for channel, outcome in [
        ("am", "accepted"),
        ("am", "unauthenticated"),
        ("am", "invalid"),
        ("gh", "ignored"),
    ]:
        assert sample_value(text, name, {"channel": channel, "outcome": outcome}) == 1.0
