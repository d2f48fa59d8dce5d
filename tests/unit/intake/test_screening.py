"""What a person wrote: each adapter marks the human prose of its report and how triage
screens it, and each channel's ``safety_screening`` defaults from its format."""

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.intake import adapters
from services.intake.adapters.common import (
    ALERT_SEVERITY_MAX,
    Inbound,
    NewReport,
    Update,
    user_report_screening,
)
from services.intake.channels import load_channels
from services.intake.domain import (
    DEFAULT_SAFETY_SCREENING,
    URLENCODED,
    ChannelConfig,
    PayloadFormat,
)
from services.intake.main import create_app
from services.intake.settings import IntakeSettings
from shared.bus import InProcessBus
from shared.config import ConfigError
from shared.events import Report, TicketReceivedV1, decode_event
from shared.topics import TICKETS_RECEIVED
from tests.support import samples


def _json(payload: dict[str, Any], **headers: str) -> Inbound:
    return Inbound(headers=headers, body=json.dumps(payload).encode())


def _report(payload_format: PayloadFormat, inbound: Inbound, **kwargs: Any) -> Report:
    [item] = adapters.parse(payload_format, inbound, **kwargs).items
    assert item.report is not None
    return item.report


def _prose(report: Report) -> list[str]:
    assert report.screening is not None
    assert report.screening.prose is not None
    return [getattr(report, span.field)[span.start : span.end] for span in report.screening.prose]


def _alert(
    *, labels: dict[str, str], annotations: dict[str, str], status: str = "firing"
) -> dict[str, Any]:
    payload = samples.alertmanager(status=status)
    payload["alerts"][0]["labels"] = labels
    payload["alerts"][0]["annotations"] = annotations
    return payload


# --- alertmanager -----------------------------------------------------------------------


def test_alertmanager_prose_is_summary_and_description_never_labels() -> None:
    report = _report("alertmanager", _json(samples.alertmanager()))
    assert _prose(report) == ["Disk almost full on db-1", "Only 2% left on /var/lib"]
    assert "alertname=DiskFull" in report.body  # the labels are still shown to people ...
    assert all("alertname" not in text and "instance" not in text for text in _prose(report))
    assert report.screening is not None
    assert report.screening.safety == "definite_only"
    assert report.screening.alert is True
    assert report.screening.alert_severity == "critical"


def test_alertmanager_title_from_alertname_is_not_prose() -> None:
    payload = _alert(
        labels={"alertname": "KubeJobOrphanedChildPods", "severity": "warning"},
        annotations={"description": "  Job nightly left 3 orphaned child pods."},
    )
    report = _report("alertmanager", _json(payload))
    assert report.title == "KubeJobOrphanedChildPods"
    # The body strips the description's leading blanks: the span follows it.
    assert _prose(report) == ["Job nightly left 3 orphaned child pods."]


def test_alertmanager_without_annotations_has_no_prose_and_no_severity() -> None:
    report = _report(
        "alertmanager", _json(_alert(labels={"alertname": "Watchdog"}, annotations={}))
    )
    assert report.screening is not None
    assert report.screening.prose == ()
    assert report.screening.alert is True
    assert report.screening.alert_severity is None


def test_alertmanager_description_without_labels_is_the_whole_body() -> None:
    payload = _alert(labels={}, annotations={"summary": "Node is dead", "message": "node-3 gone "})
    report = _report("alertmanager", _json(payload))
    assert _prose(report) == ["Node is dead", "node-3 gone "]


# --- pagerduty --------------------------------------------------------------------------


def test_pagerduty_prose_is_the_summary_not_custom_details_keys() -> None:
    report = _report("pagerduty", _json(samples.pagerduty(summary="Pod api-7 OOMKilled")))
    assert _prose(report) == ["Pod api-7 OOMKilled"]
    assert "ping time" in report.body
    assert report.screening is not None
    assert report.screening.safety == "definite_only"
    assert (report.screening.alert, report.screening.alert_severity) == (True, "critical")


