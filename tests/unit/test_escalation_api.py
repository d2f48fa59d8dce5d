"""The escalation API over ASGI: the auth matrix, restricted categories, filters and cursor
pagination, ack / resolve / reassign / snooze / notes, on-call lookups and the audit log."""

import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families

from services.escalation import store
from services.escalation.main import create_app
from services.escalation.opening import open_for_ticket
from services.escalation.settings import EscalationSettings
from services.escalation.state import EscalationState
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
from shared.topics import TICKETS_TRIAGED, TRENDS
from shared.tracing import new_traceparent
from tests.support.escalation import (
    WEBHOOK_SECRET,
    WEBHOOK_SECRET_ENV,
    FakeClock,
    write_escalation_config,
)
from tests.support.helpers import PROBLEM_JSON, bearer
from tests.support.polling import wait_until

KEYS = {
    "viewer": "k-viewer",
    "responder": "k-responder",
    "admin": "k-admin",
    "child": "k-child-safety",
    "bot": "k-bot",
}

API_KEYS = """\
api_keys:
  - {name: victor, role: viewer, key: {env: VIGIL_T_VIEWER}}
  - {name: alice, role: responder, key: {env: VIGIL_T_RESPONDER}}
  - {name: ada, role: admin, key: {env: VIGIL_T_ADMIN}}
  - {name: carla, role: responder, teams: [child-safety], key: {env: VIGIL_T_CHILD}}
  - {name: pager-bot, role: responder, bot: true, key: {env: VIGIL_T_BOT}}
"""


@dataclass
class Api:
    client: httpx.AsyncClient
    state: EscalationState
    clock: FakeClock

    async def open(
        self, *, category: str = "harassment", priority: Priority = Priority.P1, queue: str = "q"
    ) -> str:
        ticket_id = str(uuid.uuid4())
        event = TicketTriagedV1(
            source="/tests",
            subject=ticket_id,
            data=TicketTriagedData(
                ticket_id=ticket_id,
                channel="tests",
                category=category,
                severity="high",
                priority=priority,
                queue=queue,
                reasons=[Reason(rule="t", detail="t")],
                rules_version="t",
                received_at=self.clock(),
                triaged_at=self.clock(),
            ),
        )
        assert self.state.db is not None
        escalation = await open_for_ticket(
            self.state.db, event, config=self.state.config, now=self.clock()
        )
        self.clock.advance(timedelta(seconds=1))
        return escalation.id

    async def call(self, method: str, path: str, who: str | None, **kwargs: Any) -> httpx.Response:
        headers = bearer(KEYS[who]) if who else {}
        return await self.client.request(method, path, headers=headers, **kwargs)


