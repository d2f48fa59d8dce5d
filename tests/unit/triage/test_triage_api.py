"""Triage API: rules (read, change, hot reload), dry run, simulate, overrides, duplicates."""

from typing import Any

import httpx
import pytest
import yaml

from services.triage.rules import BUILTIN_RULES_PATH
from shared.topics import TICKETS_TRIAGED
from tests.support.helpers import PROBLEM_JSON, RESPONDER_KEY, VIEWER_KEY, bearer, sample_value
from tests.support.polling import wait_until
from tests.support.rules import default_document, dump
from tests.unit.triage.conftest import ADMIN_KEY, BOT_KEY, Triage

ADMIN = bearer(ADMIN_KEY)
RESPONDER = bearer(RESPONDER_KEY)
VIEWER = bearer(VIEWER_KEY)
YAML = {"Content-Type": "application/yaml"}


def _problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    body: dict[str, Any] = response.json()
    return body


def _faster_scams() -> dict[str, Any]:
    document = default_document()
    document["version"] = "faster-scams"
    for rule in document["rules"]:
        if rule["name"] == "tns.scams_fraud":
            rule["then"]["priority"] = "P1"
            rule["then"]["queue"] = "fraud-rapid"
    return document


# --- rules ------------------------------------------------------------------------------


async def test_get_rules_shows_the_active_version_and_needs_a_key(triage: Triage) -> None:
    _problem(await triage.client.get("/v1/rules"), 401)
    response = await triage.client.get("/v1/rules", headers=VIEWER)

    assert response.status_code == 200
    body = response.json()
    assert body["revision"] == 1
    assert body["source"] == "file"
    assert body["origin"] == str(BUILTIN_RULES_PATH)
    assert body["version"].startswith("2026.11.25+")
    assert body["version"].endswith("@r1")
    assert body["yaml"] == BUILTIN_RULES_PATH.read_text()
    assert body["rules"]["rules"][0]["name"] == "tns.account_compromise"


async def test_put_rules_needs_the_admin_role(triage: Triage) -> None:
    text = dump(_faster_scams())

    _problem(await triage.client.put("/v1/rules", content=text, headers={**YAML, **RESPONDER}), 403)
    _problem(await triage.client.put("/v1/rules", content=text, headers=YAML), 401)


async def test_put_rules_validates_versions_and_activates(triage: Triage) -> None:
    response = await triage.client.put(
        "/v1/rules", content=dump(_faster_scams()), headers={**YAML, **ADMIN}
    )

    assert response.status_code == 200, response.text
    assert response.json()["revision"] == 2
    assert response.json()["source"] == "api"
    assert response.json()["origin"] == "ada-admin"
    active = (await triage.client.get("/v1/rules", headers=VIEWER)).json()
    assert active["version"].startswith("faster-scams+")
    ticket = await triage.receive({"title": "this seller is a scam"})
    decision = await triage.decision(ticket)
    assert (decision["priority"], decision["queue"]) == ("P1", "fraud-rapid")
    assert decision["rules_version"] == active["version"]
    history = (await triage.client.get("/v1/rules/history", headers=VIEWER)).json()["items"]
    assert [item["revision"] for item in history] == [2, 1]


async def test_put_rules_accepts_the_document_as_json(triage: Triage) -> None:
    response = await triage.client.put("/v1/rules", json=_faster_scams(), headers=ADMIN)

    assert response.status_code == 200, response.text
    assert response.json()["version"].startswith("faster-scams+")


async def test_a_bad_rules_document_is_422_with_rule_and_field_and_changes_nothing(
    triage: Triage,
) -> None:
    document = default_document()
    document["rules"][2]["then"]["priority"] = "P7"
    before = (await triage.client.get("/v1/rules", headers=VIEWER)).json()

    response = await triage.client.put(
        "/v1/rules", content=dump(document), headers={**YAML, **ADMIN}
    )

    problem = _problem(response, 422)
    assert problem["errors"][0]["rule"] == document["rules"][2]["name"]
    assert problem["errors"][0]["field"] == "then.priority"
    after = (await triage.client.get("/v1/rules", headers=VIEWER)).json()
    assert after["version"] == before["version"]
    metrics = (await triage.client.get("/metrics")).text
    assert sample_value(metrics, "vigil_triage_rules_reload_failures_total", {"source": "api"}) == 1


