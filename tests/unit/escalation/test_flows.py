"""Escalation flows on SQLite with an injected clock: climbing, acks, reminders, SLA clocks,
source updates and notifications against a local receiver. No real sleeps."""

import base64
import hashlib
import hmac
import json
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from services.escalation import domain, store
from services.escalation.actions import apply_action, snooze
from services.escalation.config import EscalationConfig, load_config
from services.escalation.delivery import deliver_due
from services.escalation.notifiers import Sender
from services.escalation.opening import open_for_ticket
from services.escalation.source_updates import handle_ticket_update
from services.escalation.timers import fire_due_timers
from shared.db import Database
from shared.events import (
    Priority,
    Reason,
    TicketTriagedData,
    TicketTriagedV1,
    TicketUpdatedData,
    TicketUpdatedV1,
)
from tests.support.escalation import (
    START,
    WEBHOOK_SECRET,
    FakeClock,
    Receiver,
    running_receiver,
    write_escalation_config,
)


class TriagedWithSla(TicketTriagedData):
    """What triage adds additively: SLA due times."""

    sla: dict[str, datetime]


def triaged(
    *,
    category: str = "harassment",
    priority: Priority = Priority.P1,
    sla: dict[str, datetime] | None = None,
    ticket_id: str | None = None,
) -> TicketTriagedV1:
    ticket_id = ticket_id or str(uuid.uuid4())
    fields = {
        "ticket_id": ticket_id,
        "channel": "tests",
        "category": category,
        "severity": "high",
        "priority": priority,
        "queue": "trust-safety",
        "reasons": [Reason(rule="test", detail="test")],
        "rules_version": "test",
        "received_at": START,
        "triaged_at": START,
    }
    data = TriagedWithSla(**fields, sla=sla) if sla is not None else TicketTriagedData(**fields)
    return TicketTriagedV1(source="/tests", subject=ticket_id, data=data)


def updated(ticket_id: str, action: str) -> TicketUpdatedV1:
    return TicketUpdatedV1(
        source="/tests",
        subject=ticket_id,
        data=TicketUpdatedData(
            ticket_id=ticket_id,
            channel="alertmanager",
            action=action,
            updated_at=START,
        ),
    )


async def state_of(db: Database, escalation_id: str) -> store.Escalation:
    async with db.session() as session:
        escalation = await store.get_escalation(session, escalation_id)
    assert escalation is not None
    return escalation


async def events_of(db: Database, escalation_id: str) -> list[tuple[str, str | None]]:
    async with db.session() as session:
        rows = await store.timeline(session, escalation_id)
    result = []
    for row in rows:
        data = json.loads(row.payload)["data"]
        result.append(
            (row.type.removeprefix("vigil.escalation.").removesuffix(".v1"), data.get("reason"))
        )
    return result


async def audit_actions(db: Database, escalation_id: str) -> list[str]:
    async with db.session() as session:
        return [entry.action for entry in await store.audit_of(session, escalation_id)]


async def pages(db: Database, escalation_id: str) -> list[tuple[str, int, str]]:
    async with db.session() as session:
        rows = await store.notifications_of(session, escalation_id)
    return [(row.user, row.level, row.reason) for row in rows]


async def fire(
    db: Database, config: EscalationConfig, clock: FakeClock, delta: timedelta
) -> list[str]:
    return await fire_due_timers(db, config, now=clock.advance(delta))


# --- climbing -------------------------------------------------------------------------------