@pytest.fixture
async def api(
    tmp_path: Path, settings_kwargs: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Api]:
    config_dir = settings_kwargs["config_dir"]
    (config_dir / "api_keys.yaml").write_text(API_KEYS)
    for who, env in (
        ("viewer", "VIGIL_T_VIEWER"),
        ("responder", "VIGIL_T_RESPONDER"),
        ("admin", "VIGIL_T_ADMIN"),
        ("child", "VIGIL_T_CHILD"),
        ("bot", "VIGIL_T_BOT"),
    ):
        monkeypatch.setenv(env, KEYS[who])
    monkeypatch.setenv(WEBHOOK_SECRET_ENV, WEBHOOK_SECRET)
    write_escalation_config(config_dir)
    clock = FakeClock()
    app: FastAPI = create_app(
        EscalationSettings(**settings_kwargs, timer_interval_seconds=3600), clock=clock
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://escalation") as client:
            yield Api(client=client, state=app.state.vigil, clock=clock)


# --- the auth matrix ----------------------------------------------------------------------

ROUTES: list[tuple[str, str, str, dict[str, Any]]] = [
    ("GET", "/v1/escalations", "viewer", {}),
    ("GET", "/v1/escalations/{id}", "viewer", {}),
    ("POST", "/v1/escalations/{id}/notes", "responder", {"json": {"text": "n"}}),
    ("POST", "/v1/escalations/{id}/reassign", "responder", {"json": {"to": "bob"}}),
    ("POST", "/v1/escalations/{id}/ack", "responder", {}),
    ("POST", "/v1/escalations/{id}/snooze", "responder", {"json": {"minutes": 30}}),
    ("POST", "/v1/escalations/{id}/resolve", "responder", {}),
    ("GET", "/v1/oncall?schedule=primary", "viewer", {}),
    ("GET", "/v1/audit", "admin", {}),
]
RANK = {"viewer": 0, "responder": 1, "admin": 2}


async def test_the_auth_matrix(api: Api) -> None:
    escalation_id = await api.open()
    results: dict[tuple[str, str], dict[str, int]] = {}
    for method, template, minimum, kwargs in ROUTES:
        path = template.format(id=escalation_id)
        row: dict[str, int] = {}
        for who in (None, "viewer", "responder", "admin"):
            response = await api.call(method, path, who, **kwargs)
            row[who or "none"] = response.status_code
            if who is None:
                assert response.status_code == 401, (path, response.text)
                assert response.headers["content-type"] == PROBLEM_JSON
                assert response.headers["www-authenticate"] == "Bearer"
            elif RANK[who] < RANK[minimum]:
                assert response.status_code == 403, (path, who, response.text)
            else:
                assert response.status_code in (200, 201), (path, who, response.text)
        results[(method, template)] = row
    assert len(results) == len(ROUTES)


async def test_a_wrong_key_is_401(api: Api) -> None:
    response = await api.client.get("/v1/escalations", headers=bearer("not-a-key"))

    assert response.status_code == 401


async def test_health_needs_no_credentials(api: Api) -> None:
    assert (await api.client.get("/healthz")).status_code == 200


# --- restricted categories ----------------------------------------------------------------


def _comparable(response: httpx.Response, *, escalation_id: str) -> dict[str, Any]:
    """The problem body with the requested id taken out of ``instance``."""
    body: dict[str, Any] = response.json()
    body["instance"] = body.get("instance", "").replace(escalation_id, "{id}")
    return body


HIDDEN_ROUTES: list[tuple[str, str, str, dict[str, Any]]] = [
    ("GET", "", "viewer", {}),
    ("POST", "/ack", "responder", {}),
    ("POST", "/resolve", "responder", {}),
    ("POST", "/reassign", "responder", {"json": {"to": "bob"}}),
    ("POST", "/snooze", "responder", {"json": {"minutes": 30}}),
    ("POST", "/notes", "responder", {"json": {"text": "n"}}),
]


async def test_child_safety_is_invisible_outside_its_team(api: Api) -> None:
    hidden = await api.open(category="child_safety", priority=Priority.P0)
    await api.open()
    missing = "no-such-escalation"

    for method, suffix, minimum, kwargs in HIDDEN_ROUTES:
        for who in [w for w in ("viewer", "responder", "admin") if RANK[w] >= RANK[minimum]]:
            seen = await api.call(method, f"/v1/escalations/{hidden}{suffix}", who, **kwargs)
            absent = await api.call(method, f"/v1/escalations/{missing}{suffix}", who, **kwargs)
            assert seen.status_code == absent.status_code == 404, (suffix, who, seen.text)
            assert _comparable(seen, escalation_id=hidden) == _comparable(
                absent, escalation_id=missing
            )
    for who in ("viewer", "responder", "admin"):
        listed = (await api.call("GET", "/v1/escalations", who)).json()["items"]
        assert hidden not in [item["id"] for item in listed]
        assert len(listed) == 1
    audit = (await api.call("GET", "/v1/audit", "admin")).json()["items"]
    assert hidden not in [entry["escalation_id"] for entry in audit]
    untouched = (await api.call("GET", f"/v1/escalations/{hidden}", "child")).json()
    assert untouched["status"] == "open"
    assert untouched["snoozed_until"] is None
    assert [entry["type"].split(".")[2] for entry in untouched["timeline"]] == ["opened"]
    assert not {"note", "reassign"} & {entry["action"] for entry in untouched["activity"]}

    seen = await api.call("GET", f"/v1/escalations/{hidden}", "child")
    assert seen.status_code == 200
    acked = await api.call("POST", f"/v1/escalations/{hidden}/ack", "child")
    assert acked.status_code == 200
    listed = (await api.call("GET", "/v1/escalations", "child")).json()["items"]
    assert hidden in [item["id"] for item in listed]


async def test_a_ticket_reclassified_into_child_safety_hides_its_escalation(api: Api) -> None:
    escalation_id = await api.open(category="harassment", priority=Priority.P1)
    assert api.state.db is not None
    async with api.state.db.session() as session:
        escalation = await store.get_escalation(session, escalation_id)
    assert escalation is not None
    path = f"/v1/escalations/{escalation_id}"
    assert (await api.call("GET", path, "viewer")).status_code == 200
    reclassified = TicketTriagedV1(
        source="/vigil/triage",
        subject=escalation.ticket_id,
        data=TicketTriagedData(
            ticket_id=escalation.ticket_id,
            channel="tests",
            category="child_safety",
            severity="critical",
            priority=Priority.P0,
            queue="safety-child",
            reasons=[Reason(rule="override", detail="manual")],
            rules_version="t",
            received_at=api.clock(),
            triaged_at=api.clock(),
            override=TriageOverride(
                by="alice",
                reason="the photos show a minor",
                at=api.clock(),
                previous=TriageOverrideFrom(
                    category="harassment", severity="high", priority=Priority.P1, queue="q"
                ),
            ),
        ),
    )

    await _publish(api, TICKETS_TRIAGED, reclassified)

    async def hidden() -> httpx.Response | None:
        response = await api.call("GET", path, "viewer")
        return response if response.status_code == 404 else None

    seen = await wait_until(hidden, what="the escalation hidden from the viewer")
    absent = await api.call("GET", "/v1/escalations/no-such-escalation", "viewer")
    assert _comparable(seen, escalation_id=escalation_id) == _comparable(
        absent, escalation_id="no-such-escalation"
    )
    for who in ("viewer", "admin"):
        listed = (await api.call("GET", "/v1/escalations", who)).json()["items"]
        assert escalation_id not in [item["id"] for item in listed]
    audit = (await api.call("GET", "/v1/audit", "admin")).json()["items"]
    assert escalation_id not in [entry["escalation_id"] for entry in audit]
    acked = await api.call("POST", f"{path}/ack", "responder")
    assert acked.status_code == 404
    assert (await api.call("GET", path, "child")).json()["status"] == "open"
    listed = (await api.call("GET", "/v1/escalations", "child")).json()["items"]
    assert escalation_id in [item["id"] for item in listed]


# --- listing -------------------------------------------------------------------------------


async def test_filters_and_cursor_pagination(api: Api) -> None:
    ids = [await api.open(queue="billing" if n % 2 else "safety") for n in range(5)]
    await api.call("POST", f"/v1/escalations/{ids[0]}/ack", "responder")

    seen: list[str] = []
    cursor: str | None = None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await api.call("GET", "/v1/escalations", "viewer", params=params)).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(ids)), "newest first, each exactly once"

    billing = await api.call("GET", "/v1/escalations", "viewer", params={"queue": "billing"})
    assert {item["id"] for item in billing.json()["items"]} == {ids[1], ids[3]}
    acked = await api.call("GET", "/v1/escalations", "viewer", params={"status": "acknowledged"})
    assert [item["id"] for item in acked.json()["items"]] == [ids[0]]
    await api.call("POST", f"/v1/escalations/{ids[2]}/reassign", "responder", json={"to": "bob"})
    bobs = await api.call("GET", "/v1/escalations", "viewer", params={"assignee": "bob"})
    assert [item["id"] for item in bobs.json()["items"]] == [ids[2]]
    p1 = await api.call("GET", "/v1/escalations", "viewer", params={"priority": "P1"})
    assert len(p1.json()["items"]) == 5
    bad = await api.call("GET", "/v1/escalations", "viewer", params={"cursor": "???"})
    assert bad.status_code == 400


