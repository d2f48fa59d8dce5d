"""Trend routing (``kind: trend`` policies), override downgrades and the escalation's trace:
matching is pure; the flows run on SQLite with an injected clock and a local receiver."""

import json
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from services.escalation import domain, store
from services.escalation.actions import apply_action, reassign
from services.escalation.config import EscalationConfig, load_config
from services.escalation.consumer import apply_event
from services.escalation.delivery import deliver_due
from services.escalation.notifiers import Sender
from services.escalation.opening import open_for_ticket, open_for_trend
from services.escalation.policies import match_policy, match_trend
from services.escalation.source_updates import resolve_for_downgrade
from services.escalation.timers import fire_due_timers
from shared.config import ConfigError
from shared.consume import PermanentError
from shared.db import Database
from shared.events import (
    Priority,
    Reason,
    TicketTriagedData,
    TicketTriagedV1,
    TrendDetectedData,
    TrendDetectedV1,
    TriageOverride,
    TriageOverrideFrom,
)
from shared.tracing import new_traceparent
from tests.support.escalation import START, FakeClock, running_receiver, write_escalation_config


def trend_event(
    *,
    category: str = "spam",
    channel: str = "zendesk",
    score: float = 9.5,
    traceparent: str | None = None,
) -> TrendDetectedV1:
    trend_id = str(uuid.uuid4())
    return TrendDetectedV1(
        source="/vigil/metrics",
        subject=trend_id,
        time=START,
        traceparent=traceparent,
        data=TrendDetectedData(
            category=category,
            channel=channel,
            window_start=START - timedelta(minutes=5),
            window_end=START,
            count=40,
            baseline=3.0,
            score=score,
            trend_id=trend_id,
            history=[3, 2, 4, 3],
        ),
    )


def triaged(
    *,
    ticket_id: str,
    priority: Priority = Priority.P1,
    override_from: Priority | None = None,
    traceparent: str | None = None,
    category: str = "harassment",
    by_bot: bool = False,
) -> TicketTriagedV1:
    override = (
        TriageOverride(
            by="ops-bot" if by_bot else "olivia",
            reason="duplicate of an old report",
            at=START,
            previous=TriageOverrideFrom(
                category=category, severity="high", priority=override_from, queue="ts"
            ),
            by_bot=by_bot,
        )
        if override_from is not None
        else None
    )
    return TicketTriagedV1(
        source="/tests",
        subject=ticket_id,
        traceparent=traceparent,
        data=TicketTriagedData(
            ticket_id=ticket_id,
            channel="tests",
            category=category,
            severity="high",
            priority=priority,
            queue="trust-safety",
            reasons=[Reason(rule="t", detail="t")],
            rules_version="t",
            received_at=START,
            triaged_at=START,
            override=override,
        ),
    )


async def events_of(db: Database, escalation_id: str) -> list[dict[str, object]]:
    async with db.session() as session:
        return [json.loads(row.payload) for row in await store.timeline(session, escalation_id)]


async def timers_pending(db: Database) -> int:
    async with db.session() as session:
        return await store.pending_timers(session)


def trace_id(traceparent: object) -> str:
    assert isinstance(traceparent, str)
    return traceparent.split("-")[1]


# --- matching (pure) ---------------------------------------------------------------------


def test_a_trend_policy_matches_by_category_channel_and_minimum_score(
    config: EscalationConfig,
) -> None:
    route = match_trend(config, category="spam", channel="zendesk", score=4.0)

    assert route is not None
    assert (route.policy.name, route.priority, route.queue) == (
        "spam-waves",
        Priority.P2,
        "trends-review",
    )
    assert match_trend(config, category="spam", channel="zendesk", score=3.9) is None
    assert match_trend(config, category="spam", channel="github", score=9.0) is None
    assert match_trend(config, category="harassment", channel="zendesk", score=9.0) is None


def test_ticket_and_trend_policies_never_match_the_other_kind(
    config: EscalationConfig,
) -> None:
    # "urgent" matches every P0/P1 ticket but is a ticket policy: a trend skips it.
    assert match_trend(config, category="harassment", channel="tests", score=50) is None
    ticket_policy = match_policy(config, priority=Priority.P1, category="spam", queue="q")
    assert ticket_policy is not None
    assert ticket_policy.name == "urgent"


