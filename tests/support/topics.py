"""Reading what services wrote to a real Kafka topic, from its beginning."""

import json
import uuid
from typing import Any, NamedTuple

from aiokafka import AIOKafkaConsumer

from tests.support.polling import wait_until


class TopicRecord(NamedTuple):
    partition: int
    key: str
    event: dict[str, Any]


async def read_topic(
    *, bootstrap: str, topic: str, expected: int, timeout: float = 30
) -> list[TopicRecord]:
    """Every record on ``topic``, once at least ``expected`` are there (AssertionError when
    they are not within ``timeout``), read by a group of its own."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"reader-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    found: list[TopicRecord] = []

    async def fetched() -> int:
        for records in (await consumer.getmany(timeout_ms=500)).values():
            found.extend(
                TopicRecord(record.partition, record.key.decode(), json.loads(record.value))
                for record in records
            )
        return len(found)

    try:
        await wait_until(
            fetched,
            until=lambda count: count >= expected,
            what=f"{expected} events on {topic}",
            timeout_seconds=timeout,
            interval_seconds=0,
        )
    finally:
        await consumer.stop()
    return found