# --- actions -------------------------------------------------------------------------------


async def test_page_ack_hand_over_and_resolve_through_the_api(api: Api) -> None:
    escalation_id = await api.open()
    base = f"/v1/escalations/{escalation_id}"

    acked = await api.call("POST", f"{base}/ack", "responder")
    assert acked.json()["assignee"] == "alice"
    handed = await api.call("POST", f"{base}/reassign", "responder", json={"to": "bob"})
    assert handed.status_code == 200
    assert (handed.json()["status"], handed.json()["assignee"]) == ("acknowledged", "bob")
    again = await api.call("POST", f"{base}/reassign", "responder", json={"to": "bob"})
    assert again.status_code == 200
    unknown = await api.call("POST", f"{base}/reassign", "responder", json={"to": "nobody"})
    assert unknown.status_code == 422
    snoozed = await api.call("POST", f"{base}/snooze", "responder", json={"minutes": 30})
    assert snoozed.status_code == 200
    assert snoozed.json()["snoozed_until"] is not None
    too_long = await api.call("POST", f"{base}/snooze", "responder", json={"minutes": 100000})
    assert too_long.status_code == 422
    resolved = await api.call("POST", f"{base}/resolve", "responder")
    assert resolved.json()["status"] == "resolved"

    late = await api.call("POST", f"{base}/reassign", "responder", json={"to": "alice"})
    assert late.status_code == 409
    assert late.json()["current_status"] == "resolved"
    assert (
        await api.call("POST", f"{base}/snooze", "responder", json={"minutes": 5})
    ).status_code == 409
    assert (await api.call("POST", f"{base}/ack", "responder")).status_code == 409

    detail = (await api.call("GET", base, "viewer")).json()
    assert [entry["type"].split(".")[2] for entry in detail["timeline"]] == [
        "opened",
        "acknowledged",
        "escalated",
        "resolved",
    ]
    assert detail["timeline"][2]["reason"] == "reassigned"
    actions = [entry["action"] for entry in detail["activity"]]
    assert actions == ["opened", "ack", "reassign", "snooze", "resolve"]
    reassign = detail["activity"][2]
    assert (reassign["before"]["assignee"], reassign["after"]["assignee"]) == ("alice", "bob")
    assert ("bob", "reassigned") in [(n["user"], n["reason"]) for n in detail["notifications"]]


