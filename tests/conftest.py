"""Fixtures for tests that need a real Kafka or PostgreSQL.

Without them a laptop run skips those tests with the reason; with ``CI=true`` a missing
broker or database is a failure, never a skip.
"""

import asyncio
import os
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from shared.kafka_bus import delete_kafka_topics, ensure_kafka_topics
from shared.topics import ALL_TOPICS, dlq

IN_CI = os.environ.get("CI", "").lower() == "true"


def _require(variable: str, what: str) -> str:
    value = os.environ.get(variable)
    if value:
        return value
    message = f"{what} not configured: set {variable} (`make test` starts one)"
    if IN_CI:
        pytest.fail(f"CI=true: {message}")
    pytest.skip(message)


@pytest.fixture(scope="session")
def kafka_bootstrap() -> str:
    return _require("VIGIL_TEST_KAFKA_BOOTSTRAP", "Kafka")


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    return _require("VIGIL_TEST_POSTGRES_URL", "PostgreSQL")


@pytest.fixture
def topic_prefix() -> str:
    """Each test gets its own topics and consumer groups on the shared broker."""
    return f"t{uuid.uuid4().hex[:10]}."


@pytest.fixture
async def kafka_topics(kafka_bootstrap: str, topic_prefix: str) -> AsyncIterator[str]:
    names = [f"{topic_prefix}{topic}" for topic in ALL_TOPICS]
    names += [dlq(name) for name in names]
    await ensure_kafka_topics(bootstrap_servers=kafka_bootstrap, topics=names, partitions=6)
    yield topic_prefix
    await delete_kafka_topics(bootstrap_servers=kafka_bootstrap, topics=names)


class PostgresDatabases:
    """Creates throw-away databases on the test server and drops them afterwards."""

    def __init__(self, admin_url: str) -> None:
        self._admin = make_url(admin_url)
        self._created: list[str] = []

    def _dsn(self, database: str) -> str:
        return self._admin.set(drivername="postgresql", database=database).render_as_string(
            hide_password=False
        )

    async def create(self, label: str) -> str:
        name = f"vigil_{label}_{uuid.uuid4().hex[:8]}"
        connection = await asyncpg.connect(self._dsn(self._admin.database or "postgres"))
        try:
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()
        self._created.append(name)
        return self._dsn(name)

    async def drop_all(self) -> None:
        connection = await asyncpg.connect(self._dsn(self._admin.database or "postgres"))
        try:
            for name in self._created:
                await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await connection.close()


@pytest.fixture
async def postgres(postgres_admin_url: str) -> AsyncIterator[PostgresDatabases]:
    databases = PostgresDatabases(postgres_admin_url)
    yield databases
    await asyncio.wait_for(databases.drop_all(), 30)
