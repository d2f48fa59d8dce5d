"""Constants and small helpers of every tier: a channel and API keys for a config
directory, auth headers, problem documents, /metrics samples, free ports.

Fixtures stay in the conftest.py files where pytest finds them; they import from here.
"""

import socket
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

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


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """``response`` is a problem document (RFC 9457) with ``status``; returns its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


def free_port() -> int:
    """A loopback TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