async def test_snooze_of_an_open_escalation_is_409(api: Api) -> None:
    escalation_id = await api.open()

    response = await api.call(
        "POST", f"/v1/escalations/{escalation_id}/snooze", "responder", json={"minutes": 5}
    )

    assert response.status_code == 409
    assert response.json()["current_status"] == "open"


async def test_a_bot_cannot_ack_a_person_ack_policy(api: Api) -> None:
    escalation_id = await api.open(category="threat_to_life", priority=Priority.P0)

    by_bot = await api.call("POST", f"/v1/escalations/{escalation_id}/ack", "bot")
    by_person = await api.call("POST", f"/v1/escalations/{escalation_id}/ack", "responder")

    assert by_bot.status_code == 409
    assert by_bot.json()["title"] == "A person must acknowledge"
    assert by_person.status_code == 200


async def test_a_bot_cannot_resolve_a_person_ack_policy_but_a_person_can(api: Api) -> None:
    escalation_id = await api.open(category="threat_to_life", priority=Priority.P0)
    base = f"/v1/escalations/{escalation_id}"

    by_bot = await api.call("POST", f"{base}/resolve", "bot")
    still = (await api.call("GET", base, "viewer")).json()
    by_person = await api.call("POST", f"{base}/resolve", "responder")

    assert by_bot.status_code == 409
    assert by_bot.headers["content-type"].startswith(PROBLEM_JSON)
    problem = by_bot.json()
    assert problem["title"] == "A person must resolve"
    assert "needs a person to resolve" in problem["detail"]
    assert problem["current_status"] == "open"
    assert still["status"] == "open"
    assert [entry["type"].split(".")[2] for entry in still["timeline"]] == ["opened"]
    assert by_person.status_code == 200
    assert (by_person.json()["status"], by_person.json()["resolved_by"]) == ("resolved", "alice")


async def test_a_bot_cannot_resolve_an_acknowledged_person_ack_policy(api: Api) -> None:
    escalation_id = await api.open(category="threat_to_life", priority=Priority.P0)
    base = f"/v1/escalations/{escalation_id}"
    assert (await api.call("POST", f"{base}/ack", "responder")).status_code == 200

    by_bot = await api.call("POST", f"{base}/resolve", "bot")

    assert by_bot.status_code == 409
    assert by_bot.json()["current_status"] == "acknowledged"
    assert (await api.call("GET", base, "viewer")).json()["status"] == "acknowledged"


