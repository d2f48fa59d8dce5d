"""A surge raises the whole group, over a real Kafka and a real PostgreSQL: tickets of the
group decided in earlier batches are re-emitted raised exactly once, also when the batch
that crossed the threshold is delivered again."""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from sqlmodel import select

from services.triage import store
from services.triage.classifier import shipped_model
from services.triage.decisions import triage_batch
from services.triage.main import create_app
from services.triage.rules import builtin_rules
from services.triage.settings import TriageSettings
from services.triage.surge import raise_surging_groups, surge_raise_id
from shared.db import Database
from shared.events import (
    Priority,
    TicketReceivedV1,
    TicketTriagedV1,
    utcnow,
)
from shared.migrations import upgrade
from shared.topics import TICKETS_RECEIVED, TICKETS_TRIAGED
from tests.conftest import PostgresDatabases
from tests.events import received
from tests.support.polling import wait_until

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]

PARTITIONS = 6  # as the kafka_topics fixture creates them


async def _send(bootstrap: str, topic: str, events: list[TicketReceivedV1]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(topic, value=event.to_bytes(), key=event.subject.encode())
    finally:
        await producer.stop()


async def _all_triaged(bootstrap: str, topic: str) -> list[TicketTriagedV1]:
    """Every event on the topic now, from the start to the end of each partition."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in range(PARTITIONS)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        found: list[TicketTriagedV1] = []

        async def at_end() -> bool:
            if not [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
                return True
            for records in (await consumer.getmany(timeout_ms=200)).values():
                found.extend(TicketTriagedV1.model_validate_json(r.value) for r in records)
            return False

        await wait_until(
            at_end, what=f"{topic} read to its end", timeout_seconds=30, interval_seconds=0
        )
        return found
    finally:
        await consumer.stop()


async def _events_when(
    bootstrap: str,
    topic: str,
    *,
    wanted: dict[str, int],
    last_priority: Priority | None = None,
    timeout: float = 40,
) -> list[TicketTriagedV1]:
    """Poll the topic (bounded) until each ticket in ``wanted`` has that many events (and
    its latest is at ``last_priority``, when given)."""
    events: list[TicketTriagedV1] = []

    async def priorities() -> dict[str, list[str]]:
        """Each wanted ticket's triaged priorities so far, in order."""
        events[:] = await _all_triaged(bootstrap, topic)
        return {t: [str(e.data.priority) for e in events if e.subject == t] for t in wanted}

    def reached(seen: dict[str, list[str]]) -> bool:
        return all(len(seen[t]) >= n for t, n in wanted.items()) and (
            last_priority is None
            or all(found and found[-1] == last_priority for found in seen.values())
        )

    latest = f", each ticket's last at {last_priority}" if last_priority else ""
    await wait_until(
        priorities,
        until=reached,
        what=f"triaged events {wanted}{latest}",
        timeout_seconds=timeout,
        interval_seconds=0.2,
    )
    return events


@pytest.fixture
async def triage(
    tmp_path: Path, kafka_bootstrap: str, kafka_topics: str, postgres: PostgresDatabases
) -> AsyncIterator[tuple[TriageSettings, str]]:
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    (config_dir / "api_keys.yaml").write_text("api_keys: []\n")
    url = await postgres.create("triage")
    settings = TriageSettings(
        config_dir=config_dir,
        data_dir=tmp_path / "data",
        kafka_bootstrap_servers=kafka_bootstrap,
        topic_prefix=kafka_topics,
        database_url=url,
        rules_poll_seconds=0.5,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test"):
            yield settings, url


async def _raises(url: str) -> list[store.SurgeRaiseRecord]:
    db = Database(url)  # a connection of its own, as another process would see it
    try:
        async with db.session() as session:
            return list((await session.exec(select(store.SurgeRaiseRecord))).all())
    finally:
        await db.dispose()


async def test_earlier_tickets_are_re_emitted_raised_exactly_once(
    triage: tuple[TriageSettings, str], kafka_bootstrap: str, kafka_topics: str
) -> None:
    _, url = triage
    received_topic = f"{kafka_topics}{TICKETS_RECEIVED}"
    triaged_topic = f"{kafka_topics}{TICKETS_TRIAGED}"
    earlier = [received("spam account", subject_id="surging-post") for _ in range(3)]
    later = [received("spam account", subject_id="surging-post") for _ in range(2)]

    await _send(kafka_bootstrap, received_topic, earlier)
    events = await _events_when(
        kafka_bootstrap, triaged_topic, wanted={e.subject: 1 for e in earlier}
    )
    assert {e.data.priority for e in events} == {Priority.P3}

    await _send(kafka_bootstrap, received_topic, later)
    # Whether the two later reports come in one batch or two, every ticket ends at P2.
    events = await _events_when(
        kafka_bootstrap,
        triaged_topic,
        wanted={e.subject: 2 for e in earlier} | {e.subject: 1 for e in later},
        last_priority=Priority.P2,
    )
    before = {e.subject: sum(1 for x in events if x.subject == e.subject) for e in later}
    # The crossing batch again (as after a crash before its offsets were committed). A later
    # ticket the surge raised re-emits its first decision, then its raise; the others their
    # stored decision.
    await _send(kafka_bootstrap, received_topic, later)
    events = await _events_when(
        kafka_bootstrap, triaged_topic, wanted={t: n * 2 for t, n in before.items()}
    )

    raised_tickets = set()
    for ticket in (e.subject for e in earlier + later):
        mine = [e for e in events if e.subject == ticket]
        revisions = [e for e in mine if e.data.revision is not None]
        if ticket in before:  # a later ticket: what it emitted was re-emitted once more
            assert [e.id for e in mine] == [e.id for e in mine[: before[ticket]]] * 2
        else:
            assert len(mine) == 2  # the decision, then the raise: once, despite the redelivery
        if not revisions:
            assert [e.data.priority for e in mine] == [Priority.P2] * len(mine)
            continue
        raised_tickets.add(ticket)
        [raised] = {e.id: e for e in revisions}.values()
        assert mine[0].data.priority == Priority.P3
        assert mine[0].data.revision is None
        assert raised.id == surge_raise_id(ticket, Priority.P2)
        assert raised.data.priority == Priority.P2
        assert raised.data.override is None
        assert raised.data.revision is not None
        assert raised.data.revision.kind == "surge"
        assert raised.data.revision.previous.priority == Priority.P3
        assert raised.data.revision.trigger_ticket_id in {e.subject for e in later}
        assert raised.data.first_response_due is not None
    assert {e.subject for e in earlier} <= raised_tickets

    raises = await _raises(url)
    assert sorted(r.ticket_id for r in raises) == sorted(raised_tickets)
    assert all(r.published_at is not None for r in raises)


@pytest.fixture
async def database(postgres: PostgresDatabases) -> AsyncIterator[Database]:
    url = await postgres.create("surge")
    await asyncio.to_thread(upgrade, "triage", url=url)
    db = Database(url)
    yield db
    await db.dispose()


async def test_two_replicas_deciding_overlapping_batches_raise_each_ticket_once(
    database: Database,
) -> None:
    """Two replicas (a rebalance) each get a batch that crosses the threshold, overlapping:
    the earlier tickets are raised once, by one replica or the other."""
    ruleset = builtin_rules()
    earlier = [received("spam account", subject_id="surging-post") for _ in range(3)]
    async with database.session() as session:
        await triage_batch(session, earlier, ruleset=ruleset, model=shipped_model())
    later = [received("spam account", subject_id="surging-post") for _ in range(4)]

    async def replica(batch: list[TicketReceivedV1]) -> set[str]:
        async with database.session() as session:
            tickets, _ = await triage_batch(session, batch, ruleset=ruleset, model=shipped_model())
            raised = await raise_surging_groups(session, tickets, ruleset=ruleset, now=utcnow())
        return {row.id for row in raised}

    first, second = await asyncio.gather(replica(later[:3]), replica(later[1:]))

    raises = await _raises(database.url)
    assert sorted(row.ticket_id for row in raises) == sorted(e.subject for e in earlier)
    assert first | second == {row.id for row in raises}
    assert not first & second, "both replicas raised the same ticket"
    async with database.session() as session:
        stored = await store.get_tickets(session, [e.subject for e in earlier + later])
    assert {ticket.priority for ticket in stored.values()} == {"P2"}
    for event in earlier:
        raised = TicketTriagedV1.model_validate_json(stored[event.subject].triaged_event)
        assert raised.id == surge_raise_id(event.subject, Priority.P2)
        assert [r.rule for r in raised.data.reasons].count("grouping.surge") == 1
