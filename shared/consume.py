"""The consume loop every service runs: decode, handle, retry, dead-letter, commit per batch.

Offsets are committed only after every message of the batch was handled (each handler
commits its own database transaction first) or dead-lettered, so a crash redelivers work
instead of losing it; handlers are idempotent, so redelivery is harmless.

A service hands the loop a ``BatchHandler``: it gets the whole fetched batch, for one
transaction and one round of produces per batch. A batch that fails for a reason other than
infrastructure is handed over again one message at a time, so one poison message is
dead-lettered alone instead of taking its batch along.
"""

import asyncio
import logging
import random
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence

from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError, OperationalError

from shared.bus import Bus, BusUnavailableError, Consumer, Message, PartitionKey
from shared.events import VigilEvent, decode_event
from shared.logging import ticket_context
from shared.observability import ServiceMetrics
from shared.topics import dlq

logger = logging.getLogger(__name__)

LAG_REFRESH_SECONDS = 1.0

Delivery = tuple[VigilEvent, Message]
BatchHandler = Callable[[Sequence[Delivery]], Awaitable[None]]

# Infrastructure that is down is waited for, never dead-lettered: the message is fine.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    BusUnavailableError,
    OperationalError,
    DBAPIError,
    ConnectionError,
    TimeoutError,
)


class PermanentError(Exception):
    """The message can never be handled: dead-letter it without retrying."""


class _StopRequestedError(Exception):
    pass


class ConsumeLoop:
    def __init__(
        self,
        *,
        bus: Bus,
        consumer: Consumer,
        handler: BatchHandler,
        metrics: ServiceMetrics,
        max_attempts: int = 3,
        batch_size: int = 500,
        retry_base_seconds: float = 0.1,
        retry_max_seconds: float = 5.0,
    ) -> None:
        self._bus = bus
        self._consumer = consumer
        self._handler = handler
        self._metrics = metrics
        self._max_attempts = max_attempts
        self._batch_size = batch_size
        self._retry_base_seconds = retry_base_seconds
        self._retry_max_seconds = retry_max_seconds
        self._stopping = asyncio.Event()
        self._lag: dict[PartitionKey, int] = {}
        self._lag_measured_at = 0.0

    def request_stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        await self._consumer.start()
        self._metrics.watch_lag(lambda: self._lag)
        try:
            while not self._stopping.is_set():
                batch = await self._consumer.getmany(timeout_ms=200, max_records=self._batch_size)
                deliveries = [
                    delivery for message in batch if (delivery := await self._decode(message))
                ]
                if not await self._handle_batch(deliveries):
                    for event, message in deliveries:
                        with ticket_context(ticket_id=event.subject, traceparent=event.traceparent):
                            await self._handle_with_retries(event, message)
                if batch:
                    await self._consumer.commit()
                await self._measure_lag()
        except _StopRequestedError:
            logger.info("consumer stopped mid-batch; uncommitted messages will be redelivered")
        finally:
            await self._consumer.stop()

    async def _measure_lag(self) -> None:
        """Refreshed here, at most every second, because a scrape must not await the broker."""
        now = asyncio.get_running_loop().time()
        if now - self._lag_measured_at >= LAG_REFRESH_SECONDS:
            self._lag = await self._consumer.lag()
            self._lag_measured_at = now

    async def _decode(self, message: Message) -> Delivery | None:
        try:
            return decode_event(message.value), message
        except (ValidationError, UnicodeDecodeError) as error:
            await self._dead_letter(message, error=error, attempts=0)
            return None

    async def _handle_batch(self, deliveries: Sequence[Delivery]) -> bool:
        """True once the batch handler took the whole batch; False: handle one by one."""
        if len(deliveries) < 2:
            return False
        failures = 0
        while True:
            try:
                await self._handler(deliveries)
            except TRANSIENT_ERRORS as error:
                logger.warning(
                    "transient failure, retrying the batch", extra={"error": repr(error)}
                )
                await self._backoff(failures := failures + 1)
                continue
            except Exception as error:
                logger.warning(
                    "batch failed; handling its messages one by one",
                    extra={"error": repr(error), "batch_size": len(deliveries)},
                )
                return False
            for topic, count in Counter(message.topic for _, message in deliveries).items():
                self._metrics.events_processed.labels(topic).inc(count)
            return True

    async def _handle_with_retries(self, event: VigilEvent, message: Message) -> None:
        failures = 0
        while True:
            try:
                await self._handler([(event, message)])
            except TRANSIENT_ERRORS as error:
                self._metrics.events_failed.labels(message.topic).inc()
                logger.warning("transient failure, retrying", extra={"error": repr(error)})
                await self._backoff(failures := failures + 1)
                continue
            except Exception as error:
                failures += 1
                self._metrics.events_failed.labels(message.topic).inc()
                if isinstance(error, PermanentError) or failures >= self._max_attempts:
                    await self._dead_letter(message, error=error, attempts=failures)
                    return
                logger.warning(
                    "handler failed, retrying", extra={"error": repr(error), "attempt": failures}
                )
                await self._backoff(failures)
                continue
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
            ("vigil-source-topic", message.topic.encode()),
            ("vigil-source-partition", str(message.partition).encode()),
            ("vigil-source-offset", str(message.offset).encode()),
        ]
        failures = 0
        while True:
            try:
                await self._bus.send(
                    dlq(message.topic),
                    key=message.key or f"{message.partition}:{message.offset}",
                    value=message.value,
                    headers=headers,
                )
                break
            except BusUnavailableError:
                await self._backoff(failures := failures + 1)
        self._metrics.events_dead_lettered.labels(message.topic).inc()
        logger.error(
            "message dead-lettered",
            extra={
                "topic": message.topic,
                "partition": message.partition,
                "offset": message.offset,
                "error_type": type(error).__name__,
            },
        )
