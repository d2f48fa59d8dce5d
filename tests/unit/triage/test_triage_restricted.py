"""Restricted categories on triage's API: a ticket that ever was child_safety answers a key
outside the child-safety team exactly like a ticket that does not exist (404, same body),
cannot be overridden by it, and stays out of its rule simulations."""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.triage.overrides import OverrideRequestData, TicketNotFoundError, override_ticket
from shared.events import Priority, utcnow
from tests.support.helpers import RESPONDER_KEY, VIEWER_KEY, bearer
from tests.support.polling import wait_until
from tests.support.rules import default_document, dump
from tests.unit.triage.conftest import Triage

CHILD_SAFETY_KEY = "child-safety-key-for-tests"
CHILD_SAFETY_KEY_ENV = "VIGIL_UNIT_CHILD_SAFETY_KEY"

CHILD_SAFETY = bearer(CHILD_SAFETY_KEY)
RESPONDER = bearer(RESPONDER_KEY)
VIEWER = bearer(VIEWER_KEY)

GROOMING = {"title": "a stranger asked my 9 year old for pictures"}
REFUND = {"title": "refund please"}
MISSING = "no-such-ticket"


@pytest.fixture
def triage_config_dir(triage_config_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shared config plus a responder on the child-safety team; api_keys.yaml has no
    restricted_categories, so the default (child_safety -> child-safety) applies."""
    keys = triage_config_dir / "api_keys.yaml"
    keys.write_text(
        keys.read_text() + "  - name: carla-child-safety\n    role: responder\n"
        f"    teams: [child-safety]\n    key:\n      env: {CHILD_SAFETY_KEY_ENV}\n"
    )
    monkeypatch.setenv(CHILD_SAFETY_KEY_ENV, CHILD_SAFETY_KEY)
    return triage_config_dir


async def _decided(triage: Triage, report: dict[str, Any]) -> dict[str, Any]:
    """Send the report and wait for its decision, read with the child-safety key."""
    ticket_id = await triage.receive(report)

    async def probe() -> dict[str, Any] | None:
        response = await triage.client.get(f"/v1/tickets/{ticket_id}", headers=CHILD_SAFETY)
        if response.status_code == 404:
            return None
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    return await wait_until(probe, what=f"ticket {ticket_id} triaged")


def _without_instance(response: httpx.Response, *, ticket_id: str) -> dict[str, Any]:
    """The problem body with the requested id taken out of ``instance``: what must be the
    same for a hidden ticket and a missing one."""
    body: dict[str, Any] = response.json()
    body["instance"] = body.get("instance", "").replace(ticket_id, "{id}")
    return body


async def _same_404_as_missing(
    triage: Triage, method: str, path: str, *, ticket_id: str, **kwargs: Any
) -> httpx.Response:
    hidden = await triage.client.request(method, path.format(id=ticket_id), **kwargs)
    missing = await triage.client.request(method, path.format(id=MISSING), **kwargs)
    assert hidden.status_code == missing.status_code == 404, (hidden.text, missing.text)
    assert _without_instance(hidden, ticket_id=ticket_id) == _without_instance(
        missing, ticket_id=MISSING
    )
    assert hidden.headers["content-type"] == missing.headers["content-type"]
    return hidden


async def test_a_child_safety_ticket_is_a_missing_ticket_outside_its_team(triage: Triage) -> None:
    decision = await _decided(triage, GROOMING)
    ticket_id = decision["ticket_id"]
    assert decision["category"] == "child_safety"

    for key in (VIEWER, RESPONDER):
        for path in ("/v1/tickets/{id}", "/v1/tickets/{id}/overrides"):
            hidden = await _same_404_as_missing(
                triage, "GET", path, ticket_id=ticket_id, headers=key
            )
            assert "reasons" not in hidden.json()

    overrides = await triage.client.get(f"/v1/tickets/{ticket_id}/overrides", headers=CHILD_SAFETY)
    assert overrides.status_code == 200
    assert overrides.json() == {"items": []}


async def test_an_override_from_outside_the_team_is_404_and_changes_nothing(
    triage: Triage,
) -> None:
    before = await _decided(triage, GROOMING)
    ticket_id = before["ticket_id"]

    await _same_404_as_missing(
        triage,
        "POST",
        "/v1/tickets/{id}/override",
        ticket_id=ticket_id,
        headers=RESPONDER,
        json={"priority": "P3", "category": "other", "reason": "looks harmless"},
    )

    after = await triage.client.get(f"/v1/tickets/{ticket_id}", headers=CHILD_SAFETY)
    assert after.json() == before
    assert len(triage.triaged_events(ticket_id)) == 1, "no override event was emitted"
    audit = await triage.client.get(f"/v1/tickets/{ticket_id}/overrides", headers=CHILD_SAFETY)
    assert audit.json() == {"items": []}


async def test_the_team_may_override_and_the_ticket_stays_restricted_after(
    triage: Triage,
) -> None:
    ticket_id = (await _decided(triage, GROOMING))["ticket_id"]

    changed = await triage.client.post(
        f"/v1/tickets/{ticket_id}/override",
        json={"category": "other", "priority": "P3", "reason": "a parent's test message"},
        headers=CHILD_SAFETY,
    )

    assert changed.status_code == 200, changed.text
    assert changed.json()["ticket"]["category"] == "other"
    # Its first decision was child_safety: reclassifying it does not publish it.
    for path in ("/v1/tickets/{id}", "/v1/tickets/{id}/overrides"):
        await _same_404_as_missing(triage, "GET", path, ticket_id=ticket_id, headers=VIEWER)
    audit = await triage.client.get(f"/v1/tickets/{ticket_id}/overrides", headers=CHILD_SAFETY)
    assert [row["to_category"] for row in audit.json()["items"]] == ["other"]


async def test_a_ticket_overridden_into_child_safety_is_hidden_from_then_on(
    triage: Triage,
) -> None:
    ticket_id = (await _decided(triage, REFUND))["ticket_id"]
    assert (await triage.client.get(f"/v1/tickets/{ticket_id}", headers=VIEWER)).status_code == 200

    moved = await triage.client.post(
        f"/v1/tickets/{ticket_id}/override",
        json={"category": "child_safety", "reason": "the attachment shows a minor"},
        headers=RESPONDER,
    )

    assert moved.status_code == 200, moved.text
    await _same_404_as_missing(
        triage, "GET", "/v1/tickets/{id}", ticket_id=ticket_id, headers=VIEWER
    )
    seen = await triage.client.get(f"/v1/tickets/{ticket_id}", headers=CHILD_SAFETY)
    assert seen.json()["category"] == "child_safety"


async def test_simulate_leaves_restricted_tickets_out_for_keys_outside_the_team(
    triage: Triage,
) -> None:
    grooming = (await _decided(triage, GROOMING))["ticket_id"]
    await _decided(triage, REFUND)
    request = {"rules": dump(default_document()), "last": 10}

    outside = await triage.client.post("/v1/rules/simulate", json=request, headers=VIEWER)
    inside = await triage.client.post("/v1/rules/simulate", json=request, headers=CHILD_SAFETY)

    assert outside.status_code == inside.status_code == 200
    assert (outside.json()["tickets"], outside.json()["withheld_restricted"]) == (1, 1)
    assert "child_safety" not in outside.json()["categories"]
    assert grooming not in outside.text
    assert (inside.json()["tickets"], inside.json()["withheld_restricted"]) == (2, 0)
    assert inside.json()["categories"]["child_safety"]["current"] == 1
    assert outside.json()["categories"]["payments_billing"]["current"] == 1


async def test_simulate_withholds_a_ticket_the_proposed_rules_would_restrict(
    triage: Triage,
) -> None:
    refund = (await _decided(triage, REFUND))["ticket_id"]
    proposed = default_document()
    for rule in proposed["rules"]:
        if rule["name"] == "support.payments_billing":
            rule["then"]["category"] = "child_safety"
    request = {"rules": dump(proposed), "last": 10}

    outside = await triage.client.post("/v1/rules/simulate", json=request, headers=VIEWER)
    inside = await triage.client.post("/v1/rules/simulate", json=request, headers=CHILD_SAFETY)

    assert outside.status_code == inside.status_code == 200
    assert outside.json()["changes"] == []
    assert (outside.json()["tickets"], outside.json()["withheld_restricted"]) == (0, 1)
    assert refund not in outside.text
    assert [change["ticket_id"] for change in inside.json()["changes"]] == [refund]
    assert inside.json()["changes"][0]["to"]["category"] == "child_safety"


async def test_the_override_judges_visibility_again_under_the_tickets_lock(
    triage: Triage,
) -> None:
    """What the route checked before the lock may have changed by the time the override
    holds it (a reclassification into a restricted category): the flow asks again."""
    decided = await _decided(triage, REFUND)
    state = triage.app.state.vigil
    change = OverrideRequestData(reason="checked", actor="rita", priority=Priority.P2)
    judged: list[list[str]] = []

    def may_see(categories: Sequence[str]) -> bool:
        judged.append(list(categories))
        return False  # reclassified into a restricted category since the route's check

    async with state.db.session() as session:
        with pytest.raises(TicketNotFoundError):
            await override_ticket(
                session,
                ticket_id=decided["ticket_id"],
                change=change,
                ruleset=state.rules.active.ruleset,
                now=utcnow(),
                may_see=may_see,
            )
    assert judged == [[decided["category"]]]
    after = await triage.client.get(f"/v1/tickets/{decided['ticket_id']}", headers=VIEWER)
    assert after.json()["priority"] == decided["priority"]  # nothing changed