def test_trend_policy_defaults_to_p1_in_the_trends_queue(tmp_path: Path) -> None:
    directory = tmp_path / "c"
    directory.mkdir()
    (directory / "policies.yaml").write_text(
        "users: [{name: u}]\n"
        "policies:\n"
        "  - name: any-trend\n"
        "    match: {kind: trend}\n"
        "    levels: [{targets: [{user: u}], ack_timeout: 5m}]\n"
    )
    route = match_trend(load_config(directory), category="x", channel="y", score=0.1)

    assert route is not None
    assert (route.priority, route.queue) == (Priority.P1, "trends")


@pytest.mark.parametrize(
    ("match", "extra", "complaint"),
    [
        ("{channels: [zendesk]}", "", "need 'kind: trend'"),
        ("{min_score: 3}", "", "need 'kind: trend'"),
        ("{kind: trend, priorities: [P0]}", "", "a trend has no priority"),
        ("{kind: trend, queues: [q]}", "", "a trend has no priority"),
        ("{priorities: [P1]}", "    priority: P0\n", "are for trend policies"),
        ("{kind: incident}", "", "kind"),
    ],
)
def test_misplaced_trend_criteria_are_config_errors(
    tmp_path: Path, match: str, extra: str, complaint: str
) -> None:
    directory = tmp_path / "c"
    directory.mkdir()
    (directory / "policies.yaml").write_text(
        "users: [{name: u}]\n"
        "policies:\n"
        "  - name: p\n"
        f"    match: {match}\n"
        f"{extra}"
        "    levels: [{targets: [{user: u}], ack_timeout: 5m}]\n"
    )
    with pytest.raises(ConfigError) as error:
        load_config(directory)

    assert "policies.yaml" in str(error.value)
    assert complaint in str(error.value)


# --- trend escalations ---------------------------------------------------------------------


async def test_a_matching_trend_opens_one_escalation_and_pages_its_policy(
    db: Database, config: EscalationConfig, clock: FakeClock
) -> None:
    event = trend_event()

    first = await open_for_trend(db, event, config=config, now=clock())
    again = await open_for_trend(db, event, config=config, now=clock.advance(timedelta(1)))

    assert first is not None
    assert again is not None
    assert first.id == again.id == domain.escalation_id_for(event.subject)
    assert (first.kind, first.ticket_id, first.priority, first.queue, first.policy) == (
        "trend",
        event.subject,
        "P2",
        "trends-review",
        "spam-waves",
    )
    assert first.assignee == "bob"
    [opened] = await events_of(db, first.id)
    assert opened["type"] == "vigil.escalation.opened.v1"
    assert opened["subject"] == event.subject
    data = opened["data"]
    assert isinstance(data, dict)
    assert (data["trend_id"], data["ticket_id"], data["target"]) == (
        event.subject,
        event.subject,
        "bob",
    )
    async with db.session() as session:
        [page] = await store.notifications_of(session, first.id)
        [audit] = await store.audit_of(session, first.id)
    assert page.user == "bob"
    assert audit.detail is not None
    assert "40 spam tickets from zendesk" in audit.detail


async def test_a_trend_no_policy_matches_opens_nothing(
    db: Database, config: EscalationConfig, clock: FakeClock
) -> None:
    event = trend_event(category="billing")

    assert await open_for_trend(db, event, config=config, now=clock()) is None
    async with db.session() as session:
        assert await store.get_by_ticket(session, event.subject) is None


async def test_a_trend_id_too_long_to_store_is_a_permanent_error(
    db: Database, config: EscalationConfig, clock: FakeClock
) -> None:
    event = trend_event()
    event.data.trend_id = "t" * 65

    with pytest.raises(PermanentError):
        await open_for_trend(db, event, config=config, now=clock())


async def test_a_trend_escalation_climbs_acks_and_resolves_like_a_ticket_one(
    db: Database, config: EscalationConfig, clock: FakeClock
) -> None:
    escalation = await open_for_trend(db, trend_event(), config=config, now=clock())
    assert escalation is not None

    touched = await fire_due_timers(db, config, now=clock.advance(timedelta(minutes=16)))
    async with db.session() as session:
        climbed = await apply_action(
            session, escalation.id, action="ack", actor="lead", config=config, now=clock()
        )
        acked = (climbed.level, climbed.status, climbed.acknowledged_by)
        await apply_action(
            session, escalation.id, action="resolve", actor="lead", config=config, now=clock()
        )
        final = await store.get_escalation(session, escalation.id)

    assert touched == [escalation.id]
    assert acked == (1, "acknowledged", "lead")
    assert final is not None
    assert final.status == "resolved"
    types = [event["type"] for event in await events_of(db, escalation.id)]
    assert types == [
        "vigil.escalation.opened.v1",
        "vigil.escalation.escalated.v1",
        "vigil.escalation.acknowledged.v1",
        "vigil.escalation.resolved.v1",
    ]


