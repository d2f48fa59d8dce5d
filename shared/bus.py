"""The message bus: one interface, two implementations.

``KafkaBus`` (:mod:`shared.kafka_bus`: aiokafka, idempotent producer, ``acks=all``, manual
commits) for the distributed mode, ``InProcessBus`` (here) for the embedded mode. Both
keep per-partition order by key, consumer-group offsets and redelivery of anything not
committed, so code and tests behave the same on either.
"""

import asyncio
import logging
import zlib
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

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
        # Imported here: the embedded mode never loads aiokafka.
        from shared.kafka_bus import KafkaBus

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
