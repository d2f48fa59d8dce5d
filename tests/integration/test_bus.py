"""The bus contract, run against the in-process bus and a real Kafka broker alike."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

import pytest
from sqlalchemy.exc import DBAPIError

from shared.bus import Bus, BusUnavailableError, Consumer, InProcessBus, Message, Outgoing
from shared.consume import ConsumeLoop, Delivery
from shared.events import TicketReceivedV1
from shared.kafka_bus import KafkaBus, ensure_kafka_topics
from shared.observability import ServiceMetrics
from shared.topics import TICKETS_RECEIVED, dlq
from tests.events import received
from tests.support.polling import wait_until


@dataclass
class BusUnderTest:
    bus: Bus
    prefix: str

    def topic(self, name: str = TICKETS_RECEIVED) -> str:
        return f"{self.prefix}{name}"

    def group(self) -> str:
        return f"{self.prefix}group-{uuid.uuid4().hex[:6]}"


@pytest.fixture(params=["inprocess", pytest.param("kafka", marks=pytest.mark.kafka)])
def kafka_bootstrap_or_none(request: pytest.FixtureRequest) -> str | None:
    if request.param == "kafka":
        bootstrap: str = request.getfixturevalue("kafka_bootstrap")
        return bootstrap
    return None


@pytest.fixture
async def under_test(
    kafka_bootstrap_or_none: str | None, topic_prefix: str
) -> AsyncIterator[BusUnderTest]:
    bus: Bus
    if kafka_bootstrap_or_none is None:
        bus = InProcessBus()
    else:
        topics = [f"{topic_prefix}{TICKETS_RECEIVED}", f"{topic_prefix}{dlq(TICKETS_RECEIVED)}"]
        await ensure_kafka_topics(bootstrap_servers=kafka_bootstrap_or_none, topics=topics)
        bus = KafkaBus(
            bootstrap_servers=kafka_bootstrap_or_none,
            client_id="vigil-tests",
            send_timeout_seconds=10,
        )
    await bus.start()
    yield BusUnderTest(bus=bus, prefix=topic_prefix)
    await bus.stop()


async def collect(
    consumer: Consumer, *, count: int, timeout: float = 30, max_records: int = 1000
) -> list[Message]:
    """Fetch until ``count`` messages arrived or the deadline passed."""
    received: list[Message] = []
    deadline = asyncio.get_running_loop().time() + timeout
    while len(received) < count and asyncio.get_running_loop().time() < deadline:
        received += await consumer.getmany(timeout_ms=200, max_records=max_records)
    return received


async def settle(consumer: Consumer, *, seconds: float = 2.0) -> list[Message]:
    """Everything that arrives within a quiet period: used to assert nothing more comes."""
    return await collect(consumer, count=10**9, timeout=seconds)


async def test_round_trip_keeps_per_key_order_and_headers(under_test: BusUnderTest) -> None:
    topic = under_test.topic()
    for index in range(20):
        await under_test.bus.send(
            topic,
            key=f"ticket-{index % 3}",
            value=f"{index}".encode(),
            headers=[("trace", f"t{index}".encode())],
        )
    consumer = under_test.bus.consumer(topics=[topic], group_id=under_test.group())
    await consumer.start()
    try:
        messages = await collect(consumer, count=20)
    finally:
        await consumer.stop()

    assert len(messages) == 20
    for key in ("ticket-0", "ticket-1", "ticket-2"):
        values = [int(m.value) for m in messages if m.key == key]
        assert values == sorted(values)
    assert {m.header("trace") for m in messages} == {f"t{i}" for i in range(20)}


async def test_uncommitted_batch_is_redelivered_to_the_next_consumer(
    under_test: BusUnderTest,
) -> None:
    topic, group = under_test.topic(), under_test.group()
    for index in range(5):
        await under_test.bus.send(topic, key=f"k{index}", value=b"committed")

    first = under_test.bus.consumer(topics=[topic], group_id=group)
    await first.start()
    assert len(await collect(first, count=5)) == 5
    await first.commit()
    for index in range(4):
        await under_test.bus.send(topic, key=f"k{index}", value=b"uncommitted")
    assert len(await collect(first, count=4)) == 4
    await first.stop()  # closed without committing the second batch

    second = under_test.bus.consumer(topics=[topic], group_id=group)
    await second.start()
    try:
        redelivered = await collect(second, count=4)
        redelivered += await settle(second)
    finally:
        await second.stop()
    assert sorted(m.value for m in redelivered) == [b"uncommitted"] * 4


class RecordingHandler:
    """A batch handler recording each report's title and the size of every call. A batch
    that fails records nothing, as a rolled-back transaction would."""

    def __init__(
        self,
        *,
        fail_titles: frozenset[str] = frozenset(),
        unstorable_titles: frozenset[str] = frozenset(),
        transient: int = 0,
    ) -> None:
        self.handled: list[str] = []
        self.call_sizes: list[int] = []
        self._fail_titles = fail_titles
        self._unstorable_titles = unstorable_titles
        self._transient_left = transient
        self.database_down = False

    async def __call__(self, deliveries: Sequence[Delivery]) -> None:
        self.call_sizes.append(len(deliveries))
        if self._transient_left:
            self._transient_left -= 1
            raise BusUnavailableError("broker blip")
        if self.database_down:
            raise postgres_error(sqlstate="57P03", message="the database system is starting up")
        titles = []
        for event, _ in deliveries:
            assert isinstance(event, TicketReceivedV1)
            if event.data.report.title in self._fail_titles:
                raise ValueError("this report always breaks the handler")
            if event.data.report.title in self._unstorable_titles:
                raise postgres_error(
                    sqlstate="22021", message='invalid byte sequence for encoding "UTF8": 0x00'
                )
            titles.append(event.data.report.title)
        self.handled += titles


class DriverError(Exception):
    """What SQLAlchemy's asyncpg adapter wraps a PostgreSQL error in: it carries SQLSTATE."""

    def __init__(self, message: str, *, sqlstate: str) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


