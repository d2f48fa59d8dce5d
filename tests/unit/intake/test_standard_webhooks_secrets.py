"""Standard Webhooks secrets with or without base64 padding, as the reference library
(``standardwebhooks``) takes them: the same key, a signature the reference makes verifies,
and an unpadded secret in channels.yaml does not stop intake at start-up."""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from standardwebhooks import Webhook

from services.intake import signatures
from services.intake.channels import load_channels
from services.intake.main import create_app
from services.intake.settings import IntakeSettings
from shared.bus import InProcessBus
from shared.config import ConfigError

UNPADDED = "whsec_MDEyMzQ1Njc4OWFiY2RlZmdoaWo"  # the secret: 27 characters
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "secret",
    [
        UNPADDED,
        UNPADDED + "=",  # padded as base64 wants it
        UNPADDED + "===",  # superfluous padding, which the reference ignores
        "MDEyMzQ1Njc4OWFiY2RlZmdoaWo",  # no prefix
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",  # the specification's vector (no padding due)
        "whsec_YWI",  # 4n+3 characters: one '=' due
        "whsec_YQ",  # 4n+2 characters: two '=' due
        "whsec_YQ==",
    ],
)
def test_secret_decodes_to_the_reference_librarys_key(secret: str) -> None:
    reference = Webhook(secret)
    assert signatures.standard_webhooks_key(secret) == reference._whsecret


def test_unpadded_secret_is_the_padded_secrets_key() -> None:
    assert signatures.standard_webhooks_key(UNPADDED) == b"0123456789abcdefghij"
    assert signatures.standard_webhooks_key(UNPADDED + "=") == b"0123456789abcdefghij"


def test_a_signature_the_reference_makes_with_an_unpadded_secret_verifies() -> None:
    body = b'{"title": "unpadded", "body": "secret"}'
    signature = Webhook(UNPADDED).sign("msg_unpadded", NOW, body)
    assert signatures.verify_standard_webhooks(
        keys=[signatures.standard_webhooks_key(UNPADDED)],
        msg_id="msg_unpadded",
        timestamp=str(int(NOW.timestamp())),
        signature_header=signature,
        body=body,
        now=NOW,
    )


@pytest.mark.parametrize(
    "secret",
    [
        "whsec_",  # empty
        "whsec_===",  # only padding
        "whsec_MDEyM",  # 4n+1 characters: no base64 at all
        "whsec_not base64!",
        "whsec_MDEy-_",  # URL-safe alphabet is not what the specification uses
    ],
)
def test_malformed_secrets_are_still_refused(secret: str) -> None:
    with pytest.raises(ValueError, match="whsec_"):
        signatures.standard_webhooks_key(secret)


def _channels(directory: Path) -> None:
    (directory / "channels.yaml").write_text(
        "channels:\n"
        "  - name: partner\n"
        "    format: generic\n"
        "    auth: {type: standard_webhooks, secrets: [{env: T_SW_UNPADDED}]}\n"
    )


def test_an_unpadded_secret_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("T_SW_UNPADDED", UNPADDED)
    _channels(tmp_path)
    channel = load_channels(tmp_path)["partner"]
    assert channel.keys == [b"0123456789abcdefghij"]


def test_a_malformed_secret_still_stops_start_up_naming_the_channel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("T_SW_UNPADDED", "whsec_MDEyM")
    _channels(tmp_path)
    with pytest.raises(ConfigError, match="partner") as caught:
        load_channels(tmp_path)
    assert "MDEyM" not in str(caught.value)


async def test_intake_starts_with_an_unpadded_secret_and_accepts_reference_signatures(
    settings_kwargs: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("T_SW_UNPADDED", UNPADDED)
    _channels(settings_kwargs["config_dir"])
    app = create_app(IntakeSettings(**settings_kwargs), bus=InProcessBus(), clock=lambda: NOW)
    body = b'{"title": "Signed with an unpadded secret", "body": "hello"}'
    headers = {
        "content-type": "application/json",
        "webhook-id": "msg_unpadded",
        "webhook-timestamp": str(int(NOW.timestamp())),
        "webhook-signature": Webhook(UNPADDED).sign("msg_unpadded", NOW, body),
    }
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.post("/v1/webhooks/partner", content=body, headers=headers)
            forged = await client.post(
                "/v1/webhooks/partner",
                content=body,
                headers={
                    **headers,
                    "webhook-signature": Webhook("whsec_YWJj").sign("msg_unpadded", NOW, body),
                },
            )
    assert response.status_code == 202, response.text
    assert forged.status_code == 401
