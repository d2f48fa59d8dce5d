"""NUL characters against a real PostgreSQL, which cannot store one in text: a path or
query parameter holding one is a 400 problem document on triage, escalation and metrics,
never the database's CharacterNotInRepertoireError (500)."""

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PostgresDatabases
from tests.support.apps import NUL_REQUESTS, Service, running
from tests.support.escalation import WEBHOOK_SECRET, WEBHOOK_SECRET_ENV
from tests.support.helpers import (
    API_KEYS_YAML,
    RESPONDER_KEY,
    RESPONDER_KEY_ENV,
    VIEWER_KEY,
    VIEWER_KEY_ENV,
    assert_problem,
    bearer,
)

pytestmark = [pytest.mark.postgres]


@pytest.fixture
def settings_kwargs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    config = tmp_path / "config"
    config.mkdir()
    (config / "api_keys.yaml").write_text(API_KEYS_YAML)
    monkeypatch.setenv(VIEWER_KEY_ENV, VIEWER_KEY)
    monkeypatch.setenv(RESPONDER_KEY_ENV, RESPONDER_KEY)
    return {
        "data_dir": tmp_path / "data",
        "config_dir": config,
        "kafka_bootstrap_servers": None,
        "topic_prefix": "",
    }


@pytest.mark.parametrize("service", ["triage", "escalation", "metrics"])
async def test_a_nul_in_a_path_or_query_parameter_is_400_on_postgresql(
    service: Service,
    settings_kwargs: dict[str, Any],
    postgres: PostgresDatabases,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(WEBHOOK_SECRET_ENV, WEBHOOK_SECRET)
    database_url = await postgres.create(f"nul_{service}")
    requests = [(path, parameter) for owner, path, parameter in NUL_REQUESTS if owner == service]
    async with running(service, {**settings_kwargs, "database_url": database_url}) as client:
        for path, parameter in requests:
            response = await client.get(path, headers=bearer(VIEWER_KEY))
            problem = assert_problem(response, 400)
            assert problem["errors"][0]["field"] == parameter
        # The same requests without the NUL reach the database and answer normally.
        for path, _ in requests:
            response = await client.get(path.replace("%00", ""), headers=bearer(VIEWER_KEY))
            assert response.status_code in (200, 403, 404, 422), (path, response.text)