async def test_a_bot_cannot_snooze_a_person_ack_policy_but_a_person_can(api: Api) -> None:
    escalation_id = await api.open(category="threat_to_life", priority=Priority.P0)
    base = f"/v1/escalations/{escalation_id}"
    assert (await api.call("POST", f"{base}/ack", "responder")).status_code == 200

    by_bot = await api.call("POST", f"{base}/snooze", "bot", json={"minutes": 20})
    after_bot = (await api.call("GET", base, "viewer")).json()
    by_person = await api.call("POST", f"{base}/snooze", "responder", json={"minutes": 20})

    assert by_bot.status_code == 409
    assert by_bot.headers["content-type"].startswith(PROBLEM_JSON)
    assert by_bot.json()["title"] == "A person must snooze"
    assert by_bot.json()["current_status"] == "acknowledged"
    assert after_bot["snoozed_until"] is None
    assert "snooze" not in [entry["action"] for entry in after_bot["activity"]]
    assert by_person.status_code == 200
    assert by_person.json()["snoozed_until"] is not None


async def test_a_bot_resolves_and_snoozes_where_the_policy_needs_no_person(api: Api) -> None:
    escalation_id = await api.open()  # P1 harassment: the "urgent" policy
    base = f"/v1/escalations/{escalation_id}"
    assert (await api.call("POST", f"{base}/ack", "bot")).status_code == 200

    snoozed = await api.call("POST", f"{base}/snooze", "bot", json={"minutes": 20})
    resolved = await api.call("POST", f"{base}/resolve", "bot")

    assert snoozed.status_code == 200
    assert snoozed.json()["snoozed_until"] is not None
    assert resolved.status_code == 200
    assert (resolved.json()["status"], resolved.json()["resolved_by"]) == (
        "resolved",
        "pager-bot",
    )


async def test_notes_are_idempotent_with_a_key(api: Api) -> None:
    escalation_id = await api.open()
    path = f"/v1/escalations/{escalation_id}/notes"
    headers = {**bearer(KEYS["responder"]), "Idempotency-Key": "note-1"}

    first = await api.client.post(path, json={"text": "called the user"}, headers=headers)
    second = await api.client.post(path, json={"text": "called the user"}, headers=headers)
    third = await api.call("POST", path, "responder", json={"text": "another"})

    assert first.status_code == second.status_code == third.status_code == 201
    assert first.json()["seq"] == second.json()["seq"] != third.json()["seq"]
    detail = (await api.call("GET", f"/v1/escalations/{escalation_id}", "viewer")).json()
    notes = [entry["detail"] for entry in detail["activity"] if entry["action"] == "note"]
    assert notes == ["called the user", "another"]


async def test_unknown_escalation_is_404(api: Api) -> None:
    for method, suffix in (("GET", ""), ("POST", "/ack"), ("POST", "/resolve")):
        response = await api.call(method, f"/v1/escalations/nope{suffix}", "responder")
        assert response.status_code == 404


# --- on call and audit --------------------------------------------------------------------


async def test_who_is_on_call(api: Api) -> None:
    monday = await api.call(
        "GET", "/v1/oncall", "viewer", params={"schedule": "primary", "at": "2026-03-02T12:00:00Z"}
    )
    next_week = await api.call(
        "GET",
        "/v1/oncall",
        "viewer",
        params={"schedule": "primary", "at": "2026-03-09T09:30:00+01:00"},
    )
    unknown = await api.call("GET", "/v1/oncall", "viewer", params={"schedule": "nope"})
    naive = await api.call(
        "GET", "/v1/oncall", "viewer", params={"schedule": "primary", "at": "2026-03-02T12:00"}
    )

    assert monday.status_code == 200
    assert (monday.json()["user"], monday.json()["source"]) == ("alice", "weekly")
    assert monday.json()["shift_end"].startswith("2026-03-09T08:00")
    assert next_week.json()["user"] == "bob"
    assert unknown.status_code == 404
    assert naive.status_code == 422


