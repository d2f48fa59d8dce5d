"""Escalation's pure decisions without a database: climbing a policy's levels on an ack
timeout, reminders of an acknowledged escalation, SLA clocks, and the rows they write.

Escalations and timers are built in memory; the config is the unit tests' policy file."""

import json
from datetime import datetime, timedelta
from typing import Any

import pytest

from services.escalation import store
from services.escalation.config import EscalationConfig, Policy
from services.escalation.domain import (
    FIRST_RESPONSE,
    Climb,
    Remind,
    SlaAction,
    Snoozed,
    ack_timeout_step,
    escalation_id_for,
    plan_climb,
    reminder_decision,
    sla_action,
    sla_at_risk_time,
    sla_deadlines,
    snapshot,
)
from services.escalation.policies import Step
from services.escalation.records import (
    climb_rows,
    exhausted_rows,
    reminder_rows,
    sla_escalated_rows,
    sla_timers,
)
from shared.events import Priority, Reason, TicketTriagedData
from tests.support.escalation import START


def escalation(**overrides: Any) -> store.Escalation:
    values: dict[str, Any] = {
        "id": escalation_id_for("ticket-1"),
        "ticket_id": "ticket-1",
        "priority": "P1",
        "category": "harassment",
        "queue": "trust-safety",
        "status": "open",
        "received_at": START,
        "opened_at": START,
        "policy": "urgent",
        "level": 0,
        "cycle": 0,
        "assignee": "alice",
    }
    values.update(overrides)
    return store.Escalation(**values)


def timer(kind: str, **overrides: Any) -> store.EscalationTimer:
    values: dict[str, Any] = {
        "key": f"k:{kind}",
        "escalation_id": escalation_id_for("ticket-1"),
        "kind": kind,
        "due_at": START,
    }
    values.update(overrides)
    return store.EscalationTimer(**values)


def policy(config: EscalationConfig, name: str) -> Policy:
    found = config.policy(name)
    assert found is not None
    return found


# --- climbing: which level an ack timeout pages next --------------------------------------------


@pytest.mark.parametrize(
    ("level", "cycle", "expected"),
    [
        (0, 0, Step(level=1, cycle=0)),  # the next level
        (1, 0, Step(level=0, cycle=1)),  # last level: urgent repeats once
        (1, 1, "exhausted"),  # repeated: nobody left to page
    ],
)
def test_an_ack_timeout_climbs_to_the_next_level_repeats_then_is_exhausted(
    config: EscalationConfig, level: int, cycle: int, expected: Step | str
) -> None:
    current = escalation(level=level, cycle=cycle)

    step = ack_timeout_step(
        policy(config, "urgent"), current, timer("ack_timeout", level=level, cycle=cycle)
    )

    assert step == expected


def test_a_policy_that_needs_a_person_never_runs_out_of_levels(config: EscalationConfig) -> None:
    life_safety = policy(config, "life-safety")
    current = escalation(policy="life-safety", level=1, cycle=7)

    step = ack_timeout_step(life_safety, current, timer("ack_timeout", level=1, cycle=7))

    assert step == Step(level=0, cycle=8)


@pytest.mark.parametrize(
    ("status", "timer_round"),
    [
        ("acknowledged", (0, 0)),
        ("resolved", (0, 0)),
        ("open", (0, 1)),  # an earlier cycle's timer
        ("open", (1, 0)),  # a timer of another level
    ],
)
def test_an_ack_timeout_of_another_round_or_a_taken_escalation_is_stale(
    config: EscalationConfig, status: str, timer_round: tuple[int, int]
) -> None:
    level, cycle = timer_round
    current = escalation(status=status)

    step = ack_timeout_step(
        policy(config, "urgent"), current, timer("ack_timeout", level=level, cycle=cycle)
    )

    assert step == "stale"


