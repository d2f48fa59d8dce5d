"""The consume loop outlives a broker that refuses fetches and commits: it must never die,
or the service consumes nothing again while its process keeps running."""

import asyncio
from collections.abc import Sequence

import pytest
from aiokafka.errors import IllegalStateError, KafkaConnectionError

from shared.bus import BusUnavailableError, Consumer, InProcessBus, Message
from shared.consume import ConsumeLoop, Delivery
from shared.kafka_bus import KafkaConsumer
from shared.observability import ServiceMetrics
from shared.topics import TICKETS_RECEIVED
from tests.events import received
from tests.support.polling import wait_until


class FlakyConsumer(Consumer):
    """An in-process consumer whose broker refuses the first fetches and commits."""

    def __init__(self, inner: Consumer, *, failed_fetches: int, failed_commits: int) -> None:
        self._inner = inner
        self.failed_fetches = failed_fetches
        self.failed_commits = failed_commits
        self.commits = 0

    async def start(self) -> None:
        await self._inner.start()

    async def stop(self) -> None:
        await self._inner.stop()

    async def getmany(self, *, timeout_ms: int, max_records: int) -> list[Message]:
        if self.failed_fetches:
            self.failed_fetches -= 1
            raise BusUnavailableError("fetch failed: KafkaConnectionError()")
        return await self._inner.getmany(timeout_ms=timeout_ms, max_records=max_records)

    async def commit(self) -> None:
        if self.failed_commits:
            self.failed_commits -= 1
            raise BusUnavailableError("offset commit failed: NodeNotReadyError()")
        self.commits += 1
        await self._inner.commit()

    async def lag(self) -> dict[tuple[str, int], int]:
        return await self._inner.lag()


async def test_refused_fetches_and_commits_do_not_stop_the_loop() -> None:
    bus = InProcessBus()
    consumer = FlakyConsumer(
        bus.consumer(topics=[TICKETS_RECEIVED], group_id="g"), failed_fetches=2, failed_commits=1
    )
    handled: list[str] = []

    async def handler(deliveries: Sequence[Delivery]) -> None:
        handled.extend(event.subject for event, _ in deliveries)

    loop = ConsumeLoop(
        bus=bus,
        consumer=consumer,
        group_id="g",
        handler=handler,
        metrics=ServiceMetrics(service="tests"),
        retry_base_seconds=0.01,
        retry_max_seconds=0.02,
    )
    await bus.send(TICKETS_RECEIVED, key="t1", value=received("first", ticket_id="t1").to_bytes())
    task = asyncio.create_task(loop.run())
    await wait_until(
        lambda: handled == ["t1"] and consumer.failed_commits == 0,
        what="t1 handled and its commit refused",
        timeout_seconds=5,
        interval_seconds=0.01,
    )
    await bus.send(TICKETS_RECEIVED, key="t2", value=received("second", ticket_id="t2").to_bytes())
    await wait_until(
        lambda: consumer.commits >= 1,
        what="a commit to succeed",
        timeout_seconds=5,
        interval_seconds=0.01,
    )
    assert not task.done(), "the loop died on a broker error"
    loop.request_stop()
    await asyncio.wait_for(task, 5)
    assert handled == ["t1", "t2"]
    assert consumer.commits >= 1
    partitions = range(len(bus.partitions_of(TICKETS_RECEIVED)))
    # The refused commit's offsets went with the next one: nothing is redelivered.
    assert sum(bus.committed("g", TICKETS_RECEIVED, partition) for partition in partitions) == 2


@pytest.mark.parametrize(
    ("raised", "expected"),
    [(IllegalStateError("No partitions assigned"), None), (KafkaConnectionError(), "refused")],
)
async def test_kafka_commit_during_a_rebalance_is_skipped_and_a_refusal_is_unavailable(
    monkeypatch: pytest.MonkeyPatch, raised: Exception, expected: str | None
) -> None:
    consumer = KafkaConsumer(
        bootstrap_servers="127.0.0.1:1", client_id="tests", topics=["t"], group_id="g"
    )

    async def refuse() -> None:
        raise raised

    monkeypatch.setattr(consumer._consumer, "commit", refuse)
    if expected is None:
        await consumer.commit()  # the partitions' next owner redelivers the batch
    else:
        with pytest.raises(BusUnavailableError, match="offset commit failed"):
            await consumer.commit()
