"""Each payload format mapped into the one ticket model, and its identity rules."""

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.intake import adapters
from services.intake.adapters.alertmanager import parse_alertmanager
from services.intake.adapters.common import Inbound, NewReport, PayloadError, Update
from services.intake.adapters.email import parse_email
from services.intake.adapters.generic import parse_generic
from services.intake.adapters.github import parse_github
from services.intake.adapters.pagerduty import parse_pagerduty
from services.intake.adapters.zendesk import parse_zendesk
from services.intake.channels import load_channels
from services.intake.domain import received_event, ticket_id_for, updated_event
from services.intake.ratelimit import RateLimiter, TokenBucket, retry_after_header
from services.intake.redaction import RedactingFilter, redact
from shared.config import ConfigError
from tests.support import samples

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def _json(payload: dict[str, Any], **headers: str) -> Inbound:
    return Inbound(headers=headers, body=json.dumps(payload).encode())


# --- generic ----------------------------------------------------------------------------


def test_generic_uses_idempotency_key_then_webhook_id() -> None:
    body = {"title": "hello"}
    [item] = parse_generic(_json(body, **{"idempotency-key": "k1"})).items
    assert isinstance(item, NewReport)
    assert (item.identity, item.delivery_id, item.report.title) == ("k1", "k1", "hello")
    [item] = parse_generic(_json(body, **{"webhook-id": "msg_1"})).items
    assert item.identity == "msg_1"


def test_generic_invalid_names_the_field() -> None:
    with pytest.raises(PayloadError) as caught:
        parse_generic(_json({"title": ""}))
    assert [error["field"] for error in caught.value.errors] == ["body.title"]


# --- alertmanager -----------------------------------------------------------------------


def test_alertmanager_one_ticket_per_alert() -> None:
    payload = samples.alertmanager(fingerprints=("f1", "f2", "f3"))
    parsed = parse_alertmanager(_json(payload))
    assert len(parsed.items) == 3
    assert all(isinstance(item, NewReport) for item in parsed.items)
    identities = {item.identity for item in parsed.items}
    assert len(identities) == 3
    first = parsed.items[0]
    assert isinstance(first, NewReport)
    assert first.report.title == "Disk almost full on db-1"
    assert first.report.subject.id == "f1"
    assert "severity:critical" in first.report.tags
    assert "instance=db-0" in first.report.body
    assert first.report.metadata["alertmanager"]["group_key"] == payload["groupKey"]


def test_alertmanager_resolved_updates_the_firing_ticket() -> None:
    [firing] = parse_alertmanager(_json(samples.alertmanager())).items
    [resolved] = parse_alertmanager(_json(samples.alertmanager(status="resolved"))).items
    assert isinstance(resolved, Update)
    assert resolved.action == "resolved"
    assert resolved.identity == firing.identity


def test_alertmanager_same_alert_firing_again_later_is_a_new_ticket() -> None:
    [first] = parse_alertmanager(_json(samples.alertmanager())).items
    [again] = parse_alertmanager(
        _json(samples.alertmanager(starts_at="2026-11-26T09:00:00Z"))
    ).items
    assert first.identity != again.identity


def test_alertmanager_title_falls_back_to_alertname() -> None:
    payload = samples.alertmanager()
    payload["alerts"][0]["annotations"] = {}
    [item] = parse_alertmanager(_json(payload)).items
    assert isinstance(item, NewReport)
    assert item.report.title == "DiskFull"


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda p: p.update(version="3"), "body.version"),
        (lambda p: p.pop("groupKey"), "body.groupKey"),
        (lambda p: p["alerts"][0].pop("fingerprint"), "body.alerts.0.fingerprint"),
        (lambda p: p["alerts"][0].update(status="pending"), "body.alerts.0.status"),
        (lambda p: p.update(alerts="nope"), "body.alerts"),
    ],
)
def test_alertmanager_malformed_names_the_field(mutate: Any, field: str) -> None:
    payload = samples.alertmanager()
    mutate(payload)
    with pytest.raises(PayloadError) as caught:
        parse_alertmanager(_json(payload))
    assert field in [error["field"] for error in caught.value.errors]


# --- pagerduty --------------------------------------------------------------------------


def test_pagerduty_trigger_opens_a_ticket_keyed_by_dedup_key() -> None:
    parsed = parse_pagerduty(_json(samples.pagerduty()))
    [item] = parsed.items
    assert isinstance(item, NewReport)
    assert item.identity == "srv01/HTTP"
    assert parsed.dedup_key == "srv01/HTTP"
    assert item.report.title == "Example alert on host1.example.com"
    assert "severity:critical" in item.report.tags
    assert item.report.metadata["pagerduty"]["class"] == "deploy"