def test_without_a_policy_an_ack_timeout_is_exhausted() -> None:
    step = ack_timeout_step(None, escalation(policy=None), timer("ack_timeout"))

    assert step == "exhausted"


def test_a_climb_assigns_an_open_escalation_to_the_levels_first_user(
    config: EscalationConfig,
) -> None:
    current = escalation()

    climb = plan_climb(config, policy(config, "urgent"), current, Step(1, 0), now=START)

    assert climb == Climb(
        step=Step(1, 0),
        users=["lead", "quiet"],  # team leads, then the user quiet
        expected={"status": "open", "level": 0, "cycle": 0},
        changes={"level": 1, "cycle": 0, "assignee": "lead"},
    )


def test_a_climb_of_an_acknowledged_escalation_keeps_its_assignee(
    config: EscalationConfig,
) -> None:
    current = escalation(status="acknowledged", assignee="bob")

    climb = plan_climb(config, policy(config, "urgent"), current, Step(1, 0), now=START)

    assert climb.changes == {"level": 1, "cycle": 0}
    assert climb.expected == {"status": "acknowledged", "level": 0, "cycle": 0}


def test_level_zero_pages_whoever_is_on_call_that_week(config: EscalationConfig) -> None:
    urgent = policy(config, "urgent")

    this_week = plan_climb(config, urgent, escalation(level=1), Step(0, 1), now=START)
    next_week = plan_climb(
        config, urgent, escalation(level=1), Step(0, 1), now=START + timedelta(days=7)
    )

    assert this_week.users == ["alice"]
    assert next_week.users == ["bob"]


def test_a_won_climb_writes_its_event_audit_pages_and_next_ack_timer(
    config: EscalationConfig,
) -> None:
    urgent = policy(config, "urgent")
    current = escalation()
    before = snapshot(current)
    climb = plan_climb(config, urgent, current, Step(1, 0), now=START)
    current.level, current.assignee = 1, "lead"  # as the compare-and-set left it

    rows = climb_rows(
        config, urgent, current, climb, before=before, reason="ack_timeout", now=START
    )

    kinds = [type(row).__name__ for row in rows]
    assert kinds == [
        "EscalationEventRow",
        "AuditEntry",  # escalated
        "Notification",  # lead's slack
        "AuditEntry",  # quiet has no contacts: page_skipped
        "EscalationTimer",
    ]
    event, escalated, page, skipped, ack = rows
    assert isinstance(event, store.EscalationEventRow)
    assert event.type == "vigil.escalation.escalated.v1"
    payload = json.loads(event.payload)["data"]
    assert (payload["level"], payload["reason"]) == (1, "ack_timeout")
    assert isinstance(escalated, store.AuditEntry)
    assert (escalated.action, escalated.before, escalated.after) == (
        "escalated",
        before,
        snapshot(current),
    )
    assert isinstance(page, store.Notification)
    assert (page.user, page.level, page.channel) == ("lead", 1, "slack")
    assert page.idempotency_key == f"{current.id}:L1C0:lead:0"
    assert isinstance(skipped, store.AuditEntry)
    assert skipped.action == "page_skipped"
    assert isinstance(ack, store.EscalationTimer)
    assert (ack.kind, ack.level, ack.cycle, ack.due_at) == (
        "ack_timeout",
        1,
        0,
        START + timedelta(minutes=10),
    )


def test_a_climb_of_an_acknowledged_escalation_sets_no_ack_timer(
    config: EscalationConfig,
) -> None:
    urgent = policy(config, "urgent")
    current = escalation(status="acknowledged")
    climb = plan_climb(config, urgent, current, Step(1, 0), now=START)

    rows = climb_rows(config, urgent, current, climb, before="{}", reason="sla", now=START)

    assert not any(isinstance(row, store.EscalationTimer) for row in rows)


def test_an_exhausted_policy_is_recorded_in_the_audit_log() -> None:
    (entry,) = exhausted_rows(escalation(), now=START)

    assert isinstance(entry, store.AuditEntry)
    assert entry.action == "policy_exhausted"


