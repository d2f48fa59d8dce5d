"""What each event counts and measures, gauges of current state, and timelines."""

from datetime import timedelta

import pytest

from services.metrics.domain import (
    CounterIncrement,
    EscalationGauges,
    OpenEscalation,
    decode_labels,
    encode_labels,
    escalation_gauges,
    facts_of,
    increments_for,
    observation_for,
)
from services.metrics.timeline import TimelineEvent, milestone_durations, timeline
from shared.events import Priority
from tests.support.metrics_events import T0, escalation, received, triaged


def counters(event: object) -> set[CounterIncrement]:
    return set(increments_for(facts_of(event)))  # type: ignore[arg-type]


def test_a_received_ticket_counts_per_channel() -> None:
    assert CounterIncrement("tickets_received", ("email",)) in counters(
        received("t1", channel="email")
    )


def test_a_triage_decision_counts_and_measures_time_to_triage() -> None:
    facts = facts_of(triaged("t1", seconds=3.5, priority=Priority.P1, category="account"))
    assert CounterIncrement("tickets_triaged", ("account", "P1")) in increments_for(facts)
    observation = observation_for(facts)
    assert observation is not None
    assert (observation.histogram, observation.labels, observation.seconds) == (
        "time_to_triage",
        ("P1",),
        3.5,
    )


def test_an_override_counts_from_and_to_and_is_not_a_second_triage() -> None:
    event = triaged(
        "t1",
        category="spam",
        priority=Priority.P3,
        override={
            "by": "alice",
            "reason": "not a threat, a quote from a film",
            "at": T0,
            "previous": {
                "category": "violence",
                "severity": "critical",
                "priority": "P0",
                "queue": "safety",
            },
        },
    )
    facts = facts_of(event)
    found = increments_for(facts)
    assert CounterIncrement("overrides", ("violence", "spam", "P0", "P3")) in found
    assert not any(item.counter == "tickets_triaged" for item in found)
    assert observation_for(facts) is None
    assert "alice" not in str(facts.labels), "who overrode is personal: never a label"
    assert "film" not in str(facts.labels), "free text is unbounded: never a label"


def test_a_surge_revision_counts_as_a_revision_not_a_second_triage() -> None:
    event = triaged(
        "t1",
        seconds=900,
        category="harassment",
        priority=Priority.P1,
        revision={
            "kind": "surge",
            "reason": "5 reports about this subject within 1h",
            "at": T0,
            "previous": {
                "category": "harassment",
                "severity": "medium",
                "priority": "P3",
                "queue": "trust-safety",
            },
            "group_key": "account:alice",
            "group_count": 5,
            "trigger_ticket_id": "t9",
        },
    )
    facts = facts_of(event)
    found = increments_for(facts)

    assert CounterIncrement("triage_revisions", ("surge", "P3", "P1")) in found
    assert not any(item.counter in ("tickets_triaged", "overrides") for item in found)
    assert observation_for(facts) is None, "time to triage is the first decision's"
    assert "alice" not in str(facts.labels), "group keys are unbounded: never a label"
    steps = timeline([TimelineEvent(type=event.type, at=T0, labels=facts.labels)])
    assert steps[0].step == "re-triaged (surge)"


def test_an_override_carrying_an_older_revision_counts_as_the_override() -> None:
    previous = {"category": "harassment", "severity": "medium", "queue": "trust-safety"}
    event = triaged(
        "t1",
        category="harassment",
        priority=Priority.P4,
        override={
            "by": "bob",
            "reason": "spam",
            "at": T0,
            "previous": previous | {"priority": "P2"},
        },
        revision={
            "kind": "surge",
            "reason": "surge",
            "at": T0,
            "previous": previous | {"priority": "P3"},
        },
    )

    found = increments_for(facts_of(event))

    assert CounterIncrement("overrides", ("harassment", "harassment", "P2", "P4")) in found
    assert not any(item.counter == "triage_revisions" for item in found)


def test_escalation_steps_count_with_their_level_and_measure_durations() -> None:
    assert CounterIncrement("escalations_escalated", ("P0", "2")) in counters(
        escalation("escalated", "t1", seconds=600, level=2, reason="ack_timeout")
    )
    assert CounterIncrement("escalations_notified", ("P0", "1")) in counters(
        escalation("notified", "t1", seconds=5, level=1)
    )
    acknowledged = facts_of(escalation("acknowledged", "t1", seconds=120))
    resolved = facts_of(escalation("resolved", "t1", seconds=3600))
    assert observation_for(acknowledged).seconds == 120  # type: ignore[union-attr]
    assert observation_for(resolved).histogram == "time_to_resolve"  # type: ignore[union-attr]