def test_pagerduty_trigger_without_dedup_key_gets_one() -> None:
    parsed = parse_pagerduty(_json(samples.pagerduty(dedup_key=None)))
    assert parsed.dedup_key
    assert parsed.items[0].identity == parsed.dedup_key


@pytest.mark.parametrize(
    ("action", "expected"), [("acknowledge", "acknowledged"), ("resolve", "resolved")]
)
def test_pagerduty_acknowledge_and_resolve_update_the_ticket(action: str, expected: str) -> None:
    parsed = parse_pagerduty(_json(samples.pagerduty(action=action)))
    [item] = parsed.items
    assert isinstance(item, Update)
    assert (item.identity, item.action) == ("srv01/HTTP", expected)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (samples.pagerduty(action="resolve", dedup_key=None), "body.dedup_key"),
        ({**samples.pagerduty(), "event_action": "explode"}, "body.event_action"),
        ({k: v for k, v in samples.pagerduty().items() if k != "payload"}, "body.payload"),
        (
            {**samples.pagerduty(), "payload": {"summary": "x", "source": "y", "severity": "bad"}},
            "body.payload.severity",
        ),
    ],
    ids=["resolve-without-dedup-key", "bad-action", "trigger-without-payload", "bad-severity"],
)
def test_pagerduty_malformed_names_the_field(payload: dict[str, Any], field: str) -> None:
    with pytest.raises(PayloadError) as caught:
        parse_pagerduty(_json(payload))
    assert field in [error["field"] for error in caught.value.errors]


# --- zendesk ----------------------------------------------------------------------------


def test_zendesk_ticket_created_opens_a_ticket() -> None:
    [item] = parse_zendesk(_json(samples.zendesk())).items
    assert isinstance(item, NewReport)
    assert item.delivery_id == "cbe4028c-7239-495d-b020-f22348516046"
    assert item.report.subject.id == "5158"
    assert item.report.title.startswith("My account was hacked")


@pytest.mark.parametrize(("status", "action"), [("solved", "resolved"), ("closed", "closed")])
def test_zendesk_solved_or_closed_updates_the_same_ticket(status: str, action: str) -> None:
    [created] = parse_zendesk(_json(samples.zendesk())).items
    payload = samples.zendesk(
        event_type="ticket.status_changed", event_id="e-2", current_status=status
    )
    [item] = parse_zendesk(_json(payload)).items
    assert isinstance(item, Update)
    assert (item.identity, item.action, item.delivery_id) == (created.identity, action, "e-2")


def test_zendesk_other_events_are_ignored_with_a_reason() -> None:
    parsed = parse_zendesk(
        _json(samples.zendesk(event_type="ticket.status_changed", current_status="pending"))
    )
    assert parsed.items == []
    assert parsed.ignored
    parsed = parse_zendesk(_json(samples.zendesk(event_type="ticket.priority_changed")))
    assert parsed.items == []
    assert parsed.ignored


def test_zendesk_without_detail_is_422() -> None:
    payload = samples.zendesk()
    del payload["detail"]
    with pytest.raises(PayloadError) as caught:
        parse_zendesk(_json(payload))
    assert "body.detail" in [error["field"] for error in caught.value.errors]


# --- github -----------------------------------------------------------------------------

GH_HEADERS = {
    "x-github-event": "issues",
    "x-github-delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
}


def test_github_opened_issue_opens_a_ticket() -> None:
    [item] = parse_github(_json(samples.github_issue(), **GH_HEADERS)).items
    assert isinstance(item, NewReport)
    assert item.delivery_id == GH_HEADERS["x-github-delivery"]
    assert item.report.title == "Found a bug"
    assert item.report.subject.url == "https://github.com/octocat/Hello-World/issues/1347"
    assert item.report.reporter.id == "octocat"


@pytest.mark.parametrize("action", ["edited", "closed"])
def test_github_edited_and_closed_update_the_ticket(action: str) -> None:
    [opened] = parse_github(_json(samples.github_issue(), **GH_HEADERS)).items
    headers = {**GH_HEADERS, "x-github-delivery": "other-delivery"}
    [item] = parse_github(_json(samples.github_issue(action=action), **headers)).items
    assert isinstance(item, Update)
    assert (item.identity, item.action) == (opened.identity, action)
    assert (item.report is not None) == (action == "edited")


