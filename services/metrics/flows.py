"""Metrics flows: record an event once, keep escalation state and trend windows, emit trends.

Recording the event, the escalation state and the trend window count happen in one
transaction, so a redelivered event changes nothing twice. A detected trend is stored with
the event that announces it, and sent after the commit; whatever is not marked sent is sent
again on the next event (a crash may come between the commit and the send).
"""

import asyncio
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from services.metrics import store
from services.metrics.domain import (
    ESCALATION_STATUS_BY_TYPE,
    TRIAGED,
    CounterIncrement,
    EventFacts,
    dead_letter_identity,
    dead_letter_labels,
    encode_labels,
    facts_of,
    increments_for,
    observation_for,
    sla_signal,
)
from services.metrics.instruments import BusinessMetrics
from services.metrics.trends import TrendPolicy, Verdict, evaluate, series_for, window_start
from shared.bus import Bus, Consumer, Message, Outgoing
from shared.db import Database
from shared.events import TrendDetectedData, TrendDetectedV1, VigilEvent
from shared.outbox import relay_pending
from shared.tracing import child_traceparent

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
TREND_NAMESPACE = uuid.UUID("6b1f3f0e-6a57-4df4-9a0b-3f1f7f3b2a10")


@dataclass(frozen=True)
class MetricsContext:
    db: Database
    bus: Bus
    business: BusinessMetrics
    policy: TrendPolicy
    trends_topic: str
    clock: Clock


@dataclass(frozen=True)
class Recorded:
    is_new: bool
    trend: TrendDetectedV1 | None = None


@dataclass(frozen=True)
class BatchRecorded:
    duplicates: int
    trends: list[TrendDetectedV1]


async def record(context: MetricsContext, event: VigilEvent) -> Recorded:
    """Record one event once: counted when new; a spike it completes is stored as a trend."""
    facts = facts_of(event)
    async with context.db.session() as session:
        if not await store.add_event(session, _event_row(event, facts)):
            return Recorded(is_new=False)
        await _track_escalation(session, event, facts)
        detected = await _count_for_trends(context, session, event, facts)
        await session.commit()
    _count(context, facts, detected=detected)
    return Recorded(is_new=True, trend=detected)


async def record_batch(context: MetricsContext, events: Sequence[VigilEvent]) -> BatchRecorded:
    """:func:`record` for a consumed batch, in one transaction. If a concurrent replica
    recorded one of the events first, each event is recorded on its own instead."""
    counted: list[tuple[EventFacts, TrendDetectedV1 | None]] = []
    async with context.db.session() as session:
        known = await store.recorded_event_ids(session, [event.id for event in events])
        for event in events:
            if event.id in known:
                continue
            known.add(event.id)
            facts = facts_of(event)
            session.add(_event_row(event, facts))
            await _track_escalation(session, event, facts)
            counted.append((facts, await _count_for_trends(context, session, event, facts)))
        try:
            await session.commit()
        except IntegrityError:
            await session.rollback()
            recorded = [await record(context, event) for event in events]
            return BatchRecorded(
                duplicates=sum(not one.is_new for one in recorded),
                trends=[one.trend for one in recorded if one.trend is not None],
            )
    for facts, detected in counted:
        _count(context, facts, detected=detected)
    return BatchRecorded(
        duplicates=len(events) - len(counted),
        trends=[detected for _, detected in counted if detected is not None],
    )


def _event_row(event: VigilEvent, facts: EventFacts) -> store.RecordedEvent:
    return store.RecordedEvent(
        event_id=event.id,
        ticket_id=event.subject,
        type=facts.type,
        occurred_at=event.time,
        channel=facts.channel,
        category=facts.category,
        priority=facts.priority,
        labels=encode_labels(facts.labels),
        seconds=facts.seconds,
        received_at=facts.received_at,
    )


def _count(context: MetricsContext, facts: EventFacts, *, detected: TrendDetectedV1 | None) -> None:
    """Apply a newly recorded event to the in-memory metrics (after its commit)."""
    for increment in increments_for(facts):
        context.business.apply(increment)
    observation = observation_for(facts)
    if observation is not None:
        context.business.observe(observation)
    if detected is not None:
        logger.warning(
            "trend detected",
            extra={
                "category": detected.data.category,
                "channel": detected.data.channel,
                "count": detected.data.count,
                "score": detected.data.score,
            },
        )


async def _track_escalation(session: AsyncSession, event: VigilEvent, facts: EventFacts) -> None:
    data = event.data
    escalation_id = getattr(data, "escalation_id", None)
    if not isinstance(escalation_id, str):
        return
    at = getattr(data, "at", None) or event.time
    signal = sla_signal(facts)
    # At risk until it is breached (then the breach alert takes over) or resolved.
    sla_at_risk = None if signal is None else signal == "at_risk"
    await store.apply_escalation_event(
        session,
        escalation_id=escalation_id,
        ticket_id=event.subject,
        priority=facts.priority or "unknown",
        queue=facts.labels.get("queue", "unknown"),
        status=ESCALATION_STATUS_BY_TYPE.get(facts.type),
        at=at,
        sla_at_risk=sla_at_risk,
    )


