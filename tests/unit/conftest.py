"""Fixtures for the unit tier: a config directory in tmp_path and settings pointing at it.

Everything runs in-process: the in-process bus and SQLite files under ``tmp_path``.
"""

from pathlib import Path
from typing import Any

import pytest

from tests.support.helpers import (
    API_KEYS_YAML,
    CHANNEL_TOKEN,
    CHANNEL_TOKEN_ENV,
    CHANNELS_YAML,
    RESPONDER_KEY,
    RESPONDER_KEY_ENV,
    VIEWER_KEY,
    VIEWER_KEY_ENV,
)


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """channels.yaml (one bearer channel) and api_keys.yaml (a responder and a viewer)."""
    directory = tmp_path / "config"
    directory.mkdir()
    (directory / "channels.yaml").write_text(CHANNELS_YAML)
    (directory / "api_keys.yaml").write_text(API_KEYS_YAML)
    monkeypatch.setenv(CHANNEL_TOKEN_ENV, CHANNEL_TOKEN)
    monkeypatch.setenv(RESPONDER_KEY_ENV, RESPONDER_KEY)
    monkeypatch.setenv(VIEWER_KEY_ENV, VIEWER_KEY)
    return directory


@pytest.fixture
def settings_kwargs(tmp_path: Path, config_dir: Path) -> dict[str, Any]:
    """Explicit values, so that VIGIL_* variables of the developer's shell cannot leak in."""
    return {
        "data_dir": tmp_path / "data",
        "config_dir": config_dir,
        "database_url": None,
        "kafka_bootstrap_servers": None,
        "topic_prefix": "",
    }
