"""Webhook authentication schemes: pure functions over the raw body bytes.

Every check compares in constant time and tries every configured secret (several secrets
let a channel rotate one without downtime). Timestamps are checked against an injected
``now``. Each function only answers yes or no: the caller answers 401 without saying which
part failed.
"""

import base64
import binascii
import hashlib
import hmac
from collections.abc import Sequence
from datetime import UTC, datetime

DEFAULT_TOLERANCE_SECONDS = 300
STANDARD_WEBHOOKS_SECRET_PREFIX = "whsec_"


def _any_equal(expected: Sequence[bytes], presented: Sequence[bytes]) -> bool:
    """True if any presented value equals any expected one; always compares every pair."""
    matched = False
    for want in expected:
        for got in presented:
            matched |= hmac.compare_digest(want, got)
    return matched


def _hmac_sha256(key: bytes, message: bytes) -> bytes:
    return hmac.new(key, message, hashlib.sha256).digest()


def _fresh(timestamp: datetime, *, now: datetime, tolerance_seconds: int) -> bool:
    """Within the tolerance in both directions: too old is a replay, too new a forgery."""
    return abs((now - timestamp).total_seconds()) <= tolerance_seconds


def _unix_timestamp(value: str | None) -> datetime | None:
    """Seconds since the epoch in ASCII digits, or None. ``str.isdigit`` alone also accepts
    '²' (which int() refuses) and other scripts' digits; a large value is past year 9999."""
    text = (value or "").strip()
    if not text or len(text) > 12 or not (text.isascii() and text.isdigit()):
        return None
    try:
        return datetime.fromtimestamp(int(text), UTC)
    except (OverflowError, OSError, ValueError):
        return None


# --- bearer / basic ---------------------------------------------------------------------


def verify_token(*, tokens: Sequence[str], presented: str | None) -> bool:
    """A shared secret sent as is (a bearer token, PagerDuty's routing_key)."""
    if not presented:
        return False
    return _any_equal([token.encode() for token in tokens], [presented.encode()])