async def test_rules_file_is_hot_reloaded_and_a_bad_file_never_replaces_a_good_one(
    triage: Triage,
) -> None:
    path = triage.config_dir / "rules.yaml"
    path.write_text(dump(_faster_scams()))

    async def version_changed() -> str | None:
        body = (await triage.client.get("/v1/rules", headers=VIEWER)).json()
        return str(body["version"]) if body["version"].startswith("faster-scams") else None

    good = await wait_until(version_changed, what="rules.yaml to be reloaded")
    path.write_text("version: broken\nrules: [")

    async def rejected() -> float | None:
        text = (await triage.client.get("/metrics")).text
        return sample_value(text, "vigil_triage_rules_reload_failures_total", {"source": "file"})

    assert await wait_until(rejected, what="the bad file to be rejected") == 1
    assert (await triage.client.get("/v1/rules", headers=VIEWER)).json()["version"] == good


# --- dry run ----------------------------------------------------------------------------


async def test_dry_run_returns_the_decision_and_stores_nothing(triage: Triage) -> None:
    response = await triage.client.post(
        "/v1/triage/dry-run",
        json={
            "report": {"title": "He said: voy a matarte", "subject": {"type": "user", "id": "9"}}
        },
        headers=VIEWER,
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["category"], body["priority"], body["queue"]) == (
        "threat_to_life",
        "P0",
        "safety-emergency",
    )
    assert body["reasons"][0]["evidence"] == ["voy a matarte"]
    assert body["group_key"] == "account:9"
    assert body["first_response_due"]
    assert body["resolution_due"]
    assert body["stored"] is False
    simulated = await triage.client.post(
        "/v1/rules/simulate", json={"rules": dump(default_document())}, headers=VIEWER
    )
    assert simulated.json()["tickets"] == 0


async def test_dry_run_with_proposed_rules_and_bad_input(triage: Triage) -> None:
    proposed = await triage.client.post(
        "/v1/triage/dry-run",
        json={"report": {"title": "scam"}, "rules": dump(_faster_scams())},
        headers=VIEWER,
    )
    assert proposed.json()["priority"] == "P1"
    assert proposed.json()["rules_version"].startswith("faster-scams+")
    _problem(
        await triage.client.post(
            "/v1/triage/dry-run",
            json={"report": {"title": "x"}, "rules": "rules: ["},
            headers=VIEWER,
        ),
        422,
    )
    _problem(
        await triage.client.post("/v1/triage/dry-run", json={"report": {}}, headers=VIEWER), 422
    )
    _problem(await triage.client.post("/v1/triage/dry-run", json={"report": {"title": "x"}}), 401)


# --- simulate ---------------------------------------------------------------------------


