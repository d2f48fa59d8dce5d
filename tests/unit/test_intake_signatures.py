"""Each authentication scheme against its published test vector, plus one-byte mutations
of body, timestamp, id and signature, and stale / future timestamps."""

import base64
from datetime import UTC, datetime, timedelta

import pytest

from services.intake import signatures

# --- Standard Webhooks: the specification's / reference libraries' vector ---------------

SW_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SW_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SW_TIMESTAMP = "1614265330"
SW_BODY = b'{"test": 2432232314}'
SW_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
SW_NOW = datetime.fromtimestamp(int(SW_TIMESTAMP), UTC)
SW_KEY = signatures.standard_webhooks_key(SW_SECRET)


def _sw(
    *,
    keys: list[bytes] | None = None,
    msg_id: str | None = SW_ID,
    timestamp: str | None = SW_TIMESTAMP,
    signature: str | None = SW_SIGNATURE,
    body: bytes = SW_BODY,
    now: datetime = SW_NOW,
) -> bool:
    return signatures.verify_standard_webhooks(
        keys=[SW_KEY] if keys is None else keys,
        msg_id=msg_id,
        timestamp=timestamp,
        signature_header=signature,
        body=body,
        now=now,
    )


def _flip(text: str, index: int) -> str:
    replacement = "A" if text[index] != "A" else "B"
    return text[:index] + replacement + text[index + 1 :]


def _flip_byte(data: bytes, index: int) -> bytes:
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1 :]


def test_standard_webhooks_published_vector_verifies() -> None:
    assert _sw()
    assert (
        signatures.standard_webhooks_signature(
            key=SW_KEY, msg_id=SW_ID, timestamp=int(SW_TIMESTAMP), body=SW_BODY
        )
        == SW_SIGNATURE
    )


@pytest.mark.parametrize("index", [0, 5, len(SW_BODY) - 1])
def test_standard_webhooks_body_mutation_fails(index: int) -> None:
    assert not _sw(body=_flip_byte(SW_BODY, index))


def test_standard_webhooks_id_mutation_fails() -> None:
    assert not _sw(msg_id=_flip(SW_ID, 4))


def test_standard_webhooks_timestamp_mutation_fails() -> None:
    assert not _sw(timestamp=str(int(SW_TIMESTAMP) + 1))


@pytest.mark.parametrize("index", [3, 10, len(SW_SIGNATURE) - 2])
def test_standard_webhooks_signature_mutation_fails(index: int) -> None:
    assert not _sw(signature=_flip(SW_SIGNATURE, index))


@pytest.mark.parametrize("offset", [timedelta(seconds=301), timedelta(seconds=-301)])
def test_standard_webhooks_stale_or_future_timestamp_fails(offset: timedelta) -> None:
    assert not _sw(now=SW_NOW + offset)


@pytest.mark.parametrize("offset", [timedelta(seconds=300), timedelta(seconds=-300)])
def test_standard_webhooks_tolerance_is_five_minutes_both_ways(offset: timedelta) -> None:
    assert _sw(now=SW_NOW + offset)


def test_standard_webhooks_several_signatures_in_one_header() -> None:
    other = "v1," + base64.b64encode(b"x" * 32).decode()
    assert _sw(signature=f"{other} {SW_SIGNATURE}")
    assert _sw(signature=f"v2,abc {SW_SIGNATURE} {other}")
    assert not _sw(signature=f"{other} v1,notbase64!!")


def test_standard_webhooks_several_secrets_rotate() -> None:
    old = signatures.standard_webhooks_key("whsec_" + base64.b64encode(b"old" * 8).decode())
    assert _sw(keys=[old, SW_KEY])
    assert not _sw(keys=[old])


@pytest.mark.parametrize(
    "missing", ["msg_id", "timestamp", "signature"], ids=["no-id", "no-ts", "no-sig"]
)
def test_standard_webhooks_missing_header_fails(missing: str) -> None:
    assert not _sw(**{missing: None})  # type: ignore[arg-type]


@pytest.mark.parametrize("timestamp", ["not-a-number", "-5", "1614265330.5", ""])
def test_standard_webhooks_malformed_timestamp_fails(timestamp: str) -> None:
    assert not _sw(timestamp=timestamp)


@pytest.mark.parametrize("secret", ["whsec_***", "whsec_"])
def test_standard_webhooks_malformed_secret_is_refused(secret: str) -> None:
    with pytest.raises(ValueError, match="whsec_"):
        signatures.standard_webhooks_key(secret)


# --- GitHub: the example in GitHub's documentation --------------------------------------

GH_SECRET = "It's a Secret to Everybody"
GH_BODY = b"Hello, World!"
GH_SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"


def test_github_published_vector_verifies() -> None:
    assert signatures.github_signature(secret=GH_SECRET, body=GH_BODY) == GH_SIGNATURE
    assert signatures.verify_github(
        secrets=[GH_SECRET], signature_header=GH_SIGNATURE, body=GH_BODY
    )


@pytest.mark.parametrize("index", range(len(GH_BODY)))
def test_github_body_mutation_fails(index: int) -> None:
    assert not signatures.verify_github(
        secrets=[GH_SECRET], signature_header=GH_SIGNATURE, body=_flip_byte(GH_BODY, index)
    )


@pytest.mark.parametrize("index", [0, 7, 20, len(GH_SIGNATURE) - 1])
def test_github_signature_mutation_fails(index: int) -> None:
    assert not signatures.verify_github(
        secrets=[GH_SECRET], signature_header=_flip(GH_SIGNATURE, index), body=GH_BODY
    )


