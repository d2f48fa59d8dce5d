"""Fixtures for the escalation unit tests."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from services.escalation import store
from services.escalation.config import EscalationConfig, load_config
from shared.db import Database
from tests.support.escalation import (
    WEBHOOK_SECRET,
    WEBHOOK_SECRET_ENV,
    FakeClock,
    write_escalation_config,
)


@pytest.fixture(autouse=True)
def webhook_secret(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(WEBHOOK_SECRET_ENV, WEBHOOK_SECRET)
    return WEBHOOK_SECRET


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'escalation.db'}")
    await database.create_tables(store.TABLES)
    yield database
    await database.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def config(tmp_path: Path) -> EscalationConfig:
    return load_config(write_escalation_config(tmp_path / "config"))