def postgres_error(*, sqlstate: str, message: str) -> DBAPIError:
    return DBAPIError("INSERT ...", {}, DriverError(message, sqlstate=sqlstate))


def consume_loop(
    under_test: BusUnderTest,
    handler: RecordingHandler,
    *,
    group_id: str | None = None,
    stall_after_seconds: float = 30.0,
) -> tuple[ConsumeLoop, ServiceMetrics]:
    metrics = ServiceMetrics(service="tests")
    group_id = group_id or under_test.group()
    loop = ConsumeLoop(
        bus=under_test.bus,
        consumer=under_test.bus.consumer(topics=[under_test.topic()], group_id=group_id),
        group_id=group_id,
        handler=handler,
        metrics=metrics,
        max_attempts=3,
        retry_base_seconds=0.01,
        retry_max_seconds=0.05,
        stall_after_seconds=stall_after_seconds,
    )
    return loop, metrics


async def run_loop_until(
    under_test: BusUnderTest,
    handler: RecordingHandler,
    *,
    handled: int,
    group_id: str | None = None,
) -> ServiceMetrics:
    loop, metrics = consume_loop(under_test, handler, group_id=group_id)
    task = asyncio.create_task(loop.run())
    try:
        await wait_until(
            lambda: len(handler.handled) >= handled,
            what=f"{handled} records handled",
            timeout_seconds=30,
        )
    finally:
        loop.request_stop()
        await asyncio.wait_for(task, 30)
    return metrics


async def dead_letters(under_test: BusUnderTest, *, count: int) -> list[Message]:
    consumer = under_test.bus.consumer(
        topics=[dlq(under_test.topic())], group_id=under_test.group()
    )
    await consumer.start()
    try:
        return await collect(consumer, count=count)
    finally:
        await consumer.stop()