async def test_the_audit_log_pages_and_filters(api: Api) -> None:
    first = await api.open()
    await api.open()
    await api.call("POST", f"/v1/escalations/{first}/ack", "responder")

    page = (await api.call("GET", "/v1/audit", "admin", params={"limit": 2})).json()
    rest = (
        await api.call("GET", "/v1/audit", "admin", params={"cursor": page["next_cursor"]})
    ).json()
    by_alice = (await api.call("GET", "/v1/audit", "admin", params={"actor": "alice"})).json()

    assert len(page["items"]) == 2
    assert [entry["action"] for entry in page["items"] + rest["items"]] == [
        "opened",
        "opened",
        "ack",
    ]
    [ack] = by_alice["items"]
    assert (ack["escalation_id"], ack["before"]["status"], ack["after"]["status"]) == (
        first,
        "open",
        "acknowledged",
    )
    assert datetime.fromisoformat(ack["at"]).tzinfo is not None
    assert datetime.fromisoformat(ack["at"]) <= api.clock().astimezone(UTC)


# --- trends, overrides and traces through the consumer (in-process bus) ------------------


async def _publish(api: Api, topic: str, event: TrendDetectedV1 | TicketTriagedV1) -> None:
    await api.state.bus.send(
        api.state.settings.topic(topic), key=event.subject, value=event.to_bytes()
    )


async def _listed(api: Api, **params: str) -> dict[str, Any]:
    async def probe() -> dict[str, Any] | None:
        response = await api.call("GET", "/v1/escalations", "viewer", params=params)
        items: list[dict[str, Any]] = response.json()["items"]
        return items[0] if items else None

    return await wait_until(probe, what=f"escalation {params}")


async def test_a_trend_event_opens_an_escalation_acked_through_the_api(api: Api) -> None:
    parent = new_traceparent()
    trend_id = str(uuid.uuid4())
    trend = TrendDetectedV1(
        source="/vigil/metrics",
        subject=trend_id,
        traceparent=parent,
        data=TrendDetectedData(
            category="spam",
            channel="zendesk",
            window_start=api.clock() - timedelta(minutes=5),
            window_end=api.clock(),
            count=30,
            baseline=2.0,
            score=12.0,
            trend_id=trend_id,
        ),
    )

    await _publish(api, TRENDS, trend)
    await _publish(api, TRENDS, trend)  # redelivered: still one escalation
    listed = await _listed(api, kind="trend")
    acked = await api.call("POST", f"/v1/escalations/{listed['id']}/ack", "responder")
    tickets = await api.call("GET", "/v1/escalations", "viewer", params={"kind": "ticket"})

    assert (listed["kind"], listed["ticket_id"], listed["policy"]) == (
        "trend",
        trend_id,
        "spam-waves",
    )
    assert (listed["priority"], listed["queue"], listed["assignee"]) == (
        "P2",
        "trends-review",
        "bob",
    )
    assert acked.status_code == 200
    assert acked.json()["status"] == "acknowledged"
    assert tickets.json()["items"] == []
    assert api.state.db is not None
    async with api.state.db.session() as session:
        rows = await store.timeline(session, listed["id"])
    assert [row.type.split(".")[2] for row in rows] == ["opened", "acknowledged"]
    traces = {json.loads(row.payload)["traceparent"].split("-")[1] for row in rows}
    assert traces == {parent.split("-")[1]}


async def test_an_override_below_p1_resolves_through_the_consumer(api: Api) -> None:
    escalation_id = await api.open()
    assert api.state.db is not None
    async with api.state.db.session() as session:
        escalation = await store.get_escalation(session, escalation_id)
    assert escalation is not None
    downgrade = TicketTriagedV1(
        source="/vigil/triage",
        subject=escalation.ticket_id,
        data=TicketTriagedData(
            ticket_id=escalation.ticket_id,
            channel="tests",
            category="harassment",
            severity="low",
            priority=Priority.P3,
            queue="q",
            reasons=[Reason(rule="override", detail="manual")],
            rules_version="t",
            received_at=api.clock(),
            triaged_at=api.clock(),
            override=TriageOverride(
                by="ada",
                reason="not urgent",
                at=api.clock(),
                previous=TriageOverrideFrom(
                    category="harassment", severity="high", priority=Priority.P1, queue="q"
                ),
            ),
        ),
    )

    await _publish(api, TICKETS_TRIAGED, downgrade)
    resolved = await _listed(api, ticket_id=escalation.ticket_id, status="resolved")
    detail = (await api.call("GET", f"/v1/escalations/{escalation_id}", "viewer")).json()

    assert resolved["resolved_by"] == "override:ada"
    last = detail["timeline"][-1]
    assert (last["type"], last["actor"], last["reason"]) == (
        "vigil.escalation.resolved.v1",
        "override:ada",
        "override P1 -> P3",
    )