async def test_a_page_nobody_acks_climbs_every_level_repeats_and_stops(
    db: Database, config: EscalationConfig, clock: FakeClock
) -> None:
    escalation = await open_for_ticket(db, triaged(), config=config, now=clock())
    assert escalation.policy == "urgent"
    assert escalation.assignee == "alice"
    assert await pages(db, escalation.id) == [("alice", 0, "page")]

    assert await fire(db, config, clock, timedelta(minutes=4, seconds=59)) == []
    assert await fire(db, config, clock, timedelta(seconds=1)) == [escalation.id]
    climbed = await state_of(db, escalation.id)
    assert (climbed.level, climbed.cycle, climbed.assignee) == (1, 0, "lead")

    assert await fire(db, config, clock, timedelta(minutes=10)) == [escalation.id]  # repeat
    assert await fire(db, config, clock, timedelta(minutes=5)) == [escalation.id]
    assert await fire(db, config, clock, timedelta(minutes=10)) == [escalation.id]  # exhausted
    assert await fire(db, config, clock, timedelta(hours=5)) == []

    final = await state_of(db, escalation.id)
    assert (final.status, final.level, final.cycle) == ("open", 1, 1)
    assert await events_of(db, escalation.id) == [
        ("opened", None),
        ("escalated", "ack_timeout"),
        ("escalated", "ack_timeout"),
        ("escalated", "ack_timeout"),
    ]
    assert await pages(db, escalation.id) == [
        ("alice", 0, "page"),
        ("lead", 1, "ack_timeout"),
        ("alice", 0, "ack_timeout"),
        ("lead", 1, "ack_timeout"),
    ]
    actions = await audit_actions(db, escalation.id)
    assert actions.count("page_skipped") == 2, "quiet has no contacts: visible, not dropped"
    assert actions[-1] == "policy_exhausted"
    async with db.session() as session:
        assert await store.pending_timers(session) == 0


async def test_an_ack_stops_the_climb(
    db: Database, config: EscalationConfig, clock: FakeClock
) -> None:
    escalation = await open_for_ticket(db, triaged(), config=config, now=clock())
    async with db.session() as session:
        await apply_action(
            session, escalation.id, action="ack", actor="alice", config=config, now=clock()
        )

    assert await fire(db, config, clock, timedelta(minutes=5)) == []
    assert (await state_of(db, escalation.id)).level == 0


async def test_only_a_person_stops_a_threat_to_life_page(
    db: Database, config: EscalationConfig, clock: FakeClock
) -> None:
    escalation = await open_for_ticket(
        db, triaged(category="threat_to_life", priority=Priority.P0), config=config, now=clock()
    )
    assert escalation.policy == "life-safety"
    async with db.session() as session:
        with pytest.raises(domain.PersonRequiredError):
            await apply_action(
                session, escalation.id, action="ack", actor="bot", by_bot=True, config=config
            )

    # It keeps climbing past the last level: cycle after cycle, until a person acks.
    for _ in range(6):
        assert await fire(db, config, clock, timedelta(minutes=10)) == [escalation.id]
    assert (await state_of(db, escalation.id)).cycle >= 2

    async with db.session() as session:
        await apply_action(
            session, escalation.id, action="ack", actor="alice", config=config, now=clock()
        )
    assert await fire(db, config, clock, timedelta(minutes=10)) == []


# --- reminders and snooze -------------------------------------------------------------------


async def test_reminders_while_acknowledged_and_snooze_pauses_them(
    db: Database, config: EscalationConfig, clock: FakeClock
) -> None:
    escalation = await open_for_ticket(db, triaged(), config=config, now=clock())
    async with db.session() as session:
        await apply_action(
            session, escalation.id, action="ack", actor="bob", config=config, now=clock()
        )

    assert await fire(db, config, clock, timedelta(hours=1)) == [escalation.id]
    assert (await pages(db, escalation.id))[-1] == ("bob", 0, "reminder")

    async with db.session() as session:
        await snooze(
            session, escalation.id, until=clock() + timedelta(hours=3), actor="bob", now=clock()
        )
    assert await fire(db, config, clock, timedelta(hours=1)) == []  # the 1h reminder: snoozed
    assert await fire(db, config, clock, timedelta(hours=1, minutes=59)) == []
    assert await fire(db, config, clock, timedelta(minutes=1)) == [escalation.id]
    reminders = [page for page in await pages(db, escalation.id) if page[2] == "reminder"]
    assert len(reminders) == 2

    async with db.session() as session:
        await apply_action(session, escalation.id, action="resolve", actor="bob")
    assert await fire(db, config, clock, timedelta(hours=2)) == []


