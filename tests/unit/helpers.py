"""Constants and small helpers shared by the unit tests (fixtures live in conftest.py)."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from prometheus_client.parser import text_string_to_metric_families

T = TypeVar("T")

CHANNEL = "support"
CHANNEL_TOKEN = "channel-token-for-tests"
CHANNEL_TOKEN_ENV = "VIGIL_UNIT_CHANNEL_TOKEN"
MAX_BODY_BYTES = 4096

RESPONDER_KEY = "responder-key-for-tests"
RESPONDER_KEY_ENV = "VIGIL_UNIT_RESPONDER_KEY"
VIEWER_KEY = "viewer-key-for-tests"
VIEWER_KEY_ENV = "VIGIL_UNIT_VIEWER_KEY"

CHANNELS_YAML = f"""\
channels:
  - name: {CHANNEL}
    format: generic
    auth:
      type: bearer
      tokens:
        - env: {CHANNEL_TOKEN_ENV}
    max_body_bytes: {MAX_BODY_BYTES}
"""

API_KEYS_YAML = f"""\
api_keys:
  - name: alice-responder
    role: responder
    key:
      env: {RESPONDER_KEY_ENV}
  - name: victor-viewer
    role: viewer
    key:
      env: {VIEWER_KEY_ENV}
"""

PROBLEM_JSON = "application/problem+json"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def sample_value(exposition: str, name: str, labels: dict[str, str]) -> float | None:
    """The value of the sample ``name`` whose labels include ``labels``, from /metrics text."""
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            if sample.name == name and labels.items() <= sample.labels.items():
                return float(sample.value)
    return None


async def wait_until(
    probe: Callable[[], Awaitable[T | None]],
    *,
    what: str,
    timeout_seconds: float = 10.0,
    interval_seconds: float = 0.05,
) -> T:
    """Poll ``probe`` until it returns something other than None, within a bounded deadline."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_seconds
    while True:
        result = await probe()
        if result is not None:
            return result
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout_seconds}s waiting for {what}")
        await asyncio.sleep(interval_seconds)
