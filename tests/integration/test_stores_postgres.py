"""Each service's store on a real PostgreSQL: idempotency and races hold under concurrency."""

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from prometheus_client import CollectorRegistry
from sqlalchemy import func
from sqlmodel import select

from services.escalation import store as escalation_store
from services.escalation.actions import apply_action
from services.escalation.domain import Action, IllegalTransitionError
from services.escalation.opening import open_for_ticket, open_for_tickets
from services.metrics import flows as metrics_flows
from services.metrics import store as metrics_store
from services.metrics.instruments import BusinessMetrics
from services.metrics.trends import TrendPolicy
from services.triage import store as triage_store
from services.triage.classifier import shipped_model
from services.triage.decisions import ticket_values, triage_batch
from services.triage.rules import builtin_rules
from services.triage.shipped import classify
from shared.bus import InProcessBus
from shared.db import Database
from shared.events import (
    Priority,
    Reason,
    TicketReceivedV1,
    TicketTriagedData,
    TicketTriagedV1,
    utcnow,
)
from shared.migrations import SERVICES_WITH_DATABASE, upgrade
from tests.conftest import PostgresDatabases
from tests.events import received

pytestmark = pytest.mark.postgres


@pytest.fixture
async def database(postgres: PostgresDatabases) -> AsyncIterator[Database]:
    url = await postgres.create("store")
    for service in SERVICES_WITH_DATABASE:  # the migrated schema, as in production
        await asyncio.to_thread(upgrade, service, url=url)
    db = Database(url)
    yield db
    await db.dispose()


def triaged(priority: Priority = Priority.P0) -> TicketTriagedV1:
    ticket_id = str(uuid.uuid4())
    return TicketTriagedV1(
        source="/tests",
        subject=ticket_id,
        data=TicketTriagedData(
            ticket_id=ticket_id,
            channel="tests",
            category="threat_to_life",
            severity="critical",
            priority=priority,
            queue="safety-emergency",
            reasons=[Reason(rule="test", detail="test")],
            rules_version="test",
            received_at=utcnow(),
            triaged_at=utcnow(),
        ),
    )


async def test_concurrent_triage_of_one_ticket_stores_one_decision(database: Database) -> None:
    event = received("I am going to kill you")

    async def triage_once() -> str:
        async with database.session() as session:
            row = triage_store.TriagedTicket(
                **ticket_values(event, classify(event.data.report), triaged_at=utcnow())
            )
            ticket = await triage_store.insert_ticket(session, row)
            return ticket.triaged_event

    emitted = await asyncio.gather(*(triage_once() for _ in range(6)))

    assert len(set(emitted)) == 1, "every attempt must re-emit the first decision's event"
    async with database.session() as session:
        rows = (await session.exec(select(triage_store.TriagedTicket))).all()
    assert [row.ticket_id for row in rows] == [event.subject]
    assert rows[0].priority == "P0"


async def test_overlapping_batches_on_two_replicas_decide_each_ticket_once(
    database: Database,
) -> None:
    """A rebalance hands a batch to a second replica while the first still works on it."""
    ruleset = builtin_rules()
    events = [received(f"report {n}: I will kill you") for n in range(20)]
    first_batch = [*events[:15], events[0]]  # a redelivered duplicate inside the batch
    second_batch = events[5:]

    async def replica(batch: list[TicketReceivedV1]) -> list[str]:
        async with database.session() as session:
            tickets, _ = await triage_batch(session, batch, ruleset=ruleset, model=shipped_model())
        return [ticket.triaged_event for ticket in tickets]

    first, second = await asyncio.gather(replica(first_batch), replica(second_batch))

    assert len(first) == 15
    assert len(second) == 15
    assert first[5:] == second[:10], "both replicas must emit the one stored decision"
    async with database.session() as session:
        count = (
            await session.exec(select(func.count()).select_from(triage_store.TriagedTicket))
        ).one()
    assert count == 20


async def test_concurrent_deliveries_open_one_escalation(database: Database) -> None:
    event = triaged()

    opened = await asyncio.gather(*(open_for_ticket(database, event) for _ in range(6)))

    assert len({escalation.id for escalation in opened}) == 1
    async with database.session() as session:
        events = await escalation_store.timeline(session, opened[0].id)
    assert [row.type for row in events] == ["vigil.escalation.opened.v1"]