def verify_bearer(*, tokens: Sequence[str], authorization: str | None) -> bool:
    scheme, _, presented = (authorization or "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    return verify_token(tokens=tokens, presented=presented.strip())


def verify_basic(*, username: str, passwords: Sequence[str], authorization: str | None) -> bool:
    """HTTP Basic, for senders that can only put credentials in the URL (mail providers)."""
    scheme, _, encoded = (authorization or "").partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        return False
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    presented_user, separator, presented_password = decoded.partition(b":")
    if not separator:
        return False
    user_ok = hmac.compare_digest(username.encode(), presented_user)
    password_ok = _any_equal([password.encode() for password in passwords], [presented_password])
    return user_ok and password_ok


# --- Standard Webhooks ------------------------------------------------------------------


def standard_webhooks_key(secret: str) -> bytes:
    """The HMAC key of a ``whsec_<base64>`` secret; raises ValueError if malformed.

    The base64 may come with or without its ``=`` padding: the reference libraries pad it
    themselves (``standardwebhooks`` decodes ``secret + "=="``), and providers hand out
    unpadded secrets such as ``whsec_MDEyMzQ1Njc4OWFiY2RlZmdoaWo``. Anything else that is
    not base64 is still refused (the reference would silently drop such characters)."""
    unpadded = secret.strip().removeprefix(STANDARD_WEBHOOKS_SECRET_PREFIX).rstrip("=")
    # Padded again as base64 needs it (superfluous '=' are ignored, as by the reference); a
    # length of 4n+1 characters is no base64 at all.
    if len(unpadded) % 4 == 1:
        raise ValueError("a Standard Webhooks secret is 'whsec_' followed by base64")
    try:
        key = base64.b64decode(unpadded + "=" * (-len(unpadded) % 4), validate=True)
    except (binascii.Error, ValueError) as error:
        raise ValueError("a Standard Webhooks secret is 'whsec_' followed by base64") from error
    if not key:
        raise ValueError("a Standard Webhooks secret is 'whsec_' followed by non-empty base64")
    return key


def standard_webhooks_signature(*, key: bytes, msg_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<base64>`` over ``<id>.<timestamp>.<body>`` (what a sender puts in the header)."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(_hmac_sha256(key, signed)).decode()


def verify_standard_webhooks(
    *,
    keys: Sequence[bytes],
    msg_id: str | None,
    timestamp: str | None,
    signature_header: str | None,
    body: bytes,
    now: datetime,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
) -> bool:
    """``webhook-signature`` may hold several space-separated ``v1,<base64>`` entries."""
    sent_at = _unix_timestamp(timestamp)
    if not msg_id or sent_at is None or not signature_header:
        return False
    if not _fresh(sent_at, now=now, tolerance_seconds=tolerance_seconds):
        return False
    presented: list[bytes] = []
    for entry in signature_header.split():
        version, _, encoded = entry.partition(",")
        if version != "v1":
            continue
        try:
            presented.append(base64.b64decode(encoded, validate=True))
        except (binascii.Error, ValueError):
            continue
    if not presented:
        return False
    signed = f"{msg_id}.{int(sent_at.timestamp())}.".encode() + body
    return _any_equal([_hmac_sha256(key, signed) for key in keys], presented)


# --- GitHub -----------------------------------------------------------------------------


def github_signature(*, secret: str, body: bytes) -> str:
    return "sha256=" + _hmac_sha256(secret.encode(), body).hex()


def verify_github(*, secrets: Sequence[str], signature_header: str | None, body: bytes) -> bool:
    """``X-Hub-Signature-256: sha256=<hex>``, HMAC-SHA256 of the body."""
    if not signature_header:
        return False
    expected = [github_signature(secret=secret, body=body).encode() for secret in secrets]
    return _any_equal(expected, [signature_header.strip().encode()])


# --- Slack ------------------------------------------------------------------------------


def slack_signature(*, secret: str, timestamp: str, body: bytes) -> str:
    return "v0=" + _hmac_sha256(secret.encode(), f"v0:{timestamp}:".encode() + body).hex()


def verify_slack(
    *,
    secrets: Sequence[str],
    signature_header: str | None,
    timestamp: str | None,
    body: bytes,
    now: datetime,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
) -> bool:
    """``X-Slack-Signature: v0=<hex>`` of ``v0:<X-Slack-Request-Timestamp>:<body>``."""
    sent_at = _unix_timestamp(timestamp)
    if sent_at is None or timestamp is None or not signature_header:
        return False
    if not _fresh(sent_at, now=now, tolerance_seconds=tolerance_seconds):
        return False
    expected = [
        slack_signature(secret=secret, timestamp=timestamp.strip(), body=body).encode()
        for secret in secrets
    ]
    return _any_equal(expected, [signature_header.strip().encode()])


# --- Zendesk ----------------------------------------------------------------------------


def zendesk_signature(*, secret: str, timestamp: str, body: bytes) -> str:
    return base64.b64encode(_hmac_sha256(secret.encode(), timestamp.encode() + body)).decode()


def _zendesk_timestamp(value: str) -> datetime | None:
    unix = _unix_timestamp(value)
    if unix is not None:
        return unix
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def verify_zendesk(
    *,
    secrets: Sequence[str],
    signature_header: str | None,
    timestamp: str | None,
    body: bytes,
    now: datetime,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
) -> bool:
    """``X-Zendesk-Webhook-Signature``: base64 HMAC-SHA256 of ``timestamp + body``."""
    if not timestamp or not signature_header:
        return False
    sent_at = _zendesk_timestamp(timestamp)
    if sent_at is None or not _fresh(sent_at, now=now, tolerance_seconds=tolerance_seconds):
        return False
    try:
        presented = base64.b64decode(signature_header.strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    expected = [_hmac_sha256(secret.encode(), timestamp.encode() + body) for secret in secrets]
    return _any_equal(expected, [presented])
