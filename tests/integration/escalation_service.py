"""The escalation service alone on a real Kafka and PostgreSQL, with a producer beside it:
shared by the integration tests that feed it events."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.escalation.main import create_app
from services.escalation.settings import EscalationSettings
from shared.bus import Bus, create_bus
from shared.settings import VigilSettings
from tests.conftest import PostgresDatabases
from tests.support.helpers import API_KEYS_YAML, VIEWER_KEY, VIEWER_KEY_ENV

RunningService = tuple[httpx.AsyncClient, Bus, VigilSettings]


@asynccontextmanager
async def escalation_service(
    *,
    tmp_path: Path,
    kafka_bootstrap: str,
    topic_prefix: str,
    postgres: PostgresDatabases,
    monkeypatch: pytest.MonkeyPatch,
    database_label: str,
    policies_yaml: str | None = None,
) -> AsyncIterator[RunningService]:
    monkeypatch.setenv(VIEWER_KEY_ENV, VIEWER_KEY)
    monkeypatch.setenv("VIGIL_UNIT_RESPONDER_KEY", "unused-responder-key")
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    (config_dir / "api_keys.yaml").write_text(API_KEYS_YAML)
    if policies_yaml is not None:
        (config_dir / "policies.yaml").write_text(policies_yaml)
    settings: dict[str, Any] = {
        "config_dir": config_dir,
        "database_url": await postgres.create(database_label),
        "kafka_bootstrap_servers": kafka_bootstrap,
        "topic_prefix": topic_prefix,
        "data_dir": tmp_path / "data",
        "db_auto_migrate": True,
    }
    app: FastAPI = create_app(EscalationSettings(**settings))
    producer = create_bus(VigilSettings(**settings))
    await producer.start()
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://e") as client:
                yield client, producer, VigilSettings(**settings)
    finally:
        await producer.stop()