async def test_overlapping_batches_open_one_escalation_per_ticket(database: Database) -> None:
    events = [triaged() for _ in range(12)]
    now = utcnow()

    first, second = await asyncio.gather(
        open_for_tickets(database, events[:8], config=None, now=now),
        open_for_tickets(database, [*events[4:], events[4]], config=None, now=now),
    )

    assert first[4:] == second[:4]
    async with database.session() as session:
        escalations = (await session.exec(select(escalation_store.Escalation))).all()
        opened = [
            row
            for row in (await session.exec(select(escalation_store.EscalationEventRow))).all()
            if row.type == "vigil.escalation.opened.v1"
        ]
    assert sorted(e.ticket_id for e in escalations) == sorted(e.subject for e in events)
    assert len(opened) == 12


async def test_concurrent_acks_record_one_acknowledgement(database: Database) -> None:
    escalation = await open_for_ticket(database, triaged())

    async def ack(actor: str) -> str:
        async with database.session() as session:
            result = await apply_action(session, escalation.id, action="ack", actor=actor)
            return result.status

    statuses = await asyncio.gather(*(ack(f"responder-{n}") for n in range(8)))

    assert set(statuses) == {"acknowledged"}
    async with database.session() as session:
        late = await apply_action(session, escalation.id, action="ack", actor="late")
        events = await escalation_store.timeline(session, escalation.id)
    assert late.acknowledged_by != "late"
    assert [row.type for row in events] == [
        "vigil.escalation.opened.v1",
        "vigil.escalation.acknowledged.v1",
    ]


async def test_racing_ack_and_resolve_leave_a_consistent_timeline(database: Database) -> None:
    escalation = await open_for_ticket(database, triaged())

    async def act(action: Action) -> str:
        async with database.session() as session:
            try:
                result = await apply_action(session, escalation.id, action=action, actor="racer")
            except IllegalTransitionError:
                return "illegal"
            return result.status

    await asyncio.gather(*(act("ack" if n % 2 else "resolve") for n in range(8)))

    async with database.session() as session:
        final = await escalation_store.get_escalation(session, escalation.id)
        events = await escalation_store.timeline(session, escalation.id)
    assert final is not None
    assert final.status == "resolved"
    types = [row.type for row in events]
    assert types[0] == "vigil.escalation.opened.v1"
    assert types[-1] == "vigil.escalation.resolved.v1"
    assert types.count("vigil.escalation.resolved.v1") == 1
    assert types.count("vigil.escalation.acknowledged.v1") <= 1


def metrics_context(
    database: Database, registry: CollectorRegistry
) -> metrics_flows.MetricsContext:
    return metrics_flows.MetricsContext(
        db=database,
        bus=InProcessBus(),
        business=BusinessMetrics(registry),
        policy=TrendPolicy(),
        trends_topic="trends",
        clock=utcnow,
    )


async def test_an_event_is_recorded_once_by_metrics(database: Database) -> None:
    context = metrics_context(database, CollectorRegistry())
    event = received("recorded by six deliveries at once")

    outcomes = await asyncio.gather(
        *(metrics_flows.record_batch(context, [event]) for _ in range(6))
    )

    assert sorted(outcome.duplicates for outcome in outcomes) == [0] + [1] * 5
    async with database.session() as session:
        count = (
            await session.exec(select(func.count()).select_from(metrics_store.RecordedEvent))
        ).one()
        [(facts, total)] = await metrics_store.counts_by_facts(session)
    assert count == 1
    assert (facts.channel, total) == ("tests", 1)


async def test_a_metrics_batch_records_each_distinct_event_once(database: Database) -> None:
    registry = CollectorRegistry()
    context = metrics_context(database, registry)
    earlier, first, second = received("earlier"), received("first"), received("second")
    await metrics_flows.record_batch(context, [earlier])

    outcome = await metrics_flows.record_batch(context, [first, earlier, second, first])

    assert outcome.duplicates == 2
    async with database.session() as session:
        count = (
            await session.exec(select(func.count()).select_from(metrics_store.RecordedEvent))
        ).one()
    assert count == 3
    received_total = registry.get_sample_value("vigil_tickets_received_total", {"channel": "tests"})
    assert received_total == 3.0
