"""The message bus: one interface, two implementations.

``KafkaBus`` (aiokafka, idempotent producer, ``acks=all``, manual commits) for the
distributed mode, ``InProcessBus`` for the embedded mode. Both keep per-partition order by
key, consumer-group offsets and redelivery of anything not committed, so code and tests
behave the same on either.
"""

import asyncio
import contextlib
import logging
import zlib
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import (
    CommitFailedError,
    IllegalStateError,
    KafkaError,
    TopicAlreadyExistsError,
)
from aiokafka.protocol.metadata import MetadataRequest

from shared.settings import VigilSettings

logger = logging.getLogger(__name__)

Headers = Sequence[tuple[str, bytes]]
PartitionKey = tuple[str, int]


class BusUnavailableError(Exception):
    """The broker did not acknowledge a message in time."""


@dataclass(frozen=True, slots=True)
class Message:
    topic: str
    partition: int
    offset: int
    key: str | None
    value: bytes
    headers: tuple[tuple[str, bytes], ...] = ()

    def header(self, name: str) -> str | None:
        for header_name, header_value in self.headers:
            if header_name == name:
                return header_value.decode(errors="replace")
        return None


@dataclass(frozen=True, slots=True)
class Outgoing:
    topic: str
    key: str
    value: bytes
    headers: Headers = ()


class Consumer(ABC):
    @abstractmethod
    async def start(self) -> None: ...

    @abstractmethod
    async def stop(self) -> None:
        """Leave the group without committing: whatever was not committed is redelivered."""

    @abstractmethod
    async def getmany(self, *, timeout_ms: int, max_records: int) -> list[Message]:
        """The next batch; raises BusUnavailableError when the broker cannot be read."""

    @abstractmethod
    async def commit(self) -> None:
        """Commit the position after everything returned by ``getmany`` so far; raises
        BusUnavailableError when the broker refused it (the next commit covers it)."""

    @abstractmethod
    async def lag(self) -> dict[PartitionKey, int]:
        """Messages after the group's committed offset, per assigned partition: what a
        stuck consumer has not finished, whether or not it fetched it."""


class Bus(ABC):
    @abstractmethod
    async def start(self) -> None: ...

    @abstractmethod
    async def stop(self) -> None: ...

    @abstractmethod
    async def send(self, topic: str, *, key: str, value: bytes, headers: Headers = ()) -> None:
        """Return only once the broker acknowledged the message; else BusUnavailableError."""

    async def send_many(self, messages: Sequence[Outgoing]) -> None:
        """Return once the broker acknowledged every message; else BusUnavailableError (some
        may have been delivered: consumers dedupe by event id)."""
        for message in messages:
            await self.send(
                message.topic, key=message.key, value=message.value, headers=message.headers
            )

    @abstractmethod
    def consumer(self, *, topics: Sequence[str], group_id: str) -> Consumer: ...

    @abstractmethod
    async def ping(self) -> bool: ...


def create_bus(settings: VigilSettings) -> Bus:
    if settings.kafka_bootstrap_servers:
        return KafkaBus(
            bootstrap_servers=settings.kafka_bootstrap_servers,
            client_id=settings.kafka_client_id,
            send_timeout_seconds=settings.publish_timeout_seconds,
        )
    return InProcessBus()


# --- in-process -------------------------------------------------------------------------


class InProcessBus(Bus):
    """A bus inside one event loop, for the embedded mode. Not crash-durable."""

    def __init__(self, *, partitions: int = 6) -> None:
        self._partitions = partitions
        self._logs: dict[str, list[list[Message]]] = {}
        self._committed: dict[tuple[str, str, int], int] = {}
        self._active_groups: set[str] = set()
        self._new_messages = asyncio.Condition()

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def ping(self) -> bool:
        return True

    def partitions_of(self, topic: str) -> list[list[Message]]:
        return self._logs.setdefault(topic, [[] for _ in range(self._partitions)])

    async def send(self, topic: str, *, key: str, value: bytes, headers: Headers = ()) -> None:
        partitions = self.partitions_of(topic)
        partition = zlib.crc32(key.encode()) % len(partitions)
        log = partitions[partition]
        log.append(Message(topic, partition, len(log), key, value, tuple(headers)))
        async with self._new_messages:
            self._new_messages.notify_all()

    def consumer(self, *, topics: Sequence[str], group_id: str) -> Consumer:
        return InProcessConsumer(bus=self, topics=topics, group_id=group_id)

    def join(self, group_id: str) -> None:
        if group_id in self._active_groups:
            raise RuntimeError(f"in-process bus: group {group_id!r} already has a consumer")
        self._active_groups.add(group_id)

    def leave(self, group_id: str) -> None:
        self._active_groups.discard(group_id)

    def committed(self, group_id: str, topic: str, partition: int) -> int:
        return self._committed.get((group_id, topic, partition), 0)

    def commit(self, group_id: str, positions: dict[PartitionKey, int]) -> None:
        for (topic, partition), offset in positions.items():
            self._committed[(group_id, topic, partition)] = offset

    async def wait_for_messages(self, timeout_seconds: float) -> None:
        async with self._new_messages:
            try:
                await asyncio.wait_for(self._new_messages.wait(), timeout_seconds)
            except TimeoutError:
                return


class InProcessConsumer(Consumer):
    def __init__(self, *, bus: InProcessBus, topics: Sequence[str], group_id: str) -> None:
        self._bus = bus
        self._topics = list(topics)
        self._group_id = group_id
        self._positions: dict[PartitionKey, int] = {}

    async def start(self) -> None:
        self._bus.join(self._group_id)
        for topic in self._topics:
            for partition in range(len(self._bus.partitions_of(topic))):
                committed = self._bus.committed(self._group_id, topic, partition)
                self._positions[(topic, partition)] = committed

    async def stop(self) -> None:
        self._positions.clear()
        self._bus.leave(self._group_id)

    def _take(self, max_records: int) -> list[Message]:
        batch: list[Message] = []
        for (topic, partition), position in self._positions.items():
            log = self._bus.partitions_of(topic)[partition]
            taken = log[position : position + max_records - len(batch)]
            batch.extend(taken)
            self._positions[(topic, partition)] = position + len(taken)
            if len(batch) >= max_records:
                break
        return batch

    async def getmany(self, *, timeout_ms: int, max_records: int) -> list[Message]:
        batch = self._take(max_records)
        if not batch and timeout_ms > 0:
            await self._bus.wait_for_messages(timeout_ms / 1000)
            batch = self._take(max_records)
        return batch

    async def commit(self) -> None:
        self._bus.commit(self._group_id, self._positions)

    async def lag(self) -> dict[PartitionKey, int]:
        return {
            (topic, partition): len(self._bus.partitions_of(topic)[partition])
            - self._bus.committed(self._group_id, topic, partition)
            for topic, partition in self._positions
        }


# --- Kafka ------------------------------------------------------------------------------


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