async def test_a_snooze_until_the_pending_reminders_time_keeps_one_reminder(
    db: Database, config: EscalationConfig, clock: FakeClock
) -> None:
    escalation = await open_for_ticket(db, triaged(), config=config, now=clock())
    async with db.session() as session:
        await apply_action(
            session, escalation.id, action="ack", actor="bob", config=config, now=clock()
        )
        # The reminder after an acknowledgement is due in an hour: snooze until just then.
        snoozed = await snooze(
            session, escalation.id, until=clock() + timedelta(hours=1), actor="bob", now=clock()
        )
    assert snoozed.snoozed_until is not None
    assert await fire(db, config, clock, timedelta(hours=1)) == [escalation.id]
    reminders = [page for page in await pages(db, escalation.id) if page[2] == "reminder"]
    assert len(reminders) == 1


# --- SLA clocks -----------------------------------------------------------------------------


async def test_sla_at_risk_and_breach_escalate_and_emit_events(
    db: Database, config: EscalationConfig, clock: FakeClock
) -> None:
    due = START + timedelta(hours=1)
    escalation = await open_for_ticket(
        db, triaged(sla={"resolution_due": due}), config=config, now=clock()
    )
    async with db.session() as session:
        await apply_action(
            session, escalation.id, action="ack", actor="alice", config=config, now=clock()
        )

    # urgent policy: default lead 15 minutes.
    assert await fire(db, config, clock, timedelta(minutes=44)) == []
    assert await fire(db, config, clock, timedelta(minutes=1)) == [escalation.id]
    # The breach and the hourly reminder are both due now.
    assert set(await fire(db, config, clock, timedelta(minutes=15))) == {escalation.id}

    events = await events_of(db, escalation.id)
    assert ("escalated", "sla_at_risk:resolution_due") in events
    assert ("escalated", "sla_breached:resolution_due") in events
    assert (await state_of(db, escalation.id)).status == "acknowledged"


async def test_triage_due_times_drive_the_clocks_and_an_ack_stops_first_response(
    db: Database, config: EscalationConfig, clock: FakeClock
) -> None:
    event = triaged()
    event.data.first_response_due = START + timedelta(minutes=30)
    event.data.resolution_due = START + timedelta(hours=4)
    escalation = await open_for_ticket(db, event, config=config, now=clock())
    async with db.session() as session:
        await apply_action(
            session, escalation.id, action="ack", actor="alice", config=config, now=clock()
        )

    # First response at risk (15 min before) and breached (at 30 min): stopped by the ack.
    assert await fire(db, config, clock, timedelta(minutes=31)) == []
    # Resolution at risk at 3h45: escalated.
    await fire(db, config, clock, timedelta(hours=3, minutes=14))
    events = await events_of(db, escalation.id)
    assert ("escalated", "sla_at_risk:resolution_due") in events
    assert not [reason for _, reason in events if reason and "first_response" in reason]


def test_at_risk_is_never_in_the_first_half_of_the_time_left() -> None:
    assert domain.sla_at_risk_time(
        opened=START, due=START + timedelta(minutes=15), lead=timedelta(minutes=15)
    ) == START + timedelta(minutes=7, seconds=30)
    assert domain.sla_at_risk_time(
        opened=START, due=START + timedelta(hours=4), lead=timedelta(minutes=15)
    ) == START + timedelta(hours=3, minutes=45)


async def test_a_deadline_already_past_at_opening_sets_no_clock(
    db: Database, config: EscalationConfig, clock: FakeClock
) -> None:
    event = triaged()
    event.data.first_response_due = START
    escalation = await open_for_ticket(db, event, config=config, now=clock())

    async with db.session() as session:
        timers = await store.pending_timers(session)
    assert timers == 1, "only the ack timeout"
    assert escalation.status == "open"


async def test_a_resolved_escalation_ignores_its_sla_clock(
    db: Database, config: EscalationConfig, clock: FakeClock
) -> None:
    escalation = await open_for_ticket(
        db, triaged(sla={"resolution_due": START + timedelta(minutes=30)}), config=config
    )
    async with db.session() as session:
        await apply_action(session, escalation.id, action="resolve", actor="alice")

    assert await fire(db, config, clock, timedelta(hours=1)) == []


# --- source updates ---------------------------------------------------------------------------