async def test_simulate_replays_stored_tickets_under_proposed_rules(triage: Triage) -> None:
    scam = await triage.receive({"title": "crypto scam", "body": "they scammed me"})
    billing = await triage.receive({"title": "refund please"})
    threat = await triage.receive({"title": "I will kill you"})
    for ticket in (scam, billing, threat):
        await triage.decision(ticket)

    response = await triage.client.post(
        "/v1/rules/simulate", json={"rules": dump(_faster_scams()), "last": 10}, headers=VIEWER
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["tickets"] == 3
    assert body["changed"] == 1
    [change] = body["changes"]
    assert change["ticket_id"] == scam
    assert change["from"]["priority"] == "P2"
    assert change["to"]["priority"] == "P1"
    assert body["priorities"]["P1"] == {"current": 0, "proposed": 1, "change": 1}
    assert body["priorities"]["P2"] == {"current": 1, "proposed": 0, "change": -1}
    assert body["priorities"]["P0"]["change"] == 0
    assert body["queues"]["fraud-rapid"]["proposed"] == 1
    sla = body["sla"]
    assert sla["proposed"]["first_response_due_within_1h"] == (
        sla["current"]["first_response_due_within_1h"] + 1
    )
    assert body["proposed_version"].startswith("faster-scams+")


async def test_simulate_rejects_bad_rules_and_too_many_tickets(triage: Triage) -> None:
    bad = default_document()
    bad["rules"][0]["when"] = {"regex": ["("]}
    problem = _problem(
        await triage.client.post("/v1/rules/simulate", json={"rules": bad}, headers=VIEWER), 422
    )
    assert problem["errors"][0]["field"] == "when.regex"
    _problem(
        await triage.client.post(
            "/v1/rules/simulate", json={"rules": dump(bad), "last": 10**6}, headers=VIEWER
        ),
        422,
    )


# --- overrides --------------------------------------------------------------------------


async def test_override_is_audited_emitted_and_counted(triage: Triage) -> None:
    ticket = await triage.receive({"title": "I was charged twice"})
    original = await triage.decision(ticket)
    assert original["priority"] == "P3"

    response = await triage.client.post(
        f"/v1/tickets/{ticket}/override",
        json={"category": "scams_fraud", "priority": "P1", "reason": "card testing pattern"},
        headers=RESPONDER,
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["published"] is True
    assert body["ticket"]["category"] == "scams_fraud"
    assert body["ticket"]["priority"] == "P1"
    assert body["ticket"]["queue"] == original["queue"]
    assert body["ticket"]["overridden"] is True
    assert body["ticket"]["reasons"][0]["rule"] == "override"
    events = triage.triaged_events(ticket)
    assert len(events) == 2
    first, second = events
    assert second.id == body["event_id"] != first.id
    assert first.data.override is None
    assert second.data.override is not None
    assert second.data.override.by == "alice-responder"
    assert second.data.override.by_bot is False
    assert second.data.override.reason == "card testing pattern"
    assert second.data.override.previous.priority.value == "P3"
    assert second.data.priority.value == "P1"
    assert second.data.first_response_due is not None
    assert second.data.first_response_due < (
        first.data.first_response_due or second.data.triaged_at
    )
    audit = (await triage.client.get(f"/v1/tickets/{ticket}/overrides", headers=VIEWER)).json()
    [entry] = audit["items"]
    assert (entry["actor"], entry["from_priority"], entry["to_priority"]) == (
        "alice-responder",
        "P3",
        "P1",
    )
    assert entry["published_at"] is not None
    metrics = (await triage.client.get("/metrics")).text
    labels = {
        "from_category": "payments_billing",
        "to_category": "scams_fraud",
        "from_priority": "P3",
        "to_priority": "P1",
    }
    assert sample_value(metrics, "vigil_triage_overrides_total", labels) == 1


async def test_a_bots_override_says_so_in_its_event(triage: Triage) -> None:
    """Escalation decides whether a bot may end a page; triage only tells it who acted."""
    ticket = await triage.receive({"title": "I was charged twice"})
    await triage.decision(ticket)

    response = await triage.client.post(
        f"/v1/tickets/{ticket}/override",
        json={"priority": "P4", "reason": "auto-closed duplicate"},
        headers=bearer(BOT_KEY),
    )

    assert response.status_code == 200, response.text
    override = triage.triaged_events(ticket)[-1].data.override
    assert override is not None
    assert (override.by, override.by_bot) == ("ops-bot", True)


async def test_a_duplicate_after_an_override_re_emits_the_latest_event(triage: Triage) -> None:
    ticket = await triage.receive({"title": "refund please"})
    await triage.decision(ticket)
    response = await triage.client.post(
        f"/v1/tickets/{ticket}/override",
        json={"priority": "P2", "reason": "VIP customer"},
        headers=RESPONDER,
    )
    override_id = response.json()["event_id"]
    received = [
        message
        for partition in triage.bus.partitions_of("tickets.received")
        for message in partition
        if message.key == ticket
    ]
    await triage.bus.send("tickets.received", key=ticket, value=received[0].value)

    async def three() -> list[str] | None:
        ids = [event.id for event in triage.triaged_events(ticket)]
        return ids if len(ids) == 3 else None

    ids = await wait_until(three, what="the duplicate to be re-emitted")
    assert ids[1] == ids[2] == override_id


async def test_override_errors(triage: Triage) -> None:
    ticket = await triage.receive({"title": "refund please"})
    await triage.decision(ticket)
    url = f"/v1/tickets/{ticket}/override"

    _problem(
        await triage.client.post(url, json={"priority": "P1", "reason": "x y"}, headers=VIEWER), 403
    )
    _problem(await triage.client.post(url, json={"priority": "P1"}, headers=RESPONDER), 422)
    _problem(
        await triage.client.post(
            url, json={"category": "nope", "reason": "why not"}, headers=RESPONDER
        ),
        422,
    )
    _problem(
        await triage.client.post(url, json={"priority": "P3", "reason": "same"}, headers=RESPONDER),
        409,
    )
    _problem(
        await triage.client.post(
            "/v1/tickets/unknown/override",
            json={"priority": "P1", "reason": "why"},
            headers=RESPONDER,
        ),
        404,
    )
    assert len(triage.triaged_events(ticket)) == 1


async def test_overriding_into_a_safety_category_defaults_to_p0_and_its_queue(
    triage: Triage,
) -> None:
    ticket = await triage.receive({"title": "weird message from a stranger"})
    await triage.decision(ticket)

    response = await triage.client.post(
        f"/v1/tickets/{ticket}/override",
        json={"category": "child_safety", "reason": "adult asking a minor for photos"},
        headers=RESPONDER,
    )

    body = response.json()["ticket"]
    assert (body["category"], body["priority"], body["queue"], body["severity"]) == (
        "child_safety",
        "P0",
        "safety-child",
        "critical",
    )
    assert "statutory-child-safety" in body["sla_policies"]


# --- idempotency and grouping through the consumer --------------------------------------


async def test_a_duplicate_received_event_re_emits_the_stored_decision(triage: Triage) -> None:
    ticket = await triage.receive({"title": "bomb threat", "subject": {"type": "post", "id": "p"}})
    await triage.decision(ticket)
    [message] = [
        m for p in triage.bus.partitions_of("tickets.received") for m in p if m.key == ticket
    ]
    await triage.bus.send("tickets.received", key=ticket, value=message.value)

    async def two() -> list[Any] | None:
        events = triage.triaged_events(ticket)
        return events if len(events) == 2 else None

    first, second = await wait_until(two, what="the re-emitted decision")
    assert first.model_dump_json() == second.model_dump_json()
    assert [m.key for p in triage.bus.partitions_of(TICKETS_TRIAGED) for m in p] == [ticket] * 2


async def test_a_surge_across_channels_raises_priority(triage: Triage) -> None:
    tickets = [
        await triage.receive(
            {"title": "spam account", "subject": {"url": f"https://www.example.com/u/7?utm_x={n}"}},
            channel=f"channel-{n % 2}",
        )
        for n in range(5)
    ]

    # The fifth report surges the group: it, its batch and every earlier ticket of the
    # group (raised afterwards) end at P2.
    async def all_raised() -> list[dict[str, Any]] | None:
        decisions = [await triage.decision(ticket) for ticket in tickets]
        return decisions if all(d["priority"] == "P2" for d in decisions) else None

    decisions = await wait_until(all_raised, what="the whole group raised")

    assert {d["group_key"] for d in decisions} == {"url:https://example.com/u/7"}
    for decision in decisions:
        surge = [r for r in decision["reasons"] if r["rule"] == "grouping.surge"]
        assert surge
        assert "5 reports" in surge[0]["detail"]


async def test_rules_yaml_in_the_config_dir_is_used_at_start(
    triage_config_dir: Any, settings_kwargs: dict[str, Any]
) -> None:
    from services.triage.main import create_app, validate_config
    from services.triage.settings import TriageSettings
    from shared.bus import InProcessBus

    (triage_config_dir / "rules.yaml").write_text(dump(_faster_scams()))
    validate_config(triage_config_dir)
    app = create_app(TriageSettings(**settings_kwargs), bus=InProcessBus())
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            body = (await client.get("/v1/rules", headers=VIEWER)).json()
        app.state.vigil.consume_loop.request_stop()
    assert body["version"].startswith("faster-scams+")
    assert yaml.safe_load(body["yaml"])["version"] == "faster-scams"


async def test_a_bad_rules_file_with_no_stored_rules_stops_start_up(
    triage_config_dir: Any, settings_kwargs: dict[str, Any]
) -> None:
    from services.triage.main import create_app
    from services.triage.rules import RulesError
    from services.triage.settings import TriageSettings
    from shared.bus import InProcessBus

    document = default_document()
    document["rules"][0]["then"]["queue"] = ""
    (triage_config_dir / "rules.yaml").write_text(dump(document))
    app = create_app(TriageSettings(**settings_kwargs), bus=InProcessBus())

    with pytest.raises(RulesError, match=r"then\.queue") as caught:
        async with app.router.lifespan_context(app):
            pass
    assert str(triage_config_dir / "rules.yaml") in str(caught.value)
    assert document["rules"][0]["name"] in str(caught.value)
