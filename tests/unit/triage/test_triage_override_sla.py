"""An override keeps the clocks a decision carried by rule and statutory clocks: the pure
rule (which policies survive a change) and the override API."""

from datetime import UTC, datetime, timedelta
from typing import Any

from services.triage.deadlines import carried_sla_policies, sla_after_change
from services.triage.rules import RuleSet, parse_rules
from shared.events import Priority
from tests.support.helpers import RESPONDER_KEY, bearer
from tests.support.rules import default_document, dump
from tests.unit.triage.conftest import ADMIN_KEY, Triage

RECEIVED = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # a Monday, within support hours


def _document() -> dict[str, Any]:
    document = default_document()
    document["sla"]["policies"]["bug-triage"] = {"first_response": "2h", "resolution": "2d"}
    document["sla"]["by_category"]["bug"] = "bug-triage"
    document["rules"].insert(
        0,
        {
            "name": "customer.vip",
            "when": {"metadata": {"tier": ["vip"]}},
            "then": {"sla_policy": "p1-urgent", "tags": ["vip"]},
        },
    )
    return document


def _rules() -> RuleSet:
    return parse_rules(dump(_document()), source="test")


def _carried(policies: list[str], *, priority: str, category: str, to: str) -> list[str]:
    return carried_sla_policies(
        _rules(),
        policies=policies,
        previous_priority=Priority(priority),
        previous_category=category,
        category=to,
    )


def test_the_previous_priority_clock_goes_and_a_rule_policy_stays() -> None:
    assert _carried(
        ["p3-support", "p1-urgent"], priority="P3", category="payments_billing", to="bug"
    ) == ["p1-urgent"]


def test_a_statutory_clock_of_the_previous_category_stays_when_the_category_changes() -> None:
    assert _carried(
        ["p2-standard", "statutory-illegal-content"],
        priority="P2",
        category="illegal_content",
        to="intellectual_property",
    ) == ["statutory-illegal-content"]


def test_a_plain_clock_of_the_previous_category_goes_when_the_category_changes() -> None:
    policies = ["p3-support", "bug-triage"]
    assert _carried(policies, priority="P3", category="bug", to="other") == []
    assert _carried(policies, priority="P3", category="bug", to="bug") == ["bug-triage"]


def test_policies_the_active_rules_no_longer_define_are_dropped() -> None:
    assert _carried(["p3-support", "retired"], priority="P3", category="other", to="other") == []


def test_after_a_downgrade_the_stricter_rule_clock_still_wins() -> None:
    sla = sla_after_change(
        _rules(),
        policies=["p3-support", "p1-urgent"],
        previous_priority=Priority.P3,
        previous_category="payments_billing",
        priority=Priority.P4,
        category="payments_billing",
        start=RECEIVED,
    )

    assert sla.policies == ("p4-backlog", "p1-urgent")
    assert sla.first_response_due == RECEIVED + timedelta(hours=1)
    assert sla.resolution_due == RECEIVED + timedelta(hours=24)


def test_a_new_category_brings_its_own_clock_and_a_notice_keeps_its_statutory_one() -> None:
    sla = sla_after_change(
        _rules(),
        policies=["p2-standard", "statutory-illegal-content"],
        previous_priority=Priority.P2,
        previous_category="illegal_content",
        priority=Priority.P3,
        category="bug",
        start=RECEIVED,
    )

    assert sla.policies == ("p3-support", "bug-triage", "statutory-illegal-content")
    assert sla.first_response_due == RECEIVED + timedelta(hours=2)  # bug-triage
    assert sla.resolution_due == RECEIVED + timedelta(hours=24)  # the statutory clock


# --- API --------------------------------------------------------------------------------


async def _use_rules(triage: Triage) -> None:
    response = await triage.client.put(
        "/v1/rules",
        content=dump(_document()),
        headers={**bearer(ADMIN_KEY), "Content-Type": "application/yaml"},
    )
    assert response.status_code == 200, response.text


async def _override(triage: Triage, ticket: str, **change: str) -> dict[str, Any]:
    response = await triage.client.post(
        f"/v1/tickets/{ticket}/override",
        json={"reason": "checked by a person", **change},
        headers=bearer(RESPONDER_KEY),
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()["ticket"]
    return body


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


async def test_an_override_keeps_the_rules_sla_policy(triage: Triage) -> None:
    await _use_rules(triage)
    ticket = await triage.receive({"title": "refund please", "metadata": {"tier": "vip"}})
    decided = await triage.decision(ticket)
    assert decided["priority"] == "P3"
    assert decided["sla_policies"] == ["p3-support", "p1-urgent"]

    after = await _override(triage, ticket, priority="P4")

    received = _at(decided["received_at"])
    assert after["sla_policies"] == ["p4-backlog", "p1-urgent"]
    assert _at(after["first_response_due"]) == received + timedelta(hours=1)
    assert _at(after["resolution_due"]) == received + timedelta(hours=24)
    [_, event] = triage.triaged_events(ticket)
    assert event.data.sla_policies == ["p4-backlog", "p1-urgent"]
    assert event.data.resolution_due == received + timedelta(hours=24)


async def test_a_notice_moved_to_another_category_keeps_its_statutory_clock(
    triage: Triage,
) -> None:
    await _use_rules(triage)
    ticket = await triage.receive(
        {"title": "notice", "metadata": {"notice_type": "illegal_content"}}
    )
    decided = await triage.decision(ticket)
    assert decided["category"] == "illegal_content"
    assert "statutory-illegal-content" in decided["sla_policies"]

    after = await _override(triage, ticket, category="bug", priority="P3")

    received = _at(decided["received_at"])
    assert after["sla_policies"] == ["p3-support", "bug-triage", "statutory-illegal-content"]
    assert _at(after["first_response_due"]) == received + timedelta(hours=2)
    assert _at(after["resolution_due"]) == received + timedelta(hours=24)