# --- SLA gauges computed at scrape time --------------------------------------------------


def _gauges(exposition: str, name: str) -> dict[tuple[str, str], float]:
    return {
        (sample.labels["priority"], sample.labels["sla"]): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
        if sample.name == name
    }


async def _plain(client: httpx.AsyncClient, name: str) -> float:
    exposition = (await client.get("/metrics")).text
    [value] = [
        sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
        if sample.name == name
    ]
    return value


async def _open_now(client: httpx.AsyncClient) -> dict[tuple[str, str, str], float]:
    exposition = (await client.get("/metrics")).text
    return {
        (sample.labels["priority"], sample.labels["queue"], sample.labels["status"]): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
        if sample.name == "vigil_escalation_open"
    }


async def _sla_now(client: httpx.AsyncClient) -> dict[str, dict[tuple[str, str], float]]:
    exposition = (await client.get("/metrics")).text
    return {
        state: _gauges(exposition, f"vigil_escalation_sla_{state}")
        for state in ("at_risk", "breached")
    }


async def test_sla_gauges_are_computed_from_the_database_at_scrape_time(
    api: Api, settings_kwargs: dict[str, Any]
) -> None:
    start = api.clock()
    ticket_id = str(uuid.uuid4())
    event = TicketTriagedV1(
        source="/tests",
        subject=ticket_id,
        data=TicketTriagedData(
            ticket_id=ticket_id,
            channel="tests",
            category="harassment",
            severity="high",
            priority=Priority.P1,
            queue="q",
            reasons=[Reason(rule="t", detail="t")],
            rules_version="t",
            received_at=start,
            triaged_at=start,
            first_response_due=start + timedelta(minutes=30),
            resolution_due=start + timedelta(hours=1),
        ),
    )
    assert api.state.db is not None
    escalation = await open_for_ticket(api.state.db, event, config=api.state.config, now=start)
    first, resolution = ("P1", "first_response_due"), ("P1", "resolution_due")

    opened = await _open_now(api.client)
    quiet = await _sla_now(api.client)
    assert await _plain(api.client, "vigil_escalation_timers_pending") == 5.0  # ack + 2x2 SLA
    api.clock.advance(timedelta(minutes=20))  # first response at risk after 15 minutes
    early = await _sla_now(api.client)
    api.clock.advance(timedelta(minutes=30))  # 50 min: first response late, resolution at risk
    late = await _sla_now(api.client)
    await api.call("POST", f"/v1/escalations/{escalation.id}/ack", "responder")
    acked = await _sla_now(api.client)
    acked_open = await _open_now(api.client)

    assert quiet == {"at_risk": {}, "breached": {}}
    assert early == {"at_risk": {first: 1.0}, "breached": {}}
    assert late == {"at_risk": {resolution: 1.0}, "breached": {first: 1.0}}
    # The acknowledgement is the first response: only the resolution clock still counts.
    assert acked == {"at_risk": {resolution: 1.0}, "breached": {}}

    # A fresh process on the same database reports the same, before any timer fires.
    restarted: FastAPI = create_app(
        EscalationSettings(**settings_kwargs, timer_interval_seconds=3600), clock=api.clock
    )
    async with restarted.router.lifespan_context(restarted):
        transport = httpx.ASGITransport(app=restarted)
        async with httpx.AsyncClient(transport=transport, base_url="http://e2") as client:
            assert await _sla_now(client) == acked
            assert await _open_now(client) == acked_open
    await api.call("POST", f"/v1/escalations/{escalation.id}/resolve", "responder")
    assert await _sla_now(api.client) == {"at_risk": {}, "breached": {}}
    assert await _open_now(api.client) == {}
    assert opened == {("P1", "q", "open"): 1.0}
    assert acked_open == {("P1", "q", "acknowledged"): 1.0}
    # Resolving stopped its clocks (the reminder set by the ack included).
    assert await _plain(api.client, "vigil_escalation_timers_pending") == 0.0