async def test_poison_message_goes_to_dlq_and_the_next_one_is_processed(
    under_test: BusUnderTest,
) -> None:
    topic = under_test.topic()
    # Same key, so the good message sits behind the poison one in the same partition.
    await under_test.bus.send(topic, key="same-ticket", value=b"\x00not json")
    await under_test.bus.send(
        topic, key="same-ticket", value=received("after the poison").to_bytes()
    )
    handler = RecordingHandler()
    group = under_test.group()

    await run_loop_until(under_test, handler, handled=1, group_id=group)

    assert handler.handled == ["after the poison"]
    [dead] = await dead_letters(under_test, count=1)
    assert dead.value == b"\x00not json"
    assert dead.header("vigil-error-type") == "ValidationError"
    assert dead.header("vigil-source-topic") == topic
    assert dead.header("vigil-source-partition") is not None
    assert dead.header("vigil-source-offset") == "0"
    assert dead.header("vigil-consumer-group") == group


async def test_a_message_that_keeps_failing_is_dead_lettered_after_max_attempts(
    under_test: BusUnderTest,
) -> None:
    topic = under_test.topic()
    await under_test.bus.send(topic, key="t1", value=received("breaks").to_bytes())
    await under_test.bus.send(topic, key="t1", value=received("works").to_bytes())
    handler = RecordingHandler(fail_titles=frozenset({"breaks"}))

    metrics = await run_loop_until(under_test, handler, handled=1)

    assert handler.handled == ["works"]
    [dead] = await dead_letters(under_test, count=1)
    assert dead.header("vigil-error-type") == "ValueError"
    assert dead.header("vigil-attempts") == "3"
    assert metrics.events_dead_lettered.labels(topic)._value.get() == 1


async def test_transient_failures_are_retried_not_dead_lettered(under_test: BusUnderTest) -> None:
    topic = under_test.topic()
    await under_test.bus.send(topic, key="t1", value=received("eventually").to_bytes())
    handler = RecordingHandler(transient=5)  # more than max_attempts: still not dead-lettered

    metrics = await run_loop_until(under_test, handler, handled=1)

    assert handler.handled == ["eventually"]
    assert metrics.events_failed.labels(topic)._value.get() == 5
    assert metrics.events_dead_lettered.labels(topic)._value.get() == 0


async def test_lag_counts_messages_not_committed_yet_fetched_or_not(
    under_test: BusUnderTest,
) -> None:
    topic = under_test.topic()
    for _ in range(5):
        await under_test.bus.send(topic, key="one-partition", value=b"x")
    consumer = under_test.bus.consumer(topics=[topic], group_id=under_test.group())
    await consumer.start()
    try:
        before_any_commit = sum((await consumer.lag()).values())
        taken = await collect(consumer, count=2, max_records=1)
        await consumer.commit()
        taken += await collect(consumer, count=1, max_records=1)  # fetched, never committed
        lag = await consumer.lag()
    finally:
        await consumer.stop()
    assert len(taken) == 3
    assert before_any_commit in (0, 5)  # 0 only while Kafka has not assigned the partitions
    assert sum(lag.values()) == 3


async def test_send_many_delivers_everything_in_per_key_order(under_test: BusUnderTest) -> None:
    topic = under_test.topic()
    await under_test.bus.send_many(
        [
            Outgoing(topic, key=f"ticket-{index % 3}", value=f"{index}".encode())
            for index in range(30)
        ]
    )
    consumer = under_test.bus.consumer(topics=[topic], group_id=under_test.group())
    await consumer.start()
    try:
        messages = await collect(consumer, count=30)
    finally:
        await consumer.stop()

    assert sorted(int(m.value) for m in messages) == list(range(30))
    for key in ("ticket-0", "ticket-1", "ticket-2"):
        values = [int(m.value) for m in messages if m.key == key]
        assert values == sorted(values)


async def send_titles(under_test: BusUnderTest, titles: Sequence[str]) -> None:
    await under_test.bus.send_many(
        [
            Outgoing(under_test.topic(), key="one-partition", value=received(t).to_bytes())
            for t in titles
        ]
    )


