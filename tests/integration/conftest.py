"""Integration-tier fixtures."""

import pytest


@pytest.fixture(autouse=True)
def services_migrate_their_database(monkeypatch: pytest.MonkeyPatch) -> None:
    """Services started here migrate their own (fresh) database at start-up, as replicas
    configured with VIGIL_DB_AUTO_MIGRATE=true do; by default they would refuse to start on
    an unmigrated PostgreSQL database. Tests that pass ``db_auto_migrate`` keep their value."""
    monkeypatch.setenv("VIGIL_DB_AUTO_MIGRATE", "true")