# --- tracing -------------------------------------------------------------------------------


async def test_api_timer_and_delivery_events_continue_the_opening_trace(
    tmp_path: Path, db: Database, clock: FakeClock
) -> None:
    parent = new_traceparent()
    ticket_id = str(uuid.uuid4())
    async with running_receiver() as receiver:
        config = load_config(write_escalation_config(tmp_path / "r", receiver=receiver.url))
        escalation = await open_for_ticket(
            db, triaged(ticket_id=ticket_id, traceparent=parent), config=config, now=clock()
        )
        sender = Sender(config)
        try:
            await deliver_due(db, config, sender, clock=clock)
        finally:
            await sender.close()
        async with db.session() as session:
            await reassign(
                session, escalation.id, to="bob", actor="ada", config=config, now=clock()
            )
            await apply_action(
                session, escalation.id, action="ack", actor="bob", config=config, now=clock()
            )
            await apply_action(
                session, escalation.id, action="resolve", actor="bob", config=config, now=clock()
            )

    events = await events_of(db, escalation.id)
    assert escalation.traceparent == parent
    assert [event["type"] for event in events] == [
        "vigil.escalation.opened.v1",
        "vigil.escalation.notified.v1",
        "vigil.escalation.escalated.v1",
        "vigil.escalation.acknowledged.v1",
        "vigil.escalation.resolved.v1",
    ]
    assert {trace_id(event["traceparent"]) for event in events} == {trace_id(parent)}
    # Each event is its own span: a child of the opening trace, never the parent itself.
    spans = [str(event["traceparent"]).split("-")[2] for event in events]
    assert len(set(spans)) == len(spans)
    assert parent.split("-")[2] not in spans
    [page] = receiver.requests
    assert trace_id(page["headers"]["traceparent"]) == trace_id(parent)


async def test_a_trend_escalation_continues_the_trend_events_trace(
    db: Database, config: EscalationConfig, clock: FakeClock
) -> None:
    parent = new_traceparent()
    escalation = await open_for_trend(
        db, trend_event(traceparent=parent), config=config, now=clock()
    )
    assert escalation is not None
    async with db.session() as session:
        await apply_action(
            session, escalation.id, action="ack", actor="bob", config=config, now=clock()
        )

    events = await events_of(db, escalation.id)
    assert len(events) == 2
    assert {trace_id(event["traceparent"]) for event in events} == {trace_id(parent)}


# --- overrides -----------------------------------------------------------------------------


async def test_an_override_below_p1_resolves_the_escalation_and_stops_its_clocks(
    db: Database, config: EscalationConfig, clock: FakeClock
) -> None:
    ticket_id = str(uuid.uuid4())
    parent = new_traceparent()
    escalation = await open_for_ticket(
        db, triaged(ticket_id=ticket_id, traceparent=parent), config=config, now=clock()
    )
    assert await timers_pending(db) == 1  # the first level's ack timeout
    downgrade = triaged(ticket_id=ticket_id, priority=Priority.P3, override_from=Priority.P1)

    resolved = await resolve_for_downgrade(db, downgrade, config=config, now=clock())
    again = await resolve_for_downgrade(db, downgrade, config=config, now=clock())
    touched = await fire_due_timers(db, config, now=clock.advance(timedelta(hours=2)))

    assert resolved is not None
    assert again is not None
    assert (resolved.status, resolved.resolved_by) == ("resolved", "override:olivia")
    assert await timers_pending(db) == 0
    assert touched == []
    events = await events_of(db, escalation.id)
    assert [event["type"] for event in events] == [
        "vigil.escalation.opened.v1",
        "vigil.escalation.resolved.v1",
    ]
    data = events[-1]["data"]
    assert isinstance(data, dict)
    assert (data["actor"], data["reason"]) == ("override:olivia", "override P1 -> P3")
    assert trace_id(events[-1]["traceparent"]) == trace_id(parent)
    async with db.session() as session:
        audit = [(e.action, e.detail) for e in await store.audit_of(session, escalation.id)]
    assert (
        "resolve",
        "triage override by olivia: P1 -> P3 (duplicate of an old report)",
    ) in audit


async def activity_of(db: Database, escalation_id: str) -> list[tuple[str, str, str | None]]:
    async with db.session() as session:
        return [(e.action, e.actor, e.detail) for e in await store.audit_of(session, escalation_id)]


