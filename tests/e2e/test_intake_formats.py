"""Every channel format through real processes over Kafka, and redelivery that creates
nothing new: intake, triage and metrics as separate processes, driven only over HTTP (the
test also reads tickets.received back from the real broker to see the update events)."""

import asyncio
import base64
import contextlib
import json
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from services.intake import signatures
from tests.conftest import PostgresDatabases
from tests.support import samples
from tests.support.harness import (
    CHANNEL,
    CHANNEL_TOKEN,
    Stack,
    distributed_stack,
    metric_samples,
    report_for,
    total,
    wait_for_counts,
)
from tests.support.polling import wait_until
from tests.support.topics import read_topic

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]

SERVICES = ("intake", "triage", "metrics")
SW_SECRET = "whsec_" + base64.b64encode(b"e2e-standard-webhooks-signing-key").decode()
SECRETS = {
    "VIGIL_E2E_SW_SECRET": SW_SECRET,
    "VIGIL_E2E_AM_TOKEN": "e2e-alertmanager-token",
    "VIGIL_E2E_PD_KEY": "e2e-routing-key",
    "VIGIL_E2E_ZD_SECRET": "e2e-zendesk-secret",
    "VIGIL_E2E_GH_SECRET": "e2e-github-secret",
    "VIGIL_E2E_MAIL_PASSWORD": "e2e-mail-password",
}
CHANNELS_YAML = f"""channels:
  - name: {CHANNEL}
    format: generic
    auth: {{type: bearer, tokens: [{{env: VIGIL_E2E_CHANNEL_TOKEN}}]}}
  - name: partner
    format: generic
    auth: {{type: standard_webhooks, secrets: [{{env: VIGIL_E2E_SW_SECRET}}]}}
  - name: alertmanager
    format: alertmanager
    auth: {{type: bearer, tokens: [{{env: VIGIL_E2E_AM_TOKEN}}]}}
  - name: pagerduty
    format: pagerduty
    auth: {{type: routing_key, routing_keys: [{{env: VIGIL_E2E_PD_KEY}}]}}
  - name: zendesk
    format: zendesk
    auth: {{type: zendesk, secrets: [{{env: VIGIL_E2E_ZD_SECRET}}]}}
  - name: github
    format: github
    auth: {{type: github, secrets: [{{env: VIGIL_E2E_GH_SECRET}}]}}
  - name: email
    format: email
    auth: {{type: basic, username: vigil, passwords: [{{env: VIGIL_E2E_MAIL_PASSWORD}}]}}
"""


@pytest.fixture
async def stack(
    tmp_path: Path, kafka_bootstrap: str, kafka_topics: str, postgres: PostgresDatabases
) -> AsyncIterator[Stack]:
    database_urls = {service: await postgres.create(service) for service in ("triage", "metrics")}
    built = distributed_stack(
        tmp_path=tmp_path,
        kafka_bootstrap=kafka_bootstrap,
        topic_prefix=kafka_topics,
        database_urls=database_urls,
    )
    (tmp_path / "config" / "channels.yaml").write_text(CHANNELS_YAML)
    built.processes = {name: built.processes[name] for name in SERVICES}
    for process in built.processes.values():
        process.env.update(SECRETS)
        process.env["VIGIL_E2E_TOPIC_PREFIX"] = kafka_topics
    built.start()
    try:
        await built.wait_ready(SERVICES)
        yield built
    finally:
        built.stop()


async def _post(client: httpx.AsyncClient, url: str, **kwargs: Any) -> httpx.Response:
    """Post as a real sender does: retry while the broker answers 503."""
    for _ in range(60):
        with contextlib.suppress(httpx.TransportError):
            response = await client.post(url, **kwargs)
            if response.status_code != 503:
                assert response.status_code == 202, response.text
                return response
        await asyncio.sleep(0.5)
    raise AssertionError(f"{url} never accepted")


