"""Schemathesis' engine with every default check against intake's OpenAPI document, which
has one operation per configured channel (its format's body and content types, its auth
scheme) and PagerDuty's Events API routes on the pagerduty channel: zero failures."""

from pathlib import Path
from typing import Any

import pytest

from services.intake.main import create_app
from services.intake.settings import IntakeSettings
from shared.bus import InProcessBus
from tests.unit.helpers import CHANNEL_TOKEN, CHANNEL_TOKEN_ENV, bearer
from tests.unit.schemathesis_run import NEGATIVE_REJECTED, run_engine

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
"""


@pytest.fixture
def app(settings_kwargs: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Any:
    (Path(settings_kwargs["config_dir"]) / "channels.yaml").write_text(CHANNELS_YAML)
    monkeypatch.setenv("T_SW", "whsec_MDEyMzQ1Njc4OWFiY2RlZmdoaWo")
    return create_app(IntakeSettings(**settings_kwargs), bus=InProcessBus())


def test_schemathesis_all_checks_pass(app: Any) -> None:
    report = run_engine(
        app,
        label="intake",
        headers=bearer(CHANNEL_TOKEN),
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
    # 7 channels, PagerDuty's two Events API routes, /healthz, /readyz, /metrics.
    assert len(report.operations) == 12


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
    assert "$defs" not in str(paths)
    metrics = paths["/metrics"]["get"]["responses"]["200"]["content"]
    assert set(metrics) == {"text/plain; version=0.0.4"}
