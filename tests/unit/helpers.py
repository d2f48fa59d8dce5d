"""Moved to tests/support (helpers and polling): kept only for test files being edited
elsewhere at the time of the move. Import from tests.support instead; delete this module
once nothing imports it."""

from tests.support.helpers import (
    API_KEYS_YAML,
    CHANNEL,
    CHANNEL_TOKEN,
    CHANNEL_TOKEN_ENV,
    CHANNELS_YAML,
    MAX_BODY_BYTES,
    PROBLEM_JSON,
    RESPONDER_KEY,
    RESPONDER_KEY_ENV,
    VIEWER_KEY,
    VIEWER_KEY_ENV,
    bearer,
    sample_value,
)
from tests.support.polling import wait_until

__all__ = [
    "API_KEYS_YAML",
    "CHANNEL",
    "CHANNELS_YAML",
    "CHANNEL_TOKEN",
    "CHANNEL_TOKEN_ENV",
    "MAX_BODY_BYTES",
    "PROBLEM_JSON",
    "RESPONDER_KEY",
    "RESPONDER_KEY_ENV",
    "VIEWER_KEY",
    "VIEWER_KEY_ENV",
    "bearer",
    "sample_value",
    "wait_until",
]