# --- reminders ----------------------------------------------------------------------------------


def test_a_reminder_pages_the_assignee_again_and_sets_the_next_one(
    config: EscalationConfig,
) -> None:
    current = escalation(status="acknowledged", assignee="bob")

    decision = reminder_decision(config, policy(config, "urgent"), current, now=START)

    assert decision == Remind(users=["bob"], next_due=START + timedelta(hours=1))


@pytest.mark.parametrize("status", ["open", "resolved"])
def test_a_reminder_of_an_escalation_that_is_not_acknowledged_does_nothing(
    config: EscalationConfig, status: str
) -> None:
    current = escalation(status=status)

    assert reminder_decision(config, policy(config, "urgent"), current, now=START) is None


def test_a_snoozed_escalation_moves_its_reminder_to_the_end_of_the_snooze(
    config: EscalationConfig,
) -> None:
    until = START + timedelta(hours=3)
    # As SQLite returns it: naive, in UTC.
    current = escalation(status="acknowledged", snoozed_until=until.replace(tzinfo=None))

    decision = reminder_decision(config, policy(config, "urgent"), current, now=START)

    assert decision == Snoozed(until=until)


def test_a_snooze_that_ended_no_longer_holds_the_reminder(config: EscalationConfig) -> None:
    current = escalation(status="acknowledged", snoozed_until=START - timedelta(minutes=1))

    decision = reminder_decision(config, policy(config, "urgent"), current, now=START)

    assert isinstance(decision, Remind)


def test_a_reminder_pages_nobody_when_the_assignee_is_not_a_configured_user(
    config: EscalationConfig,
) -> None:
    current = escalation(status="acknowledged", assignee="api-key:bot")

    decision = reminder_decision(config, None, current, now=START)

    assert decision == Remind(users=[], next_due=None)  # no policy: no next reminder


def test_a_reminders_rows_record_it_page_and_set_the_next(config: EscalationConfig) -> None:
    current = escalation(status="acknowledged")
    remind = Remind(users=["alice"], next_due=START + timedelta(hours=1))

    rows = reminder_rows(config, current, remind, now=START)

    entry, page, next_reminder = rows
    assert isinstance(entry, store.AuditEntry)
    assert entry.action == "reminder"
    assert isinstance(page, store.Notification)
    assert (page.user, page.reason) == ("alice", "reminder")
    assert page.idempotency_key == f"{current.id}:reminder:{START.isoformat()}:alice:0"
    assert isinstance(next_reminder, store.EscalationTimer)
    assert (next_reminder.kind, next_reminder.due_at) == ("reminder", START + timedelta(hours=1))


def test_a_reminder_nobody_can_receive_is_visible_not_dropped(config: EscalationConfig) -> None:
    rows = reminder_rows(
        config, escalation(status="acknowledged"), Remind(users=[], next_due=None), now=START
    )

    assert [row.action for row in rows if isinstance(row, store.AuditEntry)] == [
        "reminder",
        "page_skipped",
    ]
    assert not any(isinstance(row, store.Notification | store.EscalationTimer) for row in rows)


# --- SLA clocks ---------------------------------------------------------------------------------


def test_an_sla_clock_climbs_an_open_escalation(config: EscalationConfig) -> None:
    clock = timer("sla_at_risk", detail=FIRST_RESPONSE)

    action = sla_action(policy(config, "urgent"), escalation(), clock)

    assert action == SlaAction(reason="sla_at_risk:first_response_due", step=Step(1, 0))


def test_the_first_response_clock_stops_once_acknowledged(config: EscalationConfig) -> None:
    urgent = policy(config, "urgent")
    acknowledged = escalation(status="acknowledged")

    first_response = sla_action(urgent, acknowledged, timer("sla_breached", detail=FIRST_RESPONSE))
    resolution = sla_action(urgent, acknowledged, timer("sla_breached", detail="resolution_due"))

    assert first_response is None
    assert resolution == SlaAction(reason="sla_breached:resolution_due", step=Step(1, 0))