def test_pagerduty_free_form_string_details_are_prose() -> None:
    payload = samples.pagerduty()
    payload["payload"]["custom_details"] = "Operator note: restarted twice, still failing"
    report = _report("pagerduty", _json(payload))
    assert _prose(report) == [
        "Example alert on host1.example.com",
        "Operator note: restarted twice, still failing",
    ]


# --- user-report formats ----------------------------------------------------------------


def _github(action: str = "opened") -> Inbound:
    return Inbound(
        headers={"x-github-event": "issues", "x-github-delivery": "d-1"},
        body=samples.dumps(samples.github_issue(action=action)),
    )


SLACK_MESSAGE = {
    "type": "event_callback",
    "event_id": "Ev1",
    "event": {
        "type": "message",
        "user": "U1",
        "text": "They threaten me",
        "ts": "1.2",
        "channel": "C1",
    },
}
SLACK_COMMAND = {
    "command": "/report",
    "text": "They threaten me",
    "user_id": "U1",
    "trigger_id": "t.1",
}


@pytest.mark.parametrize(
    ("payload_format", "inbound"),
    [
        ("generic", _json({"title": "Help", "body": "They threaten me"})),
        ("zendesk", _json(samples.zendesk())),
        ("github", _github()),
        ("email", Inbound(headers={}, form=samples.email_form())),
        ("slack", _json(SLACK_MESSAGE, **{"content-type": "application/json"})),
        ("slack", Inbound(headers={"content-type": URLENCODED}, form=SLACK_COMMAND)),
    ],
)
def test_user_report_formats_are_all_prose_and_fully_screened(
    payload_format: PayloadFormat, inbound: Inbound
) -> None:
    report = _report(payload_format, inbound)
    assert _prose(report) == [report.title, report.body]
    assert report.body  # a real body, so the span is not trivially empty
    assert report.screening is not None
    assert (report.screening.safety, report.screening.alert) == ("full", False)


def test_a_generic_sender_cannot_choose_its_own_screening() -> None:
    body = {
        "title": "I will hurt you",
        "screening": {"safety": "off", "prose": [{"field": "body"}], "alert": True},
    }
    report = _report("generic", _json(body))
    assert report.screening is not None
    assert report.screening.safety == "full"
    assert report.screening.alert is False
    assert _prose(report) == ["I will hurt you", ""]


def test_the_channel_setting_replaces_the_format_default() -> None:
    alert = _report("alertmanager", _json(samples.alertmanager()), safety_screening="off")
    assert alert.screening is not None
    assert alert.screening.safety == "off"
    assert _prose(alert) == ["Disk almost full on db-1", "Only 2% left on /var/lib"]
    monitored = _report("generic", _json({"title": "x"}), safety_screening="definite_only")
    assert monitored.screening is not None
    assert monitored.screening.safety == "definite_only"
    # Other generic reports keep the shared default instance untouched.
    assert _report("generic", _json({"title": "y"})).screening == user_report_screening("generic")
    assert user_report_screening("generic").safety == "full"


def test_an_edited_report_carries_its_screening_too() -> None:
    [item] = adapters.parse("github", _github("edited")).items
    assert isinstance(item, Update)
    assert item.report is not None
    assert item.report.screening is not None
    assert item.report.screening.safety == "full"


def test_a_severity_too_long_for_the_event_is_clipped() -> None:
    payload = _alert(labels={"alertname": "X", "severity": "s" * 300}, annotations={})
    [item] = adapters.parse("alertmanager", _json(payload)).items
    assert isinstance(item, NewReport)
    assert item.report.screening is not None
    severity = item.report.screening.alert_severity
    assert severity is not None
    assert len(severity) == ALERT_SEVERITY_MAX


# --- the channel setting ----------------------------------------------------------------


