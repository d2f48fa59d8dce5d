"""POST /v1/rules/simulate says how many tickets it could not replay, and why: tickets
triaged before triage kept the report text have none to decide again."""

from datetime import timedelta

from services.triage import store
from services.triage.simulate import skipped_note
from shared.events import utcnow
from tests.support.helpers import VIEWER_KEY, bearer
from tests.support.rules import default_document, dump
from tests.unit.triage.conftest import Triage


def _old_ticket(ticket_id: str, *, minutes_ago: int) -> store.TriagedTicket:
    received = utcnow() - timedelta(minutes=minutes_ago)
    return store.TriagedTicket(
        ticket_id=ticket_id,
        channel="legacy",
        category="other",
        severity="low",
        priority="P3",
        queue="support-general",
        reasons=[],
        rules_version="old",
        received_at=received,
        triaged_at=received,
        triaged_event="{}",
        report=None,
    )


def test_the_note_names_the_count_and_the_cause() -> None:
    assert skipped_note(skipped=0, considered=10) is None
    note = skipped_note(skipped=2, considered=10)
    assert note is not None
    assert note.startswith("2 of the 10 most recent tickets were skipped")
    assert "before triage kept the report text" in note


async def test_simulate_counts_the_tickets_without_report_text(triage: Triage) -> None:
    kept = await triage.receive({"title": "refund please"})
    await triage.decision(kept)
    state = triage.app.state.vigil
    async with state.db.session() as session:
        session.add_all([_old_ticket("old-1", minutes_ago=5), _old_ticket("old-2", minutes_ago=6)])
        await session.commit()

    response = await triage.client.post(
        "/v1/rules/simulate",
        json={"rules": dump(default_document()), "last": 10},
        headers=bearer(VIEWER_KEY),
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["tickets"] == 1
    assert body["skipped_without_report"] == 2
    assert body["note"].startswith("2 of the 3 most recent tickets were skipped")


async def test_simulate_has_no_note_when_every_ticket_was_replayed(triage: Triage) -> None:
    ticket = await triage.receive({"title": "refund please"})
    await triage.decision(ticket)

    response = await triage.client.post(
        "/v1/rules/simulate",
        json={"rules": dump(default_document()), "last": 5},
        headers=bearer(VIEWER_KEY),
    )

    body = response.json()
    assert body["tickets"] == 1
    assert body["skipped_without_report"] == 0
    assert body["note"] is None
