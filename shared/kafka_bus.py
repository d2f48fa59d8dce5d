"""The Kafka implementation of :mod:`shared.bus` (aiokafka): idempotent producer with
``acks=all``, consumers with manual commits, and the topic administration tests and the CLI
use."""

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import (
    CommitFailedError,
    IllegalStateError,
    KafkaError,
    TopicAlreadyExistsError,
)
from aiokafka.protocol.metadata import MetadataRequest

from shared.bus import (
    Bus,
    BusUnavailableError,
    Consumer,
    Headers,
    Message,
    Outgoing,
    PartitionKey,
)

logger = logging.getLogger(__name__)


class KafkaBus(Bus):
    def __init__(
        self,
        *,
        bootstrap_servers: str,
        client_id: str,
        send_timeout_seconds: float,
        startup_timeout_seconds: float = 60.0,
    ) -> None:
        self._bootstrap_servers = bootstrap_servers
        self._client_id = client_id
        self._send_timeout_seconds = send_timeout_seconds
        self._startup_timeout_seconds = startup_timeout_seconds
        self._producer: AIOKafkaProducer | None = None

    async def start(self) -> None:
        deadline = asyncio.get_running_loop().time() + self._startup_timeout_seconds
        while True:
            producer = AIOKafkaProducer(
                bootstrap_servers=self._bootstrap_servers,
                client_id=self._client_id,
                enable_idempotence=True,
                acks="all",
                linger_ms=2,
            )
            try:
                await producer.start()
            except KafkaError as error:
                await producer.stop()
                if asyncio.get_running_loop().time() > deadline:
                    raise BusUnavailableError(f"Kafka unreachable: {error}") from error
                logger.warning("kafka not reachable yet, retrying", extra={"error": str(error)})
                await asyncio.sleep(1)
                continue
            self._producer = producer
            return

    async def stop(self) -> None:
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None

    async def ping(self) -> bool:
        if self._producer is None:
            return False
        client = self._producer.client
        node_id = client.get_random_node()
        if node_id is None:
            return False
        try:
            # A round trip asking for no topics: all-topic metadata grows with the cluster.
            request = MetadataRequest(topics=[], allow_auto_topic_creation=False)
            await asyncio.wait_for(client.send(node_id, request), 2)
        except (KafkaError, TimeoutError, OSError):
            return False
        return True

    async def send(self, topic: str, *, key: str, value: bytes, headers: Headers = ()) -> None:
        if self._producer is None:
            raise BusUnavailableError("Kafka producer not started")
        try:
            await asyncio.wait_for(
                self._producer.send_and_wait(
                    topic, value=value, key=key.encode(), headers=list(headers)
                ),
                self._send_timeout_seconds,
            )
        except (KafkaError, TimeoutError) as error:
            raise BusUnavailableError(f"Kafka did not acknowledge: {error!r}") from error

    async def send_many(self, messages: Sequence[Outgoing]) -> None:
        """Hand every message to the producer first, then wait for all acknowledgements, so
        they share broker round trips; per-partition order is kept by the producer."""
        if self._producer is None:
            raise BusUnavailableError("Kafka producer not started")
        try:
            async with asyncio.timeout(self._send_timeout_seconds):
                acknowledgements = [
                    await self._producer.send(
                        message.topic,
                        value=message.value,
                        key=message.key.encode(),
                        headers=list(message.headers),
                    )
                    for message in messages
                ]
                outcomes = await asyncio.gather(*acknowledgements, return_exceptions=True)
            failures = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
            if failures:
                raise failures[0]
        except (KafkaError, TimeoutError) as error:
            raise BusUnavailableError(f"Kafka did not acknowledge: {error!r}") from error

    def consumer(self, *, topics: Sequence[str], group_id: str) -> Consumer:
        return KafkaConsumer(
            bootstrap_servers=self._bootstrap_servers,
            client_id=self._client_id,
            topics=topics,
            group_id=group_id,
        )


class KafkaConsumer(Consumer):
    def __init__(
        self, *, bootstrap_servers: str, client_id: str, topics: Sequence[str], group_id: str
    ) -> None:
        self._consumer = AIOKafkaConsumer(
            *topics,
            bootstrap_servers=bootstrap_servers,
            client_id=client_id,
            group_id=group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
        )

    async def start(self) -> None:
        await self._consumer.start()

    async def stop(self) -> None:
        await self._consumer.stop()

    async def getmany(self, *, timeout_ms: int, max_records: int) -> list[Message]:
        try:
            records = await self._consumer.getmany(timeout_ms=timeout_ms, max_records=max_records)
        except KafkaError as error:
            raise BusUnavailableError(f"fetch failed: {error!r}") from error
        batch: list[Message] = []
        for partition_records in records.values():
            for record in partition_records:
                batch.append(
                    Message(
                        topic=record.topic,
                        partition=record.partition,
                        offset=record.offset,
                        key=record.key.decode() if record.key is not None else None,
                        value=record.value or b"",
                        headers=tuple(record.headers or ()),
                    )
                )
        return batch

    async def commit(self) -> None:
        try:
            await self._consumer.commit()
        except (CommitFailedError, IllegalStateError) as error:
            # A rebalance took the partitions away or is still handing them out (no
            # assignment): whoever owns them next re-reads the batch, and every handler is
            # idempotent, so this costs only repeated work.
            logger.warning("offset commit failed after rebalance", extra={"error": str(error)})
        except KafkaError as error:
            raise BusUnavailableError(f"offset commit failed: {error!r}") from error

    async def lag(self) -> dict[PartitionKey, int]:
        # Asked of the broker, not read from the last fetch: a loop stuck on one batch
        # fetches nothing, so the high watermark it saw stops moving.
        assigned = list(self._consumer.assignment())
        if not assigned:
            return {}
        ends = await self._consumer.end_offsets(assigned)
        committed = await asyncio.gather(*(self._consumer.committed(tp) for tp in assigned))
        never_committed = [
            tp for tp, offset in zip(assigned, committed, strict=True) if offset is None
        ]
        starts = await self._consumer.beginning_offsets(never_committed) if never_committed else {}
        return {
            (tp.topic, tp.partition): max(
                0, ends[tp] - (offset if offset is not None else starts[tp])
            )
            for tp, offset in zip(assigned, committed, strict=True)
        }


async def ensure_kafka_topics(
    *, bootstrap_servers: str, topics: Sequence[str], partitions: int = 6
) -> None:
    """Create the topics that do not exist yet (used by scripts and tests)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [
            NewTopic(name=topic, num_partitions=partitions, replication_factor=1)
            for topic in topics
            if topic not in existing
        ]
        if missing:
            # Another process may have created them since the listing: that is fine.
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(missing)
    finally:
        await admin.close()


async def delete_kafka_topics(*, bootstrap_servers: str, topics: Sequence[str]) -> None:
    """Delete throw-away topics (tests, benchmarks): a broker's heap fills up with partitions."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        await admin.delete_topics(list(topics))
    finally:
        await admin.close()