async def test_a_source_resolve_resolves_the_escalation(
    db: Database, config: EscalationConfig, clock: FakeClock
) -> None:
    event = triaged()
    escalation = await open_for_ticket(db, event, config=config, now=clock())

    await handle_ticket_update(db, updated(event.subject, "resolved"), config=config, now=clock())
    await handle_ticket_update(db, updated(event.subject, "resolved"), config=config, now=clock())

    final = await state_of(db, escalation.id)
    assert (final.status, final.resolved_by) == ("resolved", "source:alertmanager")
    assert [kind for kind, _ in await events_of(db, escalation.id)] == ["opened", "resolved"]


async def test_an_update_before_the_escalation_opens_is_applied_on_open(
    db: Database, config: EscalationConfig, clock: FakeClock
) -> None:
    event = triaged()
    await handle_ticket_update(
        db, updated(event.subject, "acknowledged"), config=config, now=clock()
    )

    escalation = await open_for_ticket(db, event, config=config, now=clock())

    final = await state_of(db, escalation.id)
    assert (final.status, final.acknowledged_by) == ("acknowledged", "source:alertmanager")


async def test_a_source_ack_does_not_stop_a_person_ack_policy(
    db: Database, config: EscalationConfig, clock: FakeClock
) -> None:
    event = triaged(category="threat_to_life", priority=Priority.P0)
    escalation = await open_for_ticket(db, event, config=config, now=clock())

    await handle_ticket_update(
        db, updated(event.subject, "acknowledged"), config=config, now=clock()
    )

    assert (await state_of(db, escalation.id)).status == "open"
    assert "ack_ignored" in await audit_actions(db, escalation.id)


@pytest.mark.parametrize("action", ["resolved", "closed"])
async def test_a_source_resolve_is_recorded_but_a_person_ack_page_goes_on(
    db: Database, config: EscalationConfig, clock: FakeClock, action: str
) -> None:
    event = triaged(category="threat_to_life", priority=Priority.P0)
    escalation = await open_for_ticket(db, event, config=config, now=clock())
    update = updated(event.subject, action)

    await handle_ticket_update(db, update, config=config, now=clock())
    await handle_ticket_update(db, update, config=config, now=clock())  # redelivered

    final = await state_of(db, escalation.id)
    assert (final.status, final.resolved_by) == ("open", None)
    assert await audit_actions(db, escalation.id) == ["opened", "resolve_ignored"]
    assert [kind for kind, _ in await events_of(db, escalation.id)] == ["opened"]
    # Its clocks still run: the next level is paged when the ack timeout passes.
    assert await fire(db, config, clock, timedelta(minutes=5)) == [escalation.id]
    assert (await state_of(db, escalation.id)).level == 1


async def test_a_source_resolve_before_a_person_ack_page_opens_is_recorded_on_open(
    db: Database, config: EscalationConfig, clock: FakeClock
) -> None:
    event = triaged(category="threat_to_life", priority=Priority.P0)
    await handle_ticket_update(db, updated(event.subject, "resolved"), config=config, now=clock())

    escalation = await open_for_ticket(db, event, config=config, now=clock())
    await open_for_ticket(db, event, config=config, now=clock())  # redelivered

    assert (await state_of(db, escalation.id)).status == "open"
    async with db.session() as session:
        entries = [
            (entry.action, entry.actor, entry.detail)
            for entry in await store.audit_of(session, escalation.id)
        ]
    assert entries[1:] == [
        (
            "resolve_ignored",
            "source:alertmanager",
            "the source resolved its report; policy life-safety needs a person to resolve the page",
        )
    ]


async def test_a_bot_cannot_snooze_a_person_ack_page(
    db: Database, config: EscalationConfig, clock: FakeClock
) -> None:
    escalation = await open_for_ticket(
        db, triaged(category="threat_to_life", priority=Priority.P0), config=config, now=clock()
    )
    async with db.session() as session:
        await apply_action(
            session, escalation.id, action="ack", actor="alice", config=config, now=clock()
        )
        with pytest.raises(domain.PersonRequiredError) as refused:
            await snooze(
                session,
                escalation.id,
                until=clock() + timedelta(minutes=20),
                actor="bot",
                by_bot=True,
                config=config,
                now=clock(),
            )

    assert (refused.value.operation, refused.value.status) == ("snooze", "acknowledged")
    assert (await state_of(db, escalation.id)).snoozed_until is None