def test_github_ping_and_other_actions_are_ignored() -> None:
    ping = parse_github(
        _json({"zen": "Keep it logically awesome."}, **{**GH_HEADERS, "x-github-event": "ping"})
    )
    assert ping.items == []
    assert ping.ignored
    labeled = parse_github(_json(samples.github_issue(action="labeled"), **GH_HEADERS))
    assert labeled.items == []
    assert labeled.ignored


def test_github_without_delivery_header_is_422() -> None:
    with pytest.raises(PayloadError) as caught:
        parse_github(_json(samples.github_issue(), **{"x-github-event": "issues"}))
    assert caught.value.errors[0]["field"] == "header.x-github-delivery"


# --- email ------------------------------------------------------------------------------


def test_email_form_becomes_a_report_keyed_by_message_id() -> None:
    [item] = parse_email(Inbound(headers={}, form=samples.email_form())).items
    assert isinstance(item, NewReport)
    assert item.delivery_id == "<CAF=abc123@mail.example.com>"
    assert item.report.title == "Scam on my account"
    assert item.report.reporter.id == "jane.doe@example.com"
    assert item.report.reporter.type == "email"
    assert "scam links" in item.report.body


def test_email_html_only_is_turned_into_text() -> None:
    form = {**samples.email_form(), "text": ""}
    [item] = parse_email(Inbound(headers={}, form=form)).items
    assert isinstance(item, NewReport)
    assert item.report.body == "Someone keeps sending me scam links."


def test_email_without_from_is_422() -> None:
    form = {k: v for k, v in samples.email_form().items() if k != "from"}
    with pytest.raises(PayloadError) as caught:
        parse_email(Inbound(headers={}, form=form))
    assert caught.value.errors[0]["field"] == "body.from"


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'"text"', b"\xff\xfe"])
@pytest.mark.parametrize("payload_format", ["alertmanager", "pagerduty", "zendesk"])
def test_json_formats_reject_non_objects_with_payload_error(
    payload_format: Any, body: bytes
) -> None:
    with pytest.raises(PayloadError):
        adapters.parse(payload_format, Inbound(headers=GH_HEADERS, body=body))


# --- identity and events ----------------------------------------------------------------


def test_updated_event_is_deterministic_per_ticket_and_delivery() -> None:
    def event(delivery_id: str, action: Any = "resolved") -> Any:
        return updated_event(
            channel="am",
            identity="alert-1",
            delivery_id=delivery_id,
            action=action,
            updated_at=NOW,
            traceparent=TRACE,
        )

    assert event("d1").id == event("d1").id
    assert event("d1").id != event("d2").id
    assert event("d1").id != event("d1", "closed").id
    assert event("d1").subject == ticket_id_for(channel="am", delivery_id="alert-1")
    assert event("d1").data.delivery_id == "d1"


def test_received_event_uses_identity_for_the_ticket() -> None:
    [item] = parse_generic(_json({"title": "t"})).items
    assert isinstance(item, NewReport)
    report = item.report
    event = received_event(
        channel="c",
        delivery_id="d",
        identity="i",
        report=report,
        received_at=NOW,
        traceparent=TRACE,
    )
    assert event.subject == ticket_id_for(channel="c", delivery_id="i")
    assert event.data.delivery_id == "d"


# --- rate limiting ----------------------------------------------------------------------


