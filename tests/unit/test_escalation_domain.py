"""Escalation's pure state machine and who gets an escalation."""

import pytest

from services.escalation.domain import (
    Action,
    IllegalTransitionError,
    needs_escalation,
    transition,
)
from shared.events import EscalationStatus, Priority


@pytest.mark.parametrize(
    ("status", "action", "new_status"),
    [
        ("open", "ack", "acknowledged"),
        ("open", "resolve", "resolved"),
        ("acknowledged", "resolve", "resolved"),
    ],
)
def test_legal_transitions_change_the_status(
    status: EscalationStatus, action: Action, new_status: EscalationStatus
) -> None:
    step = transition(status, action)

    assert step.new_status == new_status
    assert step.changed is True


@pytest.mark.parametrize(
    ("status", "action"),
    [("acknowledged", "ack"), ("resolved", "resolve")],
)
def test_repeating_the_last_action_is_an_idempotent_no_op(
    status: EscalationStatus, action: Action
) -> None:
    step = transition(status, action)

    assert step.new_status == status
    assert step.changed is False


def test_ack_after_resolve_is_illegal() -> None:
    with pytest.raises(IllegalTransitionError, match="cannot ack an escalation that is resolved"):
        transition("resolved", "ack")


def test_illegal_transition_error_carries_status_and_action() -> None:
    with pytest.raises(IllegalTransitionError) as caught:
        transition("resolved", "ack")

    assert caught.value.status == "resolved"
    assert caught.value.action == "ack"


def test_full_lifecycle_open_ack_resolve() -> None:
    status: EscalationStatus = "open"
    history = [status]
    for action in ("ack", "ack", "resolve", "resolve"):
        status = transition(status, action).new_status
        history.append(status)

    assert history == ["open", "acknowledged", "acknowledged", "resolved", "resolved"]


@pytest.mark.parametrize("priority", [Priority.P0, Priority.P1])
def test_p0_and_p1_escalate(priority: Priority) -> None:
    assert needs_escalation(priority) is True


@pytest.mark.parametrize("priority", [Priority.P2, Priority.P3, Priority.P4])
def test_p2_to_p4_do_not_escalate(priority: Priority) -> None:
    assert needs_escalation(priority) is False


def test_every_priority_is_decided() -> None:
    assert {p for p in Priority if needs_escalation(p)} == {Priority.P0, Priority.P1}
