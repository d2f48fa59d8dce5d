"""A surge raises the whole group: the pure parts (which decisions rise, to what, with which
SLA and reason) and the flow on the in-process bus (earlier tickets re-emitted raised once,
people's overrides left alone, redeliveries and a broker outage)."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from services.triage import store
from services.triage.decisions import Outcome
from services.triage.domain import GroupSignal, less_urgent_than
from services.triage.grouping import surge_raise
from services.triage.overrides import publish_pending_overrides
from services.triage.rules import RuleSet, parse_rules
from services.triage.surge import surge_raise_id, surging_groups
from shared.bus import Bus, BusUnavailableError, InProcessBus
from shared.events import Priority, TicketTriagedV1
from shared.topics import TICKETS_RECEIVED, TICKETS_TRIAGED
from tests.support.helpers import RESPONDER_KEY, VIEWER_KEY, bearer
from tests.support.polling import wait_until
from tests.support.rules import default_document, dump
from tests.unit.triage.conftest import Triage

RECEIVED = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # a Monday, within support hours
GROUP = GroupSignal(key="content:p-9", count=5)


def _rules(**grouping: Any) -> RuleSet:
    document = default_document()
    document["grouping"] = {**document["grouping"], **grouping}
    return parse_rules(dump(document), source="test")


def _raise(ruleset: RuleSet, **overrides: Any) -> Any:
    arguments: dict[str, Any] = {
        "priority": Priority.P3,
        "category": "payments_billing",
        "tags": ["billing"],
        "policies": ["p3-support"],
        "received_at": RECEIVED,
        "group": GROUP,
        "trigger_ticket_id": "t-5",
    } | overrides
    return surge_raise(ruleset, **arguments)


# --- domain -----------------------------------------------------------------------------


def test_less_urgent_than_lists_the_lower_priorities() -> None:
    assert less_urgent_than(Priority.P2) == [Priority.P3, Priority.P4]
    assert less_urgent_than(Priority.P0) == [Priority.P1, Priority.P2, Priority.P3, Priority.P4]
    assert less_urgent_than(Priority.P4) == []


def test_a_decision_below_the_surge_priority_is_raised_with_a_reason_and_a_new_sla() -> None:
    raised = _raise(_rules())

    assert raised.priority == Priority.P2
    assert raised.tags == ("billing", "surge")
    assert raised.reason.rule == "grouping.surge"
    assert raised.reason.evidence == ["content:p-9"]
    detail = raised.reason.detail
    assert "5 reports" in detail
    assert "within 1h" in detail
    assert "threshold 5" in detail
    assert "t-5" in detail
    assert "P3 -> P2" in detail
    # p2-standard (4h / 3d, 24/7) from the original receipt; the P3 business clock is gone.
    assert raised.sla.policies == ("p2-standard",)
    assert raised.sla.first_response_due == RECEIVED + timedelta(hours=4)
    assert raised.sla.resolution_due == RECEIVED + timedelta(days=3)


def test_a_raise_keeps_a_stricter_clock_the_decision_carried_by_rule() -> None:
    raised = _raise(_rules(), policies=["p3-support", "p1-urgent"])

    assert raised.sla.policies == ("p2-standard", "p1-urgent")
    assert raised.sla.first_response_due == RECEIVED + timedelta(hours=1)
    assert raised.sla.resolution_due == RECEIVED + timedelta(hours=24)


def test_the_surge_priority_comes_from_the_rules() -> None:
    raised = _raise(_rules(surge_priority="P1"))

    assert raised.priority == Priority.P1
    assert raised.sla.policies == ("p1-urgent",)


@pytest.mark.parametrize(
    ("priority", "count"),
    [
        (Priority.P3, 4),  # below the threshold
        (Priority.P2, 5),  # already at the surge priority
        (Priority.P0, 9),  # more urgent already
    ],
)
def test_nothing_is_raised_below_the_threshold_or_when_already_as_urgent(
    priority: Priority, count: int
) -> None:
    assert _raise(_rules(), priority=priority, group=GroupSignal("content:p-9", count)) is None


def _outcome(ticket_id: str, *, key: str | None, count: int, minutes: int) -> Outcome:
    return Outcome(
        ticket_id=ticket_id,
        category="other",
        priority="P3",
        queue="support-general",
        rules_version="v",
        triaged_event="{}",
        received_at=RECEIVED + timedelta(minutes=minutes),
        group_key=key,
        group_count=count,
    )


def test_surging_groups_of_a_batch_span_its_reports_widened_by_the_window() -> None:
    outcomes = [
        _outcome("b", key="account:1", count=6, minutes=5),
        _outcome("a", key="account:1", count=6, minutes=2),
        _outcome("c", key="account:2", count=4, minutes=1),  # below the threshold
        _outcome("d", key=None, count=0, minutes=1),  # no subject
        _outcome("e", key="url:https://x.test/p", count=5, minutes=3),
    ]

    groups = surging_groups(outcomes, ruleset=_rules())

    assert [group.signal for group in groups] == [
        GroupSignal("account:1", 6),
        GroupSignal("url:https://x.test/p", 5),
    ]
    first = groups[0]
    assert first.trigger_ticket_id == "a"  # the group's earliest report in the batch
    assert first.since == RECEIVED + timedelta(minutes=2) - timedelta(hours=1)
    assert first.until == RECEIVED + timedelta(minutes=5) + timedelta(hours=1)


def test_a_raise_id_is_one_per_ticket_and_priority() -> None:
    assert surge_raise_id("t-1", Priority.P2) == surge_raise_id("t-1", Priority.P2)
    assert surge_raise_id("t-1", Priority.P2) != surge_raise_id("t-1", Priority.P1)
    assert surge_raise_id("t-1", Priority.P2) != surge_raise_id("t-2", Priority.P2)


# --- the flow, on the in-process bus ----------------------------------------------------


def _report(n: int, *, subject: str = "p-77") -> dict[str, Any]:
    return {"title": "spam account", "subject": {"type": "post", "id": subject}, "tags": [str(n)]}


async def _decided(triage: Triage, tickets: list[str], *, priority: str) -> list[dict[str, Any]]:
    async def probe() -> list[dict[str, Any]] | None:
        decisions = [await triage.decision(ticket) for ticket in tickets]
        return decisions if all(d["priority"] == priority for d in decisions) else None

    return await wait_until(probe, what=f"{len(tickets)} tickets at {priority}")


async def _events(triage: Triage, ticket: str, *, count: int) -> list[TicketTriagedV1]:
    async def probe() -> list[TicketTriagedV1] | None:
        events = triage.triaged_events(ticket)
        return events if len(events) >= count else None

    return await wait_until(probe, what=f"{count} triaged events of {ticket}")


async def _surge(triage: Triage) -> tuple[list[str], list[str]]:
    """Three reports decided at P3, then two more: the group of five surges."""
    earlier = [await triage.receive(_report(n)) for n in range(3)]
    await _decided(triage, earlier, priority="P3")
    later = [await triage.receive(_report(n)) for n in range(3, 5)]
    await _decided(triage, earlier + later, priority="P2")
    return earlier, later


async def test_a_surge_re_emits_the_groups_earlier_tickets_raised_once(triage: Triage) -> None:
    earlier, later = await _surge(triage)

    raised_forms = 0
    for ticket in earlier + later:
        events = await _events(triage, ticket, count=1)
        if len(events) == 1:  # decided in the batch that crossed the threshold
            assert ticket in later
            assert events[0].data.priority == Priority.P2
            assert events[0].data.revision is None
            continue
        raised_forms += 1
        original, raised = events
        assert original.data.priority == Priority.P3
        assert raised.id == surge_raise_id(ticket, Priority.P2)
        assert raised.data.priority == Priority.P2
        assert raised.data.override is None
        revision = raised.data.revision
        assert revision is not None
        assert revision.kind == "surge"
        assert revision.previous.priority == Priority.P3
        assert revision.group_key == "content:p-77"
        assert (revision.group_count or 0) >= 5
        assert revision.trigger_ticket_id in later
        assert raised.data.reasons[-1].rule == "grouping.surge"
        assert "surge" in raised.data.tags
        # The SLA is the P2 clock from the original receipt.
        assert raised.data.sla_policies == ["p2-standard"]
        assert raised.data.first_response_due == original.data.received_at + timedelta(hours=4)
    assert raised_forms >= len(earlier)

    stored = await triage.decision(earlier[0])
    assert stored["priority"] == "P2"
    assert stored["reasons"][-1]["rule"] == "grouping.surge"
    assert stored["first_response_due"] is not None


async def test_a_redelivered_batch_raises_and_emits_nothing_twice(triage: Triage) -> None:
    earlier, later = await _surge(triage)
    before = {ticket: len(await _events(triage, ticket, count=1)) for ticket in earlier + later}

    # The batch that crossed the threshold comes again, then one more report to mark the end.
    again = [
        message
        for partition in triage.bus.partitions_of(TICKETS_RECEIVED)
        for message in partition
        if message.key in later
    ]
    for message in again:
        assert message.key is not None
        await triage.bus.send(TICKETS_RECEIVED, key=message.key, value=message.value)
    marker = await triage.receive({"title": "refund please"})
    await triage.decision(marker)
    for ticket in later:
        await _events(triage, ticket, count=before[ticket] + 1)  # duplicates re-emit

    for ticket in earlier:
        events = triage.triaged_events(ticket)
        assert len(events) == before[ticket] == 2
        assert len({event.id for event in events}) == 2
    for ticket in later:
        events = triage.triaged_events(ticket)
        assert len(events) == before[ticket] + 1
        assert events[-1].id == events[before[ticket] - 1].id  # the stored event again


async def test_a_ticket_a_person_overrode_is_not_raised_by_a_surge(triage: Triage) -> None:
    earlier = [await triage.receive(_report(n, subject="p-88")) for n in range(3)]
    await _decided(triage, earlier, priority="P3")
    response = await triage.client.post(
        f"/v1/tickets/{earlier[0]}/override",
        json={"priority": "P4", "reason": "duplicate of a known spam wave"},
        headers=bearer(RESPONDER_KEY),
    )
    assert response.status_code == 200, response.text

    later = [await triage.receive(_report(n, subject="p-88")) for n in range(3, 5)]
    await _decided(triage, earlier[1:] + later, priority="P2")

    kept = await triage.decision(earlier[0])
    assert kept["priority"] == "P4"
    assert kept["overridden"] is True
    events = triage.triaged_events(earlier[0])
    assert [event.data.priority for event in events] == [Priority.P3, Priority.P4]
    assert all(event.data.revision is None for event in events)


async def test_a_duplicate_after_a_raise_re_emits_the_first_decision_then_the_raise(
    triage: Triage,
) -> None:
    # The first decision may never have been published (the broker failed before the raise),
    # so it goes again first; consumers drop the event ids they have already seen.
    earlier, _ = await _surge(triage)
    ticket = earlier[0]
    first, raised = await _events(triage, ticket, count=2)
    [message] = [
        m for p in triage.bus.partitions_of(TICKETS_RECEIVED) for m in p if m.key == ticket
    ]
    await triage.bus.send(TICKETS_RECEIVED, key=ticket, value=message.value)

    again = (await _events(triage, ticket, count=4))[2:]
    assert [event.model_dump_json() for event in again] == [
        first.model_dump_json(),
        raised.model_dump_json(),
    ]


class _DownBus(InProcessBus):
    async def send(self, topic: str, *, key: str, value: bytes, headers: Any = ()) -> None:
        raise BusUnavailableError("broker down")


async def test_the_relay_publishes_raises_left_unpublished(triage: Triage) -> None:
    earlier, _ = await _surge(triage)
    await _events(triage, earlier[0], count=2)
    state = triage.app.state.vigil
    async with state.db.session() as session:
        rows = await store.unpublished_surge_raises(session, limit=100)
        assert rows == []  # the consumer published and marked them
        records = (
            await session.exec(
                select(store.SurgeRaiseRecord).where(
                    col(store.SurgeRaiseRecord.ticket_id).in_(earlier)
                )
            )
        ).all()
        assert {record.ticket_id for record in records} == set(earlier)
        for record in records:  # as if the broker had been down when they were raised
            record.published_at = None
            session.add(record)
        await session.commit()

    later = datetime.now(UTC) + timedelta(minutes=1)
    down: Bus = _DownBus()
    assert (
        await publish_pending_overrides(
            state.db, bus=down, topic=TICKETS_TRIAGED, grace=timedelta(0), now=later
        )
        == 0
    )
    bus = InProcessBus()
    published = await publish_pending_overrides(
        state.db, bus=bus, topic=TICKETS_TRIAGED, grace=timedelta(0), now=later
    )

    assert published == len(earlier)
    sent = [
        TicketTriagedV1.model_validate_json(m.value)
        for p in bus.partitions_of(TICKETS_TRIAGED)
        for m in p
    ]
    assert {event.subject for event in sent} == set(earlier)
    assert {event.id for event in sent} == {record.id for record in records}
    async with state.db.session() as session:
        assert await store.unpublished_surge_raises(session, limit=100) == []


async def test_viewers_see_the_raise_in_the_ticket(triage: Triage) -> None:
    earlier, _ = await _surge(triage)
    response = await triage.client.get(f"/v1/tickets/{earlier[1]}", headers=bearer(VIEWER_KEY))
    body = response.json()
    assert body["priority"] == "P2"
    assert "surge" in body["tags"]
    assert any("after this ticket was decided" in r["detail"] for r in body["reasons"])


async def test_the_relay_sends_an_older_raise_before_a_persons_override(triage: Triage) -> None:
    earlier, _ = await _surge(triage)
    ticket = earlier[0]
    await _events(triage, ticket, count=2)
    response = await triage.client.post(
        f"/v1/tickets/{ticket}/override",
        json={"priority": "P4", "reason": "a known spam wave, nothing to do"},
        headers=bearer(RESPONDER_KEY),
    )
    assert response.status_code == 200, response.text
    state = triage.app.state.vigil
    async with state.db.session() as session:  # as if the broker had been down for both
        for model in (store.SurgeRaiseRecord, store.OverrideAudit):
            for row in (await session.exec(select(model).where(model.ticket_id == ticket))).all():
                row.published_at = None
                session.add(row)
        await session.commit()

    bus = InProcessBus()
    published = await publish_pending_overrides(
        state.db, bus=bus, topic=TICKETS_TRIAGED, grace=timedelta(0), now=datetime.now(UTC)
    )

    assert published == 2
    sent = [
        TicketTriagedV1.model_validate_json(m.value)
        for p in bus.partitions_of(TICKETS_TRIAGED)
        for m in p
        if m.key == ticket
    ]
    assert [(event.data.revision is not None, event.data.priority) for event in sent] == [
        (True, Priority.P2),
        (False, Priority.P4),
    ]
    assert sent[-1].data.override is not None
