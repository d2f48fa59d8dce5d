"""The consume loop every service runs: decode, handle, retry, dead-letter, commit per batch.

Offsets are committed only after every message of the batch was handled (each handler
commits its own database transaction first) or dead-lettered, so a crash redelivers work
instead of losing it; handlers are idempotent, so redelivery is harmless.

A service hands the loop a ``BatchHandler``: it gets the whole fetched batch, for one
transaction and one round of produces per batch. A batch that fails for a reason other than
infrastructure is handed over again one message at a time, so one poison message is
dead-lettered alone instead of taking its batch along. Failures are told apart by
:mod:`shared.failures`: infrastructure that is down is waited for (and the loop reports
itself stalled once that lasts), data that can never be stored is dead-lettered at once.
"""

import asyncio
import contextlib
import logging
import random
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence

from shared.bus import Bus, BusUnavailableError, Consumer, Message, PartitionKey
from shared.events import VigilEvent, decode_event
from shared.failures import Failure, PermanentError, classify_failure
from shared.logging import ticket_context
from shared.observability import ServiceMetrics
from shared.topics import dlq

__all__ = ["BatchHandler", "ConsumeLoop", "Delivery", "PermanentError"]

logger = logging.getLogger(__name__)

LAG_REFRESH_SECONDS = 2.0
LAG_QUERY_TIMEOUT_SECONDS = 5.0
# While one failure goes on, how often the loop says so again (the first one is logged).
RETRY_LOG_EVERY_SECONDS = 30.0

Delivery = tuple[VigilEvent, Message]
BatchHandler = Callable[[Sequence[Delivery]], Awaitable[None]]


class _StopRequestedError(Exception):
    pass


