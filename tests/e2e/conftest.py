"""Vigil stacks as real processes: distributed (Kafka + PostgreSQL) and embedded."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.conftest import PostgresDatabases
from tests.support.harness import Stack, distributed_stack, embedded_stack


@pytest.fixture
async def distributed(
    tmp_path: Path, kafka_bootstrap: str, kafka_topics: str, postgres: PostgresDatabases
) -> AsyncIterator[Stack]:
    database_urls = {
        service: await postgres.create(service) for service in ("triage", "escalation", "metrics")
    }
    stack = distributed_stack(
        tmp_path=tmp_path,
        kafka_bootstrap=kafka_bootstrap,
        topic_prefix=kafka_topics,
        database_urls=database_urls,
    )
    stack.start()
    try:
        await stack.wait_ready()
        yield stack
    finally:
        stack.stop()


@pytest.fixture
async def embedded(tmp_path: Path) -> AsyncIterator[Stack]:
    stack = embedded_stack(tmp_path=tmp_path)
    stack.start()
    try:
        await stack.wait_ready()
        yield stack
    finally:
        stack.stop()