async def test_every_format_end_to_end_over_kafka(stack: Stack, kafka_bootstrap: str) -> None:
    base = f"{stack.url('intake')}/v1/webhooks"
    now = int(time.time())
    async with httpx.AsyncClient(timeout=30) as client:
        # generic, bearer
        generic = await _post(
            client,
            f"{base}/{CHANNEL}",
            json={"title": "The app crashes when I open settings"},
            headers={"Authorization": f"Bearer {CHANNEL_TOKEN}", "Idempotency-Key": "g-1"},
        )
        # generic, Standard Webhooks
        body = json.dumps({"title": "Partner tool report"}).encode()
        key = signatures.standard_webhooks_key(SW_SECRET)
        partner = await _post(
            client,
            f"{base}/partner",
            content=body,
            headers={
                "webhook-id": "msg_e2e_1",
                "webhook-timestamp": str(now),
                "webhook-signature": signatures.standard_webhooks_signature(
                    key=key, msg_id="msg_e2e_1", timestamp=now, body=body
                ),
                "content-type": "application/json",
            },
        )
        # Alertmanager: two alerts firing, then one resolved
        am_auth = {"Authorization": f"Bearer {SECRETS['VIGIL_E2E_AM_TOKEN']}"}
        firing = await _post(
            client,
            f"{base}/alertmanager",
            json=samples.alertmanager(fingerprints=("a1", "a2")),
            headers=am_auth,
        )
        resolved = await _post(
            client,
            f"{base}/alertmanager",
            json=samples.alertmanager(status="resolved", fingerprints=("a1",)),
            headers=am_auth,
        )
        # PagerDuty: trigger twice (a retry), then resolve
        trigger = samples.pagerduty(routing_key=SECRETS["VIGIL_E2E_PD_KEY"])
        pd_first = await _post(client, f"{base}/pagerduty", json=trigger)
        pd_again = await _post(client, f"{base}/pagerduty", json=trigger)
        pd_resolve = await _post(
            client,
            f"{base}/pagerduty",
            json=samples.pagerduty(action="resolve", routing_key=SECRETS["VIGIL_E2E_PD_KEY"]),
        )
        # Zendesk: created, then solved
        zd_ids = []
        for payload in (
            samples.zendesk(),
            samples.zendesk(
                event_type="ticket.status_changed", event_id="e2", current_status="solved"
            ),
        ):
            raw = samples.dumps(payload)
            stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            response = await _post(
                client,
                f"{base}/zendesk",
                content=raw,
                headers={
                    "X-Zendesk-Webhook-Signature": signatures.zendesk_signature(
                        secret=SECRETS["VIGIL_E2E_ZD_SECRET"], timestamp=stamp, body=raw
                    ),
                    "X-Zendesk-Webhook-Signature-Timestamp": stamp,
                    "content-type": "application/json",
                },
            )
            zd_ids.append(response.json()["ticket_id"])
        # GitHub: opened, redelivered, closed
        gh_ids = []
        for action, delivery in (("opened", "gh-1"), ("opened", "gh-1"), ("closed", "gh-2")):
            raw = samples.dumps(samples.github_issue(action=action))
            response = await _post(
                client,
                f"{base}/github",
                content=raw,
                headers={
                    "X-GitHub-Event": "issues",
                    "X-GitHub-Delivery": delivery,
                    "X-Hub-Signature-256": signatures.github_signature(
                        secret=SECRETS["VIGIL_E2E_GH_SECRET"], body=raw
                    ),
                    "content-type": "application/json",
                },
            )
            gh_ids.append(response.json()["ticket_id"])
        # e-mail: multipart form
        email = await _post(
            client,
            f"{base}/email",
            data=samples.email_form(),
            files={"attachment1": ("note.txt", b"hello", "text/plain")},
            auth=("vigil", SECRETS["VIGIL_E2E_MAIL_PASSWORD"]),
        )

    am_ids = firing.json()["ticket_ids"]
    assert len(am_ids) == 2
    assert resolved.json()["ticket_ids"] == [am_ids[0]]
    assert pd_first.json()["dedup_key"] == pd_again.json()["dedup_key"] == "srv01/HTTP"
    assert pd_first.json()["ticket_id"] == pd_again.json()["ticket_id"]
    assert pd_resolve.json()["ticket_id"] == pd_first.json()["ticket_id"]
    assert zd_ids[0] == zd_ids[1]
    assert gh_ids[0] == gh_ids[1] == gh_ids[2]
    tickets = {
        generic.json()["ticket_id"],
        partner.json()["ticket_id"],
        *am_ids,
        pd_first.json()["ticket_id"],
        zd_ids[0],
        gh_ids[0],
        email.json()["ticket_id"],
    }
    assert len(tickets) == 8

    # Redeliveries are duplicates downstream: 8 tickets received and triaged, no more.
    await wait_for_counts(
        stack,
        expected={"vigil_tickets_received_total": 8, "vigil_tickets_triaged_total": 8},
    )
    prefix = stack.processes["intake"].env["VIGIL_E2E_TOPIC_PREFIX"]
    records = await read_topic(
        bootstrap=kafka_bootstrap, topic=f"{prefix}tickets.received", expected=14, timeout=60
    )
    messages = [(record.key, record.event) for record in records]
    updates = {
        (key, event["data"]["action"])
        for key, event in messages
        if event["type"] == "vigil.ticket.updated.v1"
    }
    assert updates == {
        (am_ids[0], "resolved"),
        (pd_first.json()["ticket_id"], "resolved"),
        (zd_ids[0], "resolved"),
        (gh_ids[0], "closed"),
    }
    assert all(key == event["subject"] for key, event in messages)
    received_ids = {event["id"] for _, event in messages if event["type"].endswith("received.v1")}
    assert len(received_ids) == 8  # redelivered reports carry the same event id