def test_no_sla_clock_matters_once_resolved(config: EscalationConfig) -> None:
    resolved = escalation(status="resolved")

    for detail in (FIRST_RESPONSE, "resolution_due"):
        clock = timer("sla_breached", detail=detail)
        assert sla_action(policy(config, "urgent"), resolved, clock) is None


def test_an_sla_clock_with_no_level_left_is_recorded_on_the_current_level(
    config: EscalationConfig,
) -> None:
    exhausted = escalation(level=1, cycle=1)

    action = sla_action(policy(config, "urgent"), exhausted, timer("sla_breached"))
    no_policy = sla_action(None, escalation(policy=None), timer("sla_at_risk"))

    assert action == SlaAction(reason="sla_breached", step=None)  # no detail: the kind alone
    assert no_policy == SlaAction(reason="sla_at_risk", step=None)
    rows = sla_escalated_rows(exhausted, reason="sla_breached", now=START)
    event, entry = rows
    assert isinstance(event, store.EscalationEventRow)
    assert json.loads(event.payload)["data"]["level"] == 1
    assert isinstance(entry, store.AuditEntry)
    assert (entry.action, entry.detail) == ("escalated", "sla_breached")


def test_an_sla_is_at_risk_its_lead_before_the_deadline_but_not_in_its_first_half() -> None:
    lead = timedelta(minutes=15)
    hours = START + timedelta(hours=4)
    minutes = START + timedelta(minutes=15)

    assert sla_at_risk_time(opened=START, due=hours, lead=lead) == hours - lead
    assert sla_at_risk_time(opened=START, due=minutes, lead=lead) == START + timedelta(
        minutes=7, seconds=30
    )


def triaged_data(**extra: Any) -> TicketTriagedData:
    return TicketTriagedData(
        ticket_id="ticket-1",
        channel="tests",
        category="harassment",
        severity="high",
        priority=Priority.P1,
        queue="trust-safety",
        reasons=[Reason(rule="test", detail="test")],
        rules_version="test",
        received_at=START,
        triaged_at=START,
        **extra,
    )


class WithSla(TicketTriagedData):
    sla: dict[str, datetime]


def test_sla_deadlines_come_from_the_event_and_ignore_naive_times() -> None:
    due = START + timedelta(hours=1)
    data = WithSla(
        **triaged_data().model_dump(),
        sla={"first_response_due": due, "resolution_due": due.replace(tzinfo=None)},
    )

    assert sla_deadlines(data) == [("first_response_due", due)]
    assert sla_deadlines(triaged_data()) == []  # older events carry none


def test_sla_clocks_are_set_per_deadline_except_one_already_past(
    config: EscalationConfig,
) -> None:
    current = escalation()
    deadlines = [
        ("first_response_due", START - timedelta(minutes=1)),  # "as soon as possible"
        ("resolution_due", START + timedelta(hours=4)),
    ]

    timers = sla_timers(current, deadlines, lead=timedelta(minutes=15), now=START)

    assert [
        (row.kind, row.detail, row.due_at)
        for row in timers
        if isinstance(row, store.EscalationTimer)
    ] == [
        ("sla_at_risk", "resolution_due", START + timedelta(hours=3, minutes=45)),
        ("sla_breached", "resolution_due", START + timedelta(hours=4)),
    ]


def test_the_audit_snapshot_names_the_fields_an_action_changes() -> None:
    until = START + timedelta(hours=1)

    assert json.loads(snapshot(escalation(status="acknowledged", snoozed_until=until))) == {
        "acknowledged_by": None,
        "assignee": "alice",
        "cycle": 0,
        "level": 0,
        "resolved_by": None,
        "snoozed_until": until.isoformat(),
        "status": "acknowledged",
    }