def _config(payload_format: str, **extra: Any) -> ChannelConfig:
    auth = {
        "pagerduty": {"type": "routing_key", "routing_keys": [{"env": "X"}]},
        "slack": {"type": "slack", "secrets": [{"env": "X"}]},
    }.get(payload_format, {"type": "bearer", "tokens": [{"env": "X"}]})
    return ChannelConfig.model_validate(
        {"name": "c", "format": payload_format, "auth": auth, **extra}
    )


@pytest.mark.parametrize(
    ("payload_format", "expected"),
    [
        ("generic", "full"),
        ("zendesk", "full"),
        ("github", "full"),
        ("email", "full"),
        ("slack", "full"),
        ("alertmanager", "definite_only"),
        ("pagerduty", "definite_only"),
    ],
)
def test_safety_screening_defaults_follow_the_format(payload_format: str, expected: str) -> None:
    config = _config(payload_format)
    assert config.safety_screening is None
    assert config.screening == expected == DEFAULT_SAFETY_SCREENING[config.format]


@pytest.mark.parametrize("setting", ["full", "definite_only", "off"])
def test_machine_and_generic_channels_may_set_any_screening(setting: str) -> None:
    for payload_format in ("alertmanager", "pagerduty", "generic"):
        assert _config(payload_format, safety_screening=setting).screening == setting


@pytest.mark.parametrize("payload_format", ["zendesk", "github", "email", "slack"])
@pytest.mark.parametrize("setting", ["definite_only", "off"])
def test_channels_people_write_to_cannot_turn_screening_down(
    payload_format: str, setting: str
) -> None:
    with pytest.raises(ValueError, match="always 'full'"):
        _config(payload_format, safety_screening=setting)
    assert _config(payload_format, safety_screening="full").screening == "full"


def test_an_unknown_screening_in_channels_yaml_names_the_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("T_AM", "token")
    (tmp_path / "channels.yaml").write_text(
        "channels:\n"
        "  - name: am\n"
        "    format: alertmanager\n"
        "    auth: {type: bearer, tokens: [{env: T_AM}]}\n"
        "    safety_screening: lexicons\n"
    )
    with pytest.raises(ConfigError) as caught:
        load_channels(tmp_path)
    assert "safety_screening" in str(caught.value)
    assert "channels.yaml" in str(caught.value)


# --- through the route ------------------------------------------------------------------

CHANNELS_YAML = """\
channels:
  - {name: am, format: alertmanager, auth: {type: bearer, tokens: [{env: T_AM}]}}
  - name: am-full
    format: alertmanager
    auth: {type: bearer, tokens: [{env: T_AM}]}
    safety_screening: full
"""


@pytest.fixture
async def intake(
    monkeypatch: pytest.MonkeyPatch, settings_kwargs: dict[str, Any]
) -> AsyncIterator[tuple[httpx.AsyncClient, InProcessBus]]:
    (Path(settings_kwargs["config_dir"]) / "channels.yaml").write_text(CHANNELS_YAML)
    monkeypatch.setenv("T_AM", "am-token")
    bus = InProcessBus()
    app = create_app(IntakeSettings(**settings_kwargs), bus=bus)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client, bus


async def test_the_route_applies_each_channels_screening(
    intake: tuple[httpx.AsyncClient, InProcessBus],
) -> None:
    client, bus = intake
    for channel, fingerprint in (("am", "f-default"), ("am-full", "f-full")):
        response = await client.post(
            f"/v1/webhooks/{channel}",
            json=samples.alertmanager(fingerprints=(fingerprint,)),
            headers={"Authorization": "Bearer am-token"},
        )
        assert response.status_code == 202, response.text
    consumer = bus.consumer(topics=[TICKETS_RECEIVED], group_id="reader")
    await consumer.start()
    try:
        messages = await consumer.getmany(timeout_ms=300, max_records=10)
    finally:
        await consumer.stop()
    screened: dict[str, str] = {}
    for message in messages:
        event = decode_event(message.value)
        assert isinstance(event, TicketReceivedV1)
        assert event.data.report.screening is not None
        screened[event.data.channel] = event.data.report.screening.safety
    assert screened == {"am": "definite_only", "am-full": "full"}