async def test_a_bots_override_below_p1_keeps_a_person_ack_page_going(
    db: Database, config: EscalationConfig, clock: FakeClock
) -> None:
    ticket_id = str(uuid.uuid4())
    escalation = await open_for_ticket(
        db,
        triaged(ticket_id=ticket_id, category="threat_to_life", priority=Priority.P0),
        config=config,
        now=clock(),
    )
    assert escalation.policy == "life-safety"
    downgrade = triaged(
        ticket_id=ticket_id,
        category="threat_to_life",
        priority=Priority.P4,
        override_from=Priority.P0,
        by_bot=True,
    )

    # Through the consumer's dispatch, twice: a redelivery must not add a second entry.
    for _ in range(2):
        assert await apply_event(db, downgrade, config=config, now=clock()) == escalation.id
    touched = await fire_due_timers(db, config, now=clock.advance(timedelta(minutes=5)))

    async with db.session() as session:
        after = await store.get_escalation(session, escalation.id)
    assert after is not None
    assert (after.status, after.resolved_by, after.level) == ("open", None, 1)
    assert touched == [escalation.id]  # the ack timeout still climbs: the page goes on
    assert [event["type"] for event in await events_of(db, escalation.id)] == [
        "vigil.escalation.opened.v1",
        "vigil.escalation.escalated.v1",
    ]
    ignored = [entry for entry in await activity_of(db, escalation.id) if entry[0] != "opened"]
    assert ignored[0][:2] == ("override_ignored", "override:ops-bot")
    assert [entry[0] for entry in ignored].count("override_ignored") == 1
    detail = ignored[0][2] or ""
    assert "triage override by ops-bot: P0 -> P4" in detail
    assert "needs a person" in detail


async def test_a_persons_override_below_p1_ends_a_person_ack_page(
    db: Database, config: EscalationConfig, clock: FakeClock
) -> None:
    ticket_id = str(uuid.uuid4())
    escalation = await open_for_ticket(
        db,
        triaged(ticket_id=ticket_id, category="threat_to_life", priority=Priority.P0),
        config=config,
        now=clock(),
    )
    downgrade = triaged(
        ticket_id=ticket_id,
        category="threat_to_life",
        priority=Priority.P4,
        override_from=Priority.P0,
    )

    resolved = await resolve_for_downgrade(db, downgrade, config=config, now=clock())

    assert resolved is not None
    assert (resolved.id, resolved.status, resolved.resolved_by) == (
        escalation.id,
        "resolved",
        "override:olivia",
    )


async def test_a_bots_override_below_p1_resolves_where_the_policy_needs_no_person(
    db: Database, config: EscalationConfig, clock: FakeClock
) -> None:
    ticket_id = str(uuid.uuid4())
    escalation = await open_for_ticket(db, triaged(ticket_id=ticket_id), config=config, now=clock())
    assert escalation.policy == "urgent"
    downgrade = triaged(
        ticket_id=ticket_id, priority=Priority.P3, override_from=Priority.P1, by_bot=True
    )

    await apply_event(db, downgrade, config=config, now=clock())

    async with db.session() as session:
        after = await store.get_escalation(session, escalation.id)
    assert after is not None
    assert (after.status, after.resolved_by) == ("resolved", "override:ops-bot")
    assert await timers_pending(db) == 0


async def test_a_downgrade_of_a_ticket_without_escalation_changes_nothing(
    db: Database, config: EscalationConfig, clock: FakeClock
) -> None:
    ticket_id = str(uuid.uuid4())
    downgrade = triaged(ticket_id=ticket_id, priority=Priority.P4, override_from=Priority.P3)

    assert await resolve_for_downgrade(db, downgrade, config=config, now=clock()) is None
    async with db.session() as session:
        assert await store.get_by_ticket(session, ticket_id) is None


async def test_an_override_up_to_p1_opens_an_escalation(
    db: Database, config: EscalationConfig, clock: FakeClock
) -> None:
    ticket_id = str(uuid.uuid4())
    upgrade = triaged(ticket_id=ticket_id, priority=Priority.P0, override_from=Priority.P3)

    escalation = await open_for_ticket(db, upgrade, config=config, now=clock())

    assert (escalation.status, escalation.priority, escalation.policy) == ("open", "P0", "urgent")
    assert [e["type"] for e in await events_of(db, escalation.id)] == ["vigil.escalation.opened.v1"]
