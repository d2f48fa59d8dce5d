"""The consume loop every service runs: decode, handle, retry, dead-letter, commit per batch.

Offsets are committed only after every message of the batch was handled (each handler
commits its own database transaction first) or dead-lettered, so a crash redelivers work
instead of losing it; handlers are idempotent, so redelivery is harmless.
"""

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable

from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError, OperationalError

from shared.bus import Bus, BusUnavailableError, Consumer, Message, PartitionKey
from shared.events import VigilEvent, decode_event
from shared.logging import ticket_context
from shared.observability import ServiceMetrics
from shared.topics import dlq

logger = logging.getLogger(__name__)

LAG_REFRESH_SECONDS = 1.0

EventHandler = Callable[[VigilEvent, Message], Awaitable[None]]

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
        handler: EventHandler,
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
                for message in batch:
                    await self._process(message)
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

    async def _process(self, message: Message) -> None:
        try:
            event = decode_event(message.value)
        except (ValidationError, UnicodeDecodeError) as error:
            await self._dead_letter(message, error=error, attempts=0)
            return
        with ticket_context(ticket_id=event.subject, traceparent=event.traceparent):
            await self._handle_with_retries(event, message)

    async def _handle_with_retries(self, event: VigilEvent, message: Message) -> None:
        failures = 0
        while True:
            try:
                await self._handler(event, message)
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