def test_token_bucket_allows_a_burst_then_refills_at_the_rate() -> None:
    bucket = TokenBucket(rate=2.0, burst=3)
    assert [bucket.take(now=0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.take(now=0.0) == pytest.approx(0.5)
    assert bucket.take(now=0.5) == 0.0
    assert bucket.take(now=0.5) > 0
    assert bucket.take(now=100.0) == 0.0  # refilled, capped at the burst
    assert retry_after_header(0.2) == "1"
    assert retry_after_header(2.1) == "3"


def test_rate_limiter_without_a_limit_never_limits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("T_TOKEN", "x")
    (tmp_path / "channels.yaml").write_text(
        "channels:\n"
        "  - {name: a, format: generic, auth: {type: bearer, tokens: [{env: T_TOKEN}]},"
        " rate_limit: {requests_per_second: 1, burst: 1}}\n"
        "  - {name: b, format: generic, auth: {type: bearer, tokens: [{env: T_TOKEN}]}}\n"
    )
    limiter = RateLimiter(load_channels(tmp_path))
    assert limiter.take("a", now=0.0) == 0.0
    assert limiter.take("a", now=0.0) > 0
    assert all(limiter.take("b", now=0.0) == 0.0 for _ in range(100))


# --- configuration ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("auth", "message"),
    [
        ("{type: github, tokens: [{env: T_TOKEN}]}", "needs 'secrets'"),
        ("{type: bearer, tokens: [{env: T_TOKEN}], secrets: [{env: T_TOKEN}]}", "not 'secrets'"),
        ("{type: basic, passwords: [{env: T_TOKEN}]}", "username"),
        ("{type: github, secrets: [{env: T_TOKEN}], tolerance_seconds: 10}", "no timestamp"),
        ("{type: routing_key, routing_keys: [{env: T_TOKEN}]}", "only for the 'pagerduty'"),
        ("{type: standard_webhooks, secrets: [{env: T_TOKEN}]}", "whsec_"),
        ("{type: hmac, secrets: [{env: T_TOKEN}]}", "channels.0.auth.type"),
    ],
)
def test_bad_auth_config_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, auth: str, message: str
) -> None:
    monkeypatch.setenv("T_TOKEN", "not base64 !")
    (tmp_path / "channels.yaml").write_text(
        f"channels:\n  - {{name: a, format: generic, auth: {auth}}}\n"
    )
    with pytest.raises(ConfigError, match=r"channels\.yaml") as caught:
        load_channels(tmp_path)
    assert message in str(caught.value)
    assert "not base64 !" not in str(caught.value)


# --- redaction --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("from jane.doe+x@example.co.uk today", "from [email] today"),
        ("call +44 20 7946 0958 now", "call [phone] now"),
        ("or (555) 123-4567.", "or [phone]."),
        ("ticket 42 of 2026-11-25 12:00:00", "ticket 42 of 2026-11-25 12:00:00"),
        ("id 5b0e3c9e-2f6d-4f0a-9a51-3f1c0d7a9e11", "id 5b0e3c9e-2f6d-4f0a-9a51-3f1c0d7a9e11"),
    ],
)
def test_redact_masks_emails_and_phone_numbers(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_redacting_filter_rewrites_message_args_and_extras() -> None:
    record = logging.makeLogRecord(
        {"msg": "from %s", "args": ("a@b.io",), "reporter": {"email": "c@d.io", "n": 3}}
    )
    assert RedactingFilter().filter(record)
    assert record.getMessage() == "from [email]"
    assert vars(record)["reporter"] == {"email": "[email]", "n": 3}


@pytest.mark.parametrize("payload_format", ["generic", "alertmanager", "pagerduty", "zendesk"])
def test_deeply_nested_json_is_a_payload_error_not_a_crash(payload_format: Any) -> None:
    body = b'{"a":' + b"[" * 30_000 + b"]" * 30_000 + b"}"
    with pytest.raises(PayloadError):
        adapters.parse(payload_format, Inbound(headers={}, body=body))


def test_values_too_long_for_the_ticket_model_are_clipped_or_rejected() -> None:
    payload = samples.zendesk()
    payload["detail"]["requester_id"] = "r" * 1000
    payload["detail"]["id"] = "9" * 1000
    [item] = adapters.parse("zendesk", _json(payload)).items
    assert isinstance(item, NewReport)
    assert len(item.report.reporter.id or "") == 256
    assert len(item.report.subject.id or "") == 256
    with pytest.raises(PayloadError):
        adapters.parse("zendesk", _json(samples.zendesk(ticket_id="9" * 1000)))


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


def _near(sample: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Real payloads with one top-level field replaced by arbitrary JSON, or arbitrary JSON."""
    return _JSON | st.builds(
        lambda key, value: {**sample, key: value}, st.sampled_from(sorted(sample)), _JSON
    )


@pytest.mark.parametrize(
    ("payload_format", "sample"),
    [
        ("generic", {"title": "t", "body": "b", "reporter": {"id": "r"}}),
        ("alertmanager", samples.alertmanager()),
        ("pagerduty", samples.pagerduty()),
        ("zendesk", samples.zendesk()),
        ("github", samples.github_issue()),
    ],
)
def test_arbitrary_json_gives_a_result_or_a_payload_error(
    payload_format: Any, sample: dict[str, Any]
) -> None:
    @settings(max_examples=150, deadline=None, database=None, derandomize=True)
    @given(payload=_near(sample))
    def check(payload: Any) -> None:
        errors: list[dict[str, str]] = []
        try:
            parsed = adapters.parse(payload_format, _json(payload, **GH_HEADERS))
        except PayloadError as error:
            errors = error.errors
        if errors:
            assert all(item["field"].startswith(("body", "header")) for item in errors)
        else:
            assert parsed.items or parsed.ignored

    check()