class _TransientFailures:
    """How long the loop has been retrying the same work; logs on change, not per retry."""

    def __init__(self, *, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._since: float | None = None
        self._attempts = 0
        self._logged_at = 0.0

    def failed(self, error: BaseException) -> int:
        now = self._clock()
        self._attempts += 1
        if self._since is None:
            self._since = self._logged_at = now
            logger.warning("transient failure; retrying until it passes", extra=_why(error))
        elif now - self._logged_at >= RETRY_LOG_EVERY_SECONDS:
            self._logged_at = now
            logger.warning(
                "still retrying after a transient failure",
                extra={**_why(error), "attempts": self._attempts, "seconds": self.seconds()},
            )
        return self._attempts

    def succeeded(self) -> None:
        if self._since is not None:
            logger.warning(
                "recovered from a transient failure",
                extra={"attempts": self._attempts, "seconds": round(self.seconds(), 1)},
            )
        self._since = None
        self._attempts = 0

    def seconds(self) -> float:
        return 0.0 if self._since is None else self._clock() - self._since


def _why(error: BaseException) -> dict[str, str]:
    return {"error_type": type(error).__name__, "error": repr(error)[:500]}


class ConsumeLoop:
    def __init__(
        self,
        *,
        bus: Bus,
        consumer: Consumer,
        group_id: str,
        handler: BatchHandler,
        metrics: ServiceMetrics,
        max_attempts: int = 3,
        batch_size: int = 500,
        retry_base_seconds: float = 0.1,
        retry_max_seconds: float = 5.0,
        stall_after_seconds: float = 30.0,
    ) -> None:
        self._bus = bus
        self._consumer = consumer
        self._group_id = group_id
        self._handler = handler
        self._metrics = metrics
        self._max_attempts = max_attempts
        self._batch_size = batch_size
        self._retry_base_seconds = retry_base_seconds
        self._retry_max_seconds = retry_max_seconds
        self._stall_after_seconds = stall_after_seconds
        self._stopping = asyncio.Event()
        self._lag: dict[PartitionKey, int] = {}
        self._transient = _TransientFailures(clock=lambda: asyncio.get_running_loop().time())

    def request_stop(self) -> None:
        self._stopping.set()

    @property
    def stalled(self) -> bool:
        """The same work has failed transiently for longer than the stall limit."""
        return self._transient.seconds() > self._stall_after_seconds

    async def run(self) -> None:
        await self._consumer.start()
        self._metrics.watch_consumer(lag=lambda: self._lag, stalled=lambda: self.stalled)
        lag_task = asyncio.create_task(self._refresh_lag(), name="consumer-lag")
        try:
            while not self._stopping.is_set():
                batch = await self._fetch()
                deliveries = [
                    delivery for message in batch if (delivery := await self._decode(message))
                ]
                if not await self._handle_batch(deliveries):
                    for event, message in deliveries:
                        with ticket_context(ticket_id=event.subject, traceparent=event.traceparent):
                            await self._handle_with_retries(event, message)
                if batch:
                    await self._commit()
        except _StopRequestedError:
            logger.info("consumer stopped mid-batch; uncommitted messages will be redelivered")
        finally:
            lag_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await lag_task
            await self._consumer.stop()

    async def _fetch(self) -> list[Message]:
        """The next batch, waiting out a broker that cannot be read: the loop must outlive
        any outage, or the service consumes nothing ever again."""
        failed = False
        while True:
            try:
                batch = await self._consumer.getmany(timeout_ms=200, max_records=self._batch_size)
            except BusUnavailableError as error:
                failed = True
                await self._backoff(self._transient.failed(error))
                continue
            if failed:
                self._transient.succeeded()
            return batch

    async def _commit(self) -> None:
        """A refused commit is not retried: the next batch's commit covers these offsets, and
        if the partitions move first their new owner redelivers the batch (handlers are
        idempotent)."""
        try:
            await self._consumer.commit()
        except BusUnavailableError as error:
            logger.warning("offsets not committed; the next commit covers them", extra=_why(error))

    async def _refresh_lag(self) -> None:
        """Committed offsets against the end of each partition, beside the loop rather than in
        it, so a loop stuck retrying a batch still shows its lag growing. A scrape reads the
        last value: it must not await the broker."""
        while True:
            try:
                self._lag = await asyncio.wait_for(self._consumer.lag(), LAG_QUERY_TIMEOUT_SECONDS)
            except Exception as error:  # the broker may be down: keep the last known lag
                logger.debug("consumer lag not refreshed", extra=_why(error))
            await asyncio.sleep(LAG_REFRESH_SECONDS)

    async def _decode(self, message: Message) -> Delivery | None:
        try:
            return decode_event(message.value), message
        except Exception as error:  # decoding touches no infrastructure: the data is bad
            await self._dead_letter(message, error=error, attempts=0)
            return None

    async def _handle_batch(self, deliveries: Sequence[Delivery]) -> bool:
        """True once the batch handler took the whole batch; False: handle one by one."""
        if len(deliveries) < 2:
            return False
        while True:
            try:
                await self._handler(deliveries)
            except Exception as error:
                if classify_failure(error) is Failure.TRANSIENT:
                    await self._backoff(self._transient.failed(error))
                    continue
                logger.warning(
                    "batch failed; handling its messages one by one",
                    extra={**_why(error), "batch_size": len(deliveries)},
                )
                return False
            self._transient.succeeded()
            for topic, count in Counter(message.topic for _, message in deliveries).items():
                self._metrics.events_processed.labels(topic).inc(count)
            return True

    async def _handle_with_retries(self, event: VigilEvent, message: Message) -> None:
        failures = 0
        while True:
            try:
                await self._handler([(event, message)])
            except Exception as error:
                self._metrics.events_failed.labels(message.topic).inc()
                kind = classify_failure(error)
                if kind is Failure.TRANSIENT:
                    await self._backoff(self._transient.failed(error))
                    continue
                failures += 1
                if kind is Failure.PERMANENT or failures >= self._max_attempts:
                    await self._dead_letter(message, error=error, attempts=failures)
                    return
                logger.warning(
                    "handler failed, retrying", extra={**_why(error), "attempt": failures}
                )
                await self._backoff(failures)
                continue
            self._transient.succeeded()
            self._metrics.events_processed.labels(message.topic).inc()
            return

    async def _backoff(self, failures: int) -> None:
        delay = min(self._retry_max_seconds, self._retry_base_seconds * 2 ** (failures - 1))
        try:
            await asyncio.wait_for(self._stopping.wait(), delay * random.uniform(0.5, 1.0))
        except TimeoutError:
            return
        raise _StopRequestedError

    async def _dead_letter(self, message: Message, *, error: BaseException, attempts: int) -> None:
        headers = [
            *message.headers,
            ("vigil-error-type", type(error).__name__.encode()),
            ("vigil-error", str(error)[:2000].encode()),
            ("vigil-attempts", str(attempts).encode()),
            ("vigil-consumer-group", self._group_id.encode()),
            ("vigil-source-topic", message.topic.encode()),
            ("vigil-source-partition", str(message.partition).encode()),
            ("vigil-source-offset", str(message.offset).encode()),
        ]
        while True:
            try:
                await self._bus.send(
                    dlq(message.topic),
                    key=message.key or f"{message.partition}:{message.offset}",
                    value=message.value,
                    headers=headers,
                )
                break
            except BusUnavailableError as unavailable:
                await self._backoff(self._transient.failed(unavailable))
        self._transient.succeeded()
        self._metrics.events_dead_lettered.labels(message.topic).inc()
        logger.error(
            "message dead-lettered",
            extra={
                "topic": message.topic,
                "partition": message.partition,
                "offset": message.offset,
                "error_type": type(error).__name__,
                "consumer_group": self._group_id,
            },
        )