# --- notifications ------------------------------------------------------------------------


async def deliver_until_quiet(
    db: Database, config: EscalationConfig, sender: Sender, clock: FakeClock, *, rounds: int
) -> None:
    for _ in range(rounds):
        await deliver_due(db, config, sender, clock=clock)
        clock.advance(timedelta(seconds=30))


async def notification_rows(db: Database, escalation_id: str) -> list[store.Notification]:
    async with db.session() as session:
        return list(await store.notifications_of(session, escalation_id))


async def open_with_receiver(
    tmp_path: Path, db: Database, clock: FakeClock, receiver: Receiver, **kwargs: bool
) -> tuple[EscalationConfig, store.Escalation]:
    config = load_config(
        write_escalation_config(tmp_path / "rconfig", receiver=receiver.url, **kwargs)
    )
    escalation = await open_for_ticket(db, triaged(), config=config, now=clock())
    return config, escalation


async def test_a_failing_then_hanging_receiver_gets_the_page_once_it_recovers(
    tmp_path: Path, db: Database, clock: FakeClock
) -> None:
    async with running_receiver() as receiver:
        config, escalation = await open_with_receiver(tmp_path, db, clock, receiver)
        sender = Sender(config)
        try:
            receiver.mode = "fail"
            await deliver_until_quiet(db, config, sender, clock, rounds=1)
            receiver.mode = "hang"
            await deliver_until_quiet(db, config, sender, clock, rounds=1)
            receiver.mode = "ok"
            await deliver_until_quiet(db, config, sender, clock, rounds=3)
        finally:
            await sender.close()

    [row] = await notification_rows(db, escalation.id)
    assert (row.status, row.attempts) == ("delivered", 3)
    assert receiver.delivered == {row.idempotency_key: 1}
    assert len(receiver.requests) == 3
    last = receiver.requests[-1]
    headers = last["headers"]
    assert headers["webhook-id"] == row.idempotency_key
    key = base64.b64decode(WEBHOOK_SECRET.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + last["body"]
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    assert headers["webhook-signature"] == f"v1,{expected}"
    assert ("notified", "delivered") in await events_of(db, escalation.id)
    assert "notification_delivered" in await audit_actions(db, escalation.id)


async def test_a_receiver_that_never_recovers_ends_failed_with_the_reason(
    tmp_path: Path, db: Database, clock: FakeClock
) -> None:
    async with running_receiver() as receiver:
        receiver.mode = "fail"
        config, escalation = await open_with_receiver(tmp_path, db, clock, receiver)
        sender = Sender(config)
        try:
            await deliver_until_quiet(db, config, sender, clock, rounds=8)
        finally:
            await sender.close()

    [row] = await notification_rows(db, escalation.id)
    assert (row.status, row.attempts, row.last_error) == ("failed", 4, "HTTP 503")
    assert len(receiver.requests) == 4
    assert ("notified", "failed") in await events_of(db, escalation.id)


async def test_a_4xx_is_not_retried(tmp_path: Path, db: Database, clock: FakeClock) -> None:
    async with running_receiver() as receiver:
        receiver.mode = "reject"
        config, escalation = await open_with_receiver(tmp_path, db, clock, receiver)
        sender = Sender(config)
        try:
            await deliver_until_quiet(db, config, sender, clock, rounds=3)
        finally:
            await sender.close()

    [row] = await notification_rows(db, escalation.id)
    assert (row.status, row.attempts, row.last_error) == ("failed", 1, "HTTP 400")


async def test_loopback_is_refused_unless_allow_listed(
    tmp_path: Path, db: Database, clock: FakeClock
) -> None:
    async with running_receiver() as receiver:
        config, escalation = await open_with_receiver(
            tmp_path, db, clock, receiver, allow_loopback=False
        )
        sender = Sender(config)
        try:
            await deliver_until_quiet(db, config, sender, clock, rounds=2)
        finally:
            await sender.close()

    [row] = await notification_rows(db, escalation.id)
    assert row.status == "failed"
    assert row.attempts == 1
    assert row.last_error is not None
    assert "refused" in row.last_error
    assert "127.0.0.1" in row.last_error
    assert receiver.requests == []