async def test_a_batch_handler_takes_the_fetched_batch_in_one_call(
    under_test: BusUnderTest,
) -> None:
    titles = [f"report {index}" for index in range(10)]
    await send_titles(under_test, titles)
    handler = RecordingHandler()

    metrics = await run_loop_until(under_test, handler, handled=10)

    assert handler.handled == titles
    assert max(handler.call_sizes) > 1
    assert metrics.events_processed.labels(under_test.topic())._value.get() == 10


async def test_a_failing_batch_is_retried_one_by_one_and_only_the_poison_is_dead_lettered(
    under_test: BusUnderTest,
) -> None:
    titles = ["first", "breaks", "third", "fourth"]
    await send_titles(under_test, titles)
    handler = RecordingHandler(fail_titles=frozenset({"breaks"}))

    metrics = await run_loop_until(under_test, handler, handled=3)

    assert handler.handled == ["first", "third", "fourth"]
    [dead] = await dead_letters(under_test, count=1)
    assert dead.header("vigil-error-type") == "ValueError"
    assert metrics.events_dead_lettered.labels(under_test.topic())._value.get() == 1


async def test_a_batch_hit_by_a_transient_failure_is_retried_whole(
    under_test: BusUnderTest,
) -> None:
    titles = [f"report {index}" for index in range(6)]
    await send_titles(under_test, titles)
    handler = RecordingHandler(transient=4)  # more than max_attempts

    metrics = await run_loop_until(under_test, handler, handled=6)

    assert handler.handled == titles
    assert metrics.events_dead_lettered.labels(under_test.topic())._value.get() == 0


async def test_a_live_bus_answers_the_readiness_ping(under_test: BusUnderTest) -> None:
    assert await under_test.bus.ping()


async def test_data_the_database_can_never_store_is_dead_lettered_at_once(
    under_test: BusUnderTest,
) -> None:
    topic = under_test.topic()
    for title in ("before", "carries a NUL", "after"):
        await under_test.bus.send(topic, key="same-partition", value=received(title).to_bytes())
    handler = RecordingHandler(unstorable_titles=frozenset({"carries a NUL"}))

    metrics = await run_loop_until(under_test, handler, handled=2)

    assert handler.handled == ["before", "after"]
    [dead] = await dead_letters(under_test, count=1)
    assert dead.header("vigil-error-type") == "DBAPIError"
    assert dead.header("vigil-attempts") == "1"  # a data error is not retried
    assert metrics.events_dead_lettered.labels(topic)._value.get() == 1


def sample(metrics: ServiceMetrics, name: str) -> float:
    return sum(
        sample.value
        for family in metrics.registry.collect()
        for sample in family.samples
        if sample.name == name
    )


async def test_a_loop_stuck_on_a_database_outage_reports_stalled_and_its_lag(
    under_test: BusUnderTest,
) -> None:
    topic = under_test.topic()
    for index in range(3):
        await under_test.bus.send(
            topic, key="same-partition", value=received(f"r{index}").to_bytes()
        )
    handler = RecordingHandler()
    handler.database_down = True
    loop, metrics = consume_loop(under_test, handler, stall_after_seconds=0.3)
    task = asyncio.create_task(loop.run())
    try:
        await wait_until(lambda: loop.stalled, what="the loop stalled", timeout_seconds=30)
        assert sample(metrics, "vigil_consumer_stalled") == 1
        # Fetched but never committed: the lag shows the work the loop is stuck on.
        await wait_until(
            lambda: sample(metrics, "vigil_consumer_lag_messages") == 3,
            what="a lag of 3",
            timeout_seconds=30,
        )
        assert handler.handled == []

        handler.database_down = False
        await wait_until(
            lambda: len(handler.handled) == 3, what="3 records handled", timeout_seconds=30
        )
        assert not loop.stalled
        assert sample(metrics, "vigil_consumer_stalled") == 0
        await wait_until(
            lambda: sample(metrics, "vigil_consumer_lag_messages") == 0,
            what="no lag",
            timeout_seconds=30,
        )
    finally:
        loop.request_stop()
        await asyncio.wait_for(task, 30)
    assert metrics.events_dead_lettered.labels(topic)._value.get() == 0