def test_github_rotation_and_missing_header() -> None:
    assert signatures.verify_github(
        secrets=["new-secret", GH_SECRET], signature_header=GH_SIGNATURE, body=GH_BODY
    )
    assert not signatures.verify_github(
        secrets=["new-secret"], signature_header=GH_SIGNATURE, body=GH_BODY
    )
    assert not signatures.verify_github(secrets=[GH_SECRET], signature_header=None, body=GH_BODY)


# --- Slack: the example in Slack's "Verifying requests" documentation -------------------

SLACK_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
SLACK_TIMESTAMP = "1531420618"
SLACK_BODY = (
    b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id="
    b"G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook"
    b"-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F39770"
    b"0885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10"
    b"d2c447fce8b6703c"
)
SLACK_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
SLACK_NOW = datetime.fromtimestamp(int(SLACK_TIMESTAMP), UTC)


def _slack(
    *,
    signature: str | None = SLACK_SIGNATURE,
    timestamp: str | None = SLACK_TIMESTAMP,
    body: bytes = SLACK_BODY,
    now: datetime = SLACK_NOW,
) -> bool:
    return signatures.verify_slack(
        secrets=[SLACK_SECRET], signature_header=signature, timestamp=timestamp, body=body, now=now
    )


def test_slack_published_vector_verifies() -> None:
    assert _slack()


def test_slack_mutations_fail() -> None:
    assert not _slack(body=_flip_byte(SLACK_BODY, 10))
    assert not _slack(body=SLACK_BODY + b" ")
    assert not _slack(timestamp=str(int(SLACK_TIMESTAMP) + 1))
    assert not _slack(signature=_flip(SLACK_SIGNATURE, 10))
    assert not _slack(signature=None)
    assert not _slack(timestamp=None)


@pytest.mark.parametrize("offset", [timedelta(minutes=6), timedelta(minutes=-6)])
def test_slack_stale_or_future_timestamp_fails(offset: timedelta) -> None:
    assert not _slack(now=SLACK_NOW + offset)


# --- Zendesk: base64(HMAC-SHA256(timestamp + body)) -------------------------------------

ZD_SECRET = "dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3RpbmdfcHVycG9zZXNfb25seQ=="
ZD_TIMESTAMP = "2024-05-02T10:00:00Z"
ZD_BODY = b'{"type":"zen:event-type:ticket.created","id":"e1"}'
ZD_NOW = datetime(2024, 5, 2, 10, 1, tzinfo=UTC)


def _zd(
    *,
    signature: str | None = None,
    timestamp: str | None = ZD_TIMESTAMP,
    body: bytes = ZD_BODY,
    now: datetime = ZD_NOW,
) -> bool:
    if signature is None:
        signature = signatures.zendesk_signature(
            secret=ZD_SECRET, timestamp=ZD_TIMESTAMP, body=ZD_BODY
        )
    return signatures.verify_zendesk(
        secrets=[ZD_SECRET], signature_header=signature, timestamp=timestamp, body=body, now=now
    )


def test_zendesk_signature_is_the_documented_formula() -> None:
    import hashlib
    import hmac

    expected = base64.b64encode(
        hmac.new(ZD_SECRET.encode(), ZD_TIMESTAMP.encode() + ZD_BODY, hashlib.sha256).digest()
    ).decode()
    assert signatures.zendesk_signature(secret=ZD_SECRET, timestamp=ZD_TIMESTAMP, body=ZD_BODY) == (
        expected
    )
    assert _zd()


def test_zendesk_mutations_fail() -> None:
    good = signatures.zendesk_signature(secret=ZD_SECRET, timestamp=ZD_TIMESTAMP, body=ZD_BODY)
    assert not _zd(body=_flip_byte(ZD_BODY, 3))
    assert not _zd(timestamp="2024-05-02T10:00:01Z")
    assert not _zd(signature=_flip(good, 5))
    assert not _zd(signature="not base64 !!")


@pytest.mark.parametrize("offset", [timedelta(minutes=10), timedelta(minutes=-10)])
def test_zendesk_stale_or_future_timestamp_fails(offset: timedelta) -> None:
    assert not _zd(now=ZD_NOW + offset)


# --- bearer and basic -------------------------------------------------------------------


def test_bearer_accepts_any_configured_token_only() -> None:
    assert signatures.verify_bearer(tokens=["a", "b"], authorization="Bearer b")
    assert signatures.verify_bearer(tokens=["a", "b"], authorization="bearer a")
    assert not signatures.verify_bearer(tokens=["a", "b"], authorization="Bearer c")
    assert not signatures.verify_bearer(tokens=["a"], authorization="Basic a")
    assert not signatures.verify_bearer(tokens=["a"], authorization=None)


def test_basic_checks_username_and_any_password() -> None:
    def header(user: str, password: str) -> str:
        return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    assert signatures.verify_basic(
        username="vigil", passwords=["p1", "p2"], authorization=header("vigil", "p2")
    )
    assert not signatures.verify_basic(
        username="vigil", passwords=["p1"], authorization=header("other", "p1")
    )
    assert not signatures.verify_basic(
        username="vigil", passwords=["p1"], authorization=header("vigil", "p")
    )
    assert not signatures.verify_basic(
        username="vigil", passwords=["p1"], authorization="Basic !!!"
    )
    assert not signatures.verify_basic(username="vigil", passwords=["p1"], authorization=None)