def test_an_escalation_without_received_at_counts_but_measures_nothing() -> None:
    facts = facts_of(escalation("acknowledged", "t1", seconds=120, received_at=None))
    assert CounterIncrement("escalations_acknowledged", ("P0",)) in increments_for(facts)
    assert observation_for(facts) is None


def test_a_trend_escalation_counts_but_is_no_tickets_response_time() -> None:
    facts = facts_of(escalation("acknowledged", "trend-1", seconds=120, trend_id="trend-1"))
    assert CounterIncrement("escalations_acknowledged", ("P0",)) in increments_for(facts)
    assert observation_for(facts) is None


@pytest.mark.parametrize(
    ("reason", "counter"),
    [("sla_at_risk", "sla_at_risk"), ("sla_breached", "sla_breaches")],
)
def test_sla_reasons_count(reason: str, counter: str) -> None:
    found = counters(escalation("escalated", "t1", seconds=60, level=2, reason=reason))
    assert CounterIncrement(counter, ("P0",)) in found


@pytest.mark.parametrize("outcome", ["delivered", "failed"])
def test_notification_outcomes_count(outcome: str) -> None:
    found = counters(escalation("notified", "t1", seconds=1, level=1, reason=outcome))
    assert CounterIncrement("notifications", (outcome, "P0")) in found


def test_people_never_become_labels() -> None:
    facts = facts_of(escalation("notified", "t1", seconds=1, target="alice@example.com"))
    assert "alice@example.com" not in (encode_labels(facts.labels) or "")
    assert decode_labels(encode_labels(facts.labels)) == dict(facts.labels)


def test_gauges_count_open_work_and_the_oldest_unacknowledged() -> None:
    now = T0 + timedelta(minutes=30)
    gauges = escalation_gauges(
        [
            OpenEscalation("P0", "safety", "open", T0, sla_at_risk=True),
            OpenEscalation("P0", "safety", "open", T0 + timedelta(minutes=20)),
            OpenEscalation("P0", "safety", "acknowledged", T0 - timedelta(hours=5)),
            OpenEscalation("P1", "account", "open", T0 + timedelta(minutes=25)),
        ],
        now=now,
    )
    assert gauges == EscalationGauges(
        open_by_priority_queue={
            ("P0", "safety", "open"): 2,
            ("P0", "safety", "acknowledged"): 1,
            ("P1", "account", "open"): 1,
        },
        oldest_unacknowledged_seconds={"P0": 1800.0, "P1": 300.0},
        sla_at_risk_by_priority={"P0": 1},
    )


def test_timeline_names_steps_and_measures_between_them() -> None:
    events = [
        TimelineEvent("vigil.escalation.acknowledged.v1", T0 + timedelta(seconds=300)),
        TimelineEvent("vigil.ticket.received.v1", T0),
        TimelineEvent("vigil.ticket.triaged.v1", T0 + timedelta(seconds=2), priority="P0"),
        TimelineEvent("vigil.escalation.opened.v1", T0 + timedelta(seconds=3)),
        TimelineEvent(
            "vigil.escalation.notified.v1", T0 + timedelta(seconds=4), labels={"level": "1"}
        ),
        TimelineEvent(
            "vigil.ticket.triaged.v1", T0 + timedelta(seconds=200), labels={"override": "true"}
        ),
        TimelineEvent("vigil.escalation.escalated.v1", T0 + timedelta(seconds=250)),
        TimelineEvent("vigil.escalation.resolved.v1", T0 + timedelta(seconds=900)),
    ]
    steps = timeline(events)
    assert [step.step for step in steps] == [
        "received",
        "triaged",
        "escalation opened",
        "notified",
        "overridden",
        "escalated",
        "acknowledged",
        "resolved",
    ]
    assert steps[0].seconds_since_previous is None
    assert steps[-1].seconds_since_previous == 600
    assert steps[3].details == {"level": "1"}
    assert milestone_durations(steps) == {
        "to_triage": 2,
        "to_escalation": 3,
        "to_acknowledge": 300,
        "to_resolve": 900,
    }
