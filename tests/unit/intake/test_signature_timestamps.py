"""Signature timestamps that are digits but no time (past year 9999, '²'): a rejected
signature (401 problem document), never a 500."""

import base64
import hashlib
import hmac
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.intake import signatures
from services.intake.main import create_app
from services.intake.settings import IntakeSettings
from shared.bus import InProcessBus
from tests.support.helpers import PROBLEM_JSON

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SW_SECRET = "whsec_" + base64.b64encode(b"standard-webhooks-key-for-tests!").decode()
SLACK_SECRET = "slack-secret-for-tests"
ZD_SECRET = "zendesk-secret-for-tests"
BODY = b'{"title": "A report"}'

CHANNELS_YAML = """\
channels:
  - {name: partner, format: generic, auth: {type: standard_webhooks, secrets: [{env: T_SW}]}}
  - {name: slack, format: generic, auth: {type: slack, secrets: [{env: T_SLACK}]}}
  - {name: zd, format: zendesk, auth: {type: zendesk, secrets: [{env: T_ZD}]}}
"""

# As sent on the wire: servers decode header bytes as latin-1, so b"\xb2" arrives as '²'.
BAD_TIMESTAMPS: list[bytes] = [b"999999999999", b"\xb2", b"1\xb2", b"\xb9\xb2\xb3"]


@pytest.fixture
async def client(
    monkeypatch: pytest.MonkeyPatch, settings_kwargs: dict[str, Any]
) -> AsyncIterator[httpx.AsyncClient]:
    (Path(settings_kwargs["config_dir"]) / "channels.yaml").write_text(CHANNELS_YAML)
    for name, value in {"T_SW": SW_SECRET, "T_SLACK": SLACK_SECRET, "T_ZD": ZD_SECRET}.items():
        monkeypatch.setenv(name, value)
    app = create_app(IntakeSettings(**settings_kwargs), bus=InProcessBus(), clock=lambda: NOW)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
            yield client


def headers_for(channel: str, timestamp: bytes) -> dict[bytes, bytes]:
    """Headers signed as well as a sender could: over the timestamp as sent."""
    text = timestamp.decode("latin-1")
    if channel == "partner":
        key = signatures.standard_webhooks_key(SW_SECRET)
        digest = hmac.new(key, b"msg_1." + timestamp + b"." + BODY, hashlib.sha256).digest()
        return {
            b"webhook-id": b"msg_1",
            b"webhook-timestamp": timestamp,
            b"webhook-signature": b"v1," + base64.b64encode(digest),
        }
    if channel == "slack":
        signature = signatures.slack_signature(secret=SLACK_SECRET, timestamp=text, body=BODY)
        return {b"x-slack-request-timestamp": timestamp, b"x-slack-signature": signature.encode()}
    signature = signatures.zendesk_signature(secret=ZD_SECRET, timestamp=text, body=BODY)
    return {
        b"x-zendesk-webhook-signature-timestamp": timestamp,
        b"x-zendesk-webhook-signature": signature.encode(),
    }


@pytest.mark.parametrize("timestamp", BAD_TIMESTAMPS)
@pytest.mark.parametrize("channel", ["partner", "slack", "zd"])
async def test_a_timestamp_that_is_no_time_is_a_rejected_signature(
    client: httpx.AsyncClient, channel: str, timestamp: bytes
) -> None:
    response = await client.post(
        f"/v1/webhooks/{channel}",
        content=BODY,
        headers={b"content-type": b"application/json", **headers_for(channel, timestamp)},
    )

    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["title"] == "Authentication failed"


@pytest.mark.parametrize("timestamp", [value.decode("latin-1") for value in BAD_TIMESTAMPS])
def test_the_verifiers_answer_no_for_a_timestamp_that_is_no_time(timestamp: str) -> None:
    key = signatures.standard_webhooks_key(SW_SECRET)
    assert not signatures.verify_standard_webhooks(
        keys=[key],
        msg_id="msg_1",
        timestamp=timestamp,
        signature_header="v1,AAAA",
        body=BODY,
        now=NOW,
    )
    assert not signatures.verify_slack(
        secrets=[SLACK_SECRET],
        signature_header="v0=00",
        timestamp=timestamp,
        body=BODY,
        now=NOW,
    )
    assert not signatures.verify_zendesk(
        secrets=[ZD_SECRET], signature_header="AAAA", timestamp=timestamp, body=BODY, now=NOW
    )


def test_digits_of_other_scripts_are_not_a_timestamp() -> None:
    """Fullwidth digits are a number to int(), but no sender writes one."""
    fullwidth = "".join(chr(0xFF10 + int(digit)) for digit in "1614265330")
    now = datetime.fromtimestamp(1614265330, UTC)
    key = signatures.standard_webhooks_key(SW_SECRET)
    ascii_signature = signatures.standard_webhooks_signature(
        key=key, msg_id="m", timestamp=1614265330, body=BODY
    )
    verify = signatures.verify_standard_webhooks
    kwargs: dict[str, Any] = {"keys": [key], "msg_id": "m", "body": BODY, "now": now}
    assert verify(timestamp="1614265330", signature_header=ascii_signature, **kwargs)
    assert not verify(timestamp=fullwidth, signature_header=ascii_signature, **kwargs)