async def _lag(stack: Stack, service: str) -> float:
    async with httpx.AsyncClient(timeout=10) as client:
        text = (await client.get(f"{stack.url(service)}/metrics")).text
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "vigil_consumer_lag_messages"
    )


async def test_redelivering_200_reports_three_times_triages_exactly_200(stack: Stack) -> None:
    reports = 200
    url = f"{stack.url('intake')}/v1/webhooks/{CHANNEL}"
    semaphore = asyncio.Semaphore(24)
    run = uuid.uuid4().hex[:8]

    async def deliver(client: httpx.AsyncClient, index: int) -> str:
        async with semaphore:
            response = await _post(
                client,
                url,
                json=report_for(index),
                headers={
                    "Authorization": f"Bearer {CHANNEL_TOKEN}",
                    "Idempotency-Key": f"redelivery-{run}-{index}",
                },
            )
        ticket_id: str = response.json()["ticket_id"]
        return ticket_id

    async with httpx.AsyncClient(timeout=30) as client:
        # Two deliveries of every report race each other; the third comes afterwards.
        racing = await asyncio.gather(
            *(deliver(client, index) for index in range(reports) for _ in range(2))
        )
        later = await asyncio.gather(*(deliver(client, index) for index in range(reports)))

    assert racing[0::2] == racing[1::2] == later
    assert len(set(later)) == reports
    await wait_for_counts(
        stack,
        expected={
            "vigil_tickets_received_total": reports,
            "vigil_tickets_triaged_total": reports,
        },
    )

    # Once every consumer has drained the 600 deliveries, the counts are still exact.
    async def lags() -> dict[str, float]:
        return {service: await _lag(stack, service) for service in ("triage", "metrics")}

    await wait_until(
        lags,
        until=lambda lag: not any(lag.values()),
        what="the consumer lag to drain",
        timeout_seconds=60,
        interval_seconds=0.5,
    )
    samples_now = await metric_samples(stack)
    assert total(samples_now, "vigil_tickets_received_total") == reports
    assert total(samples_now, "vigil_tickets_triaged_total") == reports