async def _count_for_trends(
    context: MetricsContext, session: AsyncSession, event: VigilEvent, facts: EventFacts
) -> TrendDetectedV1 | None:
    if facts.type != TRIAGED or facts.replaces_a_decision or facts.category is None:
        return None
    channel = facts.channel or "unknown"
    received_at = facts.received_at or event.time
    policy = context.policy
    current = window_start(received_at, window_seconds=policy.window_seconds)
    count = await store.count_in_window(
        session, category=facts.category, channel=channel, window_start=current
    )
    if count < policy.min_count:
        return None
    trend_id = str(uuid.uuid5(TREND_NAMESPACE, f"{facts.category}|{channel}|{current.isoformat()}"))
    if await store.get_trend(session, trend_id) is not None:
        return None  # this window was announced already
    since = current - timedelta(seconds=policy.window_seconds * policy.baseline_windows)
    observed_since = await store.first_window(session)
    if observed_since is None or observed_since > since:
        return None  # warming up: no full baseline observed yet, so no verdict
    counts = await store.window_counts(
        session, category=facts.category, channel=channel, since=since, until=current
    )
    history = series_for(counts, current=current, policy=policy)
    verdict = evaluate(history=history, count=count, policy=policy)
    if not verdict.is_spike:
        return None
    trend = _trend_event(
        trend_id=trend_id,
        category=facts.category,
        channel=channel,
        current=current,
        verdict=verdict,
        history=history,
        context=context,
        traceparent=event.traceparent,
    )
    session.add(
        store.Trend(
            trend_id=trend_id,
            category=facts.category,
            channel=channel,
            window_start=trend.data.window_start,
            window_end=trend.data.window_end,
            count=verdict.count,
            baseline=verdict.baseline.median,
            score=verdict.score,
            detected_at=context.clock(),
            event_json=trend.model_dump_json(),
        )
    )
    return trend


def _trend_event(
    *,
    trend_id: str,
    category: str,
    channel: str,
    current: datetime,
    verdict: Verdict,
    history: list[int],
    context: MetricsContext,
    traceparent: str | None,
) -> TrendDetectedV1:
    return TrendDetectedV1(
        source="/vigil/metrics",
        subject=trend_id,
        time=context.clock(),
        traceparent=child_traceparent(traceparent),
        data=TrendDetectedData(
            category=category,
            channel=channel,
            window_start=current,
            window_end=current + timedelta(seconds=context.policy.window_seconds),
            count=verdict.count,
            baseline=verdict.baseline.median,
            score=verdict.score,
            trend_id=trend_id,
            history=history,
            mad=verdict.baseline.mad,
            threshold=context.policy.threshold,
            window_seconds=context.policy.window_seconds,
        ),
    )


async def publish_pending_trends(context: MetricsContext) -> int:
    """Send every stored trend event not yet sent, oldest first; how many were sent (none
    while the broker refuses them: they wait for the next batch or the relay)."""

    def message_of(trend: store.Trend) -> Outgoing:
        event = TrendDetectedV1.model_validate_json(trend.event_json)
        return Outgoing(context.trends_topic, key=trend.trend_id, value=event.to_bytes())

    return await relay_pending(
        context.db,
        bus=context.bus,
        pending=store.unpublished_trends,
        message_of=message_of,
        stamp=store.stamp_published,
    )


async def restore(context: MetricsContext) -> None:
    """Counters and histograms continue from the recorded events after a restart."""
    async with context.db.session() as session:
        for facts, count in await store.counts_by_facts(session):
            for increment in increments_for(facts):
                context.business.apply(increment, amount=count)
        async for type_, priority, seconds in store.measured_events(session):
            observation = observation_for(
                EventFacts(type=type_, priority=priority, seconds=seconds)
            )
            if observation is not None:
                context.business.observe(observation)


# --- dead letters -----------------------------------------------------------------------

DLQ_RETRY_SECONDS = 1.0


def _dead_letter_row(message: Message, *, prefix: str, now: datetime) -> store.DeadLetter:
    topic, error_type = dead_letter_labels(
        dlq_topic=message.topic,
        source_topic=message.header("vigil-source-topic"),
        error_type=message.header("vigil-error-type"),
        prefix=prefix,
    )
    topic_of_identity, partition, offset = dead_letter_identity(message)
    return store.DeadLetter(
        topic=topic_of_identity,
        partition=partition,
        offset=offset,
        source_topic=topic,
        error_type=error_type,
        recorded_at=now,
    )


async def _record_dead_letters(context: MetricsContext, batch: list[Message], prefix: str) -> None:
    rows = [_dead_letter_row(message, prefix=prefix, now=context.clock()) for message in batch]
    while True:
        try:
            async with context.db.session() as session:
                new = await store.add_dead_letters(session, rows)
            break
        except Exception:
            logger.exception("recording dead letters failed; retrying")
            await asyncio.sleep(DLQ_RETRY_SECONDS)
    for row in new:
        context.business.apply(CounterIncrement("dead_letters", (row.source_topic, row.error_type)))
        logger.warning(
            "dead letter seen",
            extra={"topic": row.source_topic, "error_type": row.error_type, "offset": row.offset},
        )


async def watch_dead_letters(context: MetricsContext, *, consumer: Consumer, prefix: str) -> None:
    """Count every message on the dead-letter topics once; runs until cancelled."""
    await consumer.start()
    try:
        while True:
            batch = await consumer.getmany(timeout_ms=500, max_records=500)
            if batch:
                await _record_dead_letters(context, batch, prefix)
                await consumer.commit()
    finally:
        await consumer.stop()


async def restore_dead_letters(context: MetricsContext) -> None:
    async with context.db.session() as session:
        for topic, error_type, count in await store.dead_letter_counts(session):
            context.business.apply(
                CounterIncrement("dead_letters", (topic, error_type)), amount=count
            )
