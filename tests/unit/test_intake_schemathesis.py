"""Schemathesis' engine with every default check against intake's OpenAPI document, which
has one operation per configured channel (its format's body and content types, its auth
scheme) and PagerDuty's Events API routes on the pagerduty channel: zero failures."""

import time
from pathlib import Path
from typing import Any

import pytest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.intake import signatures
from services.intake.main import create_app
from services.intake.settings import IntakeSettings
from shared.bus import InProcessBus
from tests.support.helpers import CHANNEL_TOKEN, CHANNEL_TOKEN_ENV, bearer
from tests.unit.schemathesis_run import NEGATIVE_REJECTED, run_engine

SLACK_SECRET = "slack-signing-secret-for-tests"
# The X-Slack-Signature every request is sent with: SignsAsSlack signs the ones that carry
# it, as Slack would. schemathesis' check that auth is not ignored sends none, or another.
SIGN_ME = "sign-me"

CHANNELS_YAML = f"""\
channels:
  - {{name: web, format: generic, auth: {{type: bearer, tokens: [{{env: {CHANNEL_TOKEN_ENV}}}]}},
     max_body_bytes: 4096}}
  - {{name: am, format: alertmanager,
     auth: {{type: bearer, tokens: [{{env: {CHANNEL_TOKEN_ENV}}}]}}}}
  - {{name: pd, format: pagerduty,
     auth: {{type: routing_key, routing_keys: [{{env: {CHANNEL_TOKEN_ENV}}}]}}}}
  - {{name: zd, format: zendesk, auth: {{type: bearer, tokens: [{{env: {CHANNEL_TOKEN_ENV}}}]}}}}
  - {{name: gh, format: github, auth: {{type: bearer, tokens: [{{env: {CHANNEL_TOKEN_ENV}}}]}}}}
  - {{name: mail, format: email, auth: {{type: bearer, tokens: [{{env: {CHANNEL_TOKEN_ENV}}}]}}}}
  - {{name: signed, format: generic, auth: {{type: standard_webhooks, secrets: [{{env: T_SW}}]}}}}
  - {{name: slack, format: slack, auth: {{type: slack, secrets: [{{env: T_SLACK}}]}}}}
"""


class SignsAsSlack:
    """Signs a request carrying ``X-Slack-Signature: sign-me`` with the Slack channel's
    signing secret over the body schemathesis sent, now, as Slack signs its requests
    (schemathesis cannot compute an HMAC over the body it generates); anything else goes
    on as it came."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or (b"x-slack-signature", SIGN_ME.encode()) not in scope["headers"]
        ):
            await self.app(scope, receive, send)
            return
        body, more = bytearray(), True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        timestamp = str(int(time.time()))
        signature = signatures.slack_signature(
            secret=SLACK_SECRET, timestamp=timestamp, body=bytes(body)
        )
        headers = [
            (name, value)
            for name, value in scope["headers"]
            if name not in (b"x-slack-signature", b"x-slack-request-timestamp")
        ]
        headers += [
            (b"x-slack-request-timestamp", timestamp.encode()),
            (b"x-slack-signature", signature.encode()),
        ]
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        await self.app({**scope, "headers": headers}, replay, send)


@pytest.fixture
def app(settings_kwargs: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Any:
    (Path(settings_kwargs["config_dir"]) / "channels.yaml").write_text(CHANNELS_YAML)
    monkeypatch.setenv("T_SW", "whsec_MDEyMzQ1Njc4OWFiY2RlZmdoaWo")
    monkeypatch.setenv("T_SLACK", SLACK_SECRET)
    app = create_app(IntakeSettings(**settings_kwargs), bus=InProcessBus())
    app.add_middleware(SignsAsSlack)
    return app


def test_schemathesis_all_checks_pass(app: Any) -> None:
    report = run_engine(
        app,
        label="intake",
        headers=bearer(CHANNEL_TOKEN) | {"X-Slack-Signature": SIGN_ME},
        extra={
            # A NUL (U+0000) in a report's text is refused with 422 (PostgreSQL cannot
            # store it; README), which the sources' own schemas do not say.
            "generation": {"allow-x00": False},
            # GitHub events other than `issues` (a ping) are acknowledged without reading
            # their body, so a body no issues event would have is still 202 for them.
            "operations": [
                {
                    "include-name": "POST /v1/webhooks/gh",
                    "checks": {
                        "negative_data_rejection": {
                            "expected-statuses": [*NEGATIVE_REJECTED, "202"]
                        }
                    },
                }
            ],
        },
    )
    print(report.summary(), dict(report.cases))
    assert not report.errors, report.describe_failures()
    assert not report.failures, report.describe_failures()
    # 8 channels, PagerDuty's two Events API routes, /healthz, /readyz, /metrics.
    assert len(report.operations) == 13


def test_openapi_documents_each_channel_in_its_format(app: Any) -> None:
    document = app.openapi()
    paths = document["paths"]
    assert "/v1/webhooks/{channel}" not in paths
    mail = paths["/v1/webhooks/mail"]["post"]
    assert set(mail["requestBody"]["content"]) == {
        "multipart/form-data",
        "application/x-www-form-urlencoded",
    }
    form = mail["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    assert form["properties"]["from"]["minLength"] == 1
    assert set(paths["/v1/webhooks/am"]["post"]["requestBody"]["content"]) == {"application/json"}
    assert (
        "alerts"
        in paths["/v1/webhooks/am"]["post"]["requestBody"]["content"]["application/json"]["schema"][
            "properties"
        ]
    )
    assert paths["/v1/webhooks/web"]["post"]["security"] == [{"channel_bearer": []}]
    assert paths["/v1/webhooks/signed"]["post"]["security"] == [{"standard_webhooks": []}]
    assert "security" not in paths["/v1/webhooks/pd"]["post"]  # routing_key is in the body
    for path in ("/v1/webhooks/pd/v2/enqueue", "/v1/webhooks/pd/v2/change/enqueue"):
        responses = paths[path]["post"]["responses"]
        assert "application/json" in responses["400"]["content"]  # PagerDuty's own shape
    responses = paths["/v1/webhooks/web"]["post"]["responses"]
    assert {"202", "401", "413", "415", "422", "429", "503"} <= set(responses)
    for status in ("401", "413", "415", "422", "429", "503"):
        assert set(responses[status]["content"]) == {"application/problem+json"}
    slack = paths["/v1/webhooks/slack"]["post"]
    assert set(slack["requestBody"]["content"]) == {
        "application/json",
        "application/x-www-form-urlencoded",
    }
    assert slack["security"] == [{"slack_signature": []}]
    assert "202" not in slack["responses"]  # Slack wants 200
    assert {"200", "401", "413", "415", "422", "429", "503"} <= set(slack["responses"])
    assert "idempotency-key" not in [parameter["name"] for parameter in slack["parameters"]]
    command = slack["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    assert set(command["required"]) == {"command", "user_id", "trigger_id"}
    assert "$defs" not in str(paths)
    metrics = paths["/metrics"]["get"]["responses"]["200"]["content"]
    assert set(metrics) == {"text/plain; version=0.0.4"}
