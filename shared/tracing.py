"""W3C trace context: a traceparent starts at the webhook (or comes from the sender)."""

import re
import secrets

_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")


def new_traceparent() -> str:
    return f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-01"


def valid_traceparent(value: str | None) -> str | None:
    """The sender's traceparent if well formed and not all-zero, else None."""
    if value is None:
        return None
    match = _TRACEPARENT.match(value.strip().lower())
    if match is None or set(match.group(1)) == {"0"} or set(match.group(2)) == {"0"}:
        return None
    return match.group(0)


def child_traceparent(parent: str | None) -> str:
    """Same trace, new span id: what a service sets on what it sends onwards."""
    valid = valid_traceparent(parent)
    if valid is None:
        return new_traceparent()
    _, trace_id, _, flags = valid.split("-")
    return f"00-{trace_id}-{secrets.token_hex(8)}-{flags}"
