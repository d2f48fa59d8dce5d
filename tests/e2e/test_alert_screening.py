"""Machine alerts are not safety reports: real-shaped Alertmanager alerts sent over HTTP
through intake's alertmanager channel (default safety screening, ``definite_only``) reach
no safety category or queue, and each takes the priority its own severity maps to. Intake
and triage run as separate processes over the real Kafka and PostgreSQL."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import PostgresDatabases
from tests.support.harness import Stack, auth, distributed_stack
from tests.support.polling import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]

SERVICES = ("intake", "triage")
AM_TOKEN = "e2e-alertmanager-token"
CHANNELS_YAML = """channels:
  - name: alertmanager
    format: alertmanager
    auth: {type: bearer, tokens: [{env: VIGIL_E2E_AM_TOKEN}]}
    max_body_bytes: 1048576
"""
SAFETY_CATEGORIES = {"threat_to_life", "self_harm", "child_safety"}
SAFETY_QUEUES = {"safety-emergency", "safety-wellbeing", "safety-child", "safety-review"}
# The shipped rules.yaml alerts mapping.
PRIORITY_OF = {"critical": "P1", "warning": "P3", "info": "P4"}


def _alert(
    fingerprint: str,
    *,
    labels: dict[str, str],
    summary: str,
    description: str,
    runbook: str,
) -> dict[str, Any]:
    return {
        "status": "firing",
        "labels": {"prometheus": "monitoring/k8s", **labels},
        "annotations": {
            "summary": summary,
            "description": description,
            "runbook_url": f"https://runbooks.prometheus-operator.dev/runbooks/{runbook}",
        },
        "startsAt": "2026-12-03T09:12:44.512Z",
        "endsAt": "0001-01-01T00:00:00Z",
        "generatorURL": f"http://prometheus-k8s-0:9090/graph?g0.expr={runbook}&g0.tab=1",
        "fingerprint": fingerprint,
    }


# What kube-prometheus and node-exporter rules send, as Alertmanager's webhook delivers it.
OPS_ALERTS = [
    _alert(
        "0c9d3e1f7a2b4c51",
        labels={
            "alertname": "NodeFilesystemAlmostOutOfSpace",
            "device": "/dev/nvme0n1p3",
            "fstype": "ext4",
            "instance": "db-7:9100",
            "job": "node-exporter",
            "mountpoint": "/var",
            "severity": "critical",
        },
        summary="Disk almost full on db-7",
        description="Only 2% left on /var",
        runbook="node/nodefilesystemalmostoutofspace",
    ),
    _alert(
        "1d8e2f3a4b5c6d72",
        labels={
            "alertname": "KubePodTerminatedBySignal",
            "container": "api",
            "namespace": "payments",
            "pod": "payments-api-6d8f9c7b5-x2kq4",
            "reason": "Error",
            "severity": "warning",
        },
        summary="Pod payments/payments-api-6d8f9c7b5-x2kq4 was killed with SIGKILL",
        description="Container api in pod payments/payments-api-6d8f9c7b5-x2kq4 was "
        "killed with SIGKILL (exit code 137) during shutdown and restarted 3 times in 10 minutes.",
        runbook="kubernetes/kubepodcrashlooping",
    ),
    _alert(
        "2e7f3a4b5c6d7e83",
        labels={
            "alertname": "KubeContainerOOMKilled",
            "container": "worker",
            "namespace": "checkout",
            "pod": "checkout-worker-5b6c9d-7hjz2",
            "reason": "OOMKilled",
            "severity": "warning",
        },
        summary="Container worker in checkout/checkout-worker-5b6c9d-7hjz2 was OOMKilled",
        description="Container worker was OOMKilled: it used more than its 512Mi memory "
        "limit and was killed by the kernel. It has died 4 times in the last hour.",
        runbook="kubernetes/kubecontaineroomkilled",
    ),
    _alert(
        "3f6a4b5c6d7e8f94",
        labels={
            "alertname": "KubeNodeNotReady",
            "condition": "Ready",
            "instance": "worker-3",
            "node": "worker-3",
            "severity": "critical",
        },
        summary="node is dead",
        description="worker-3 has been unready for more than 15 minutes: the node is dead, "
        "its pods will be evicted and rescheduled.",
        runbook="kubernetes/kubenodenotready",
    ),
    _alert(
        "4a5b6c7d8e9f0a15",
        labels={
            "alertname": "KubeJobOrphanedChildPods",
            "job_name": "nightly-report-28871040",
            "namespace": "batch",
            "severity": "info",
        },
        summary="Job batch/nightly-report-28871040 has orphaned child pods",
        description="The parent job was deleted but 3 orphaned child pods are still running; "
        "kill the child pods or adopt them with a new job.",
        runbook="kubernetes/kubejoborphanedchildpods",
    ),
]


@pytest.fixture
async def stack(
    tmp_path: Path, kafka_bootstrap: str, kafka_topics: str, postgres: PostgresDatabases
) -> AsyncIterator[Stack]:
    built = distributed_stack(
        tmp_path=tmp_path,
        kafka_bootstrap=kafka_bootstrap,
        topic_prefix=kafka_topics,
        database_urls={"triage": await postgres.create("triage")},
    )
    (tmp_path / "config" / "channels.yaml").write_text(CHANNELS_YAML)
    built.processes = {name: built.processes[name] for name in SERVICES}
    for process in built.processes.values():
        process.env["VIGIL_E2E_AM_TOKEN"] = AM_TOKEN
    built.start()
    try:
        await built.wait_ready(SERVICES)
        yield built
    finally:
        built.stop()


def _notification(alerts: list[dict[str, Any]], *, group: str) -> dict[str, Any]:
    return {
        "version": "4",
        "groupKey": f'{{}}/{{severity=~"warning|critical|info"}}:{{alertname="{group}"}}',
        "truncatedAlerts": 0,
        "status": "firing",
        "receiver": "vigil",
        "groupLabels": {"alertname": group},
        "commonLabels": {"prometheus": "monitoring/k8s"},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager-main-0:9093",
        "alerts": alerts,
    }


async def _post(client: httpx.AsyncClient, url: str, payload: dict[str, Any]) -> list[str]:
    """Send as Alertmanager does: retry while the broker answers 503 (it may be restarted
    by a fault test on the shared broker)."""
    for _ in range(60):
        with contextlib.suppress(httpx.TransportError):
            response = await client.post(
                url, json=payload, headers={"Authorization": f"Bearer {AM_TOKEN}"}
            )
            if response.status_code != 503:
                assert response.status_code == 202, response.text
                ticket_ids: list[str] = response.json()["ticket_ids"]
                return ticket_ids
        await asyncio.sleep(0.5)
    raise AssertionError(f"{url} never accepted")


async def _decision(client: httpx.AsyncClient, stack: Stack, ticket_id: str) -> dict[str, Any]:
    async def decision() -> dict[str, Any] | None:
        response = await client.get(f"{stack.url('triage')}/v1/tickets/{ticket_id}")
        if response.status_code == 404:
            return None
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    return await wait_until(
        decision,
        what=f"ticket {ticket_id} triaged",
        timeout_seconds=90,
        interval_seconds=0.3,
        ignoring=(httpx.TransportError,),
        diagnose=stack.logs,
    )


async def test_ops_alerts_reach_no_safety_queue_and_take_their_severitys_priority(
    stack: Stack,
) -> None:
    url = f"{stack.url('intake')}/v1/webhooks/alertmanager"
    # An alert relaying a person's explicit threat (a moderation tool's alert rule): the
    # lexicons' definite phrases still read an alert's summary and description.
    relayed = _alert(
        "5b6c7d8e9f0a1b26",
        labels={"alertname": "ModerationEscalation", "severity": "warning"},
        summary="Flagged DM from user 8812: I will kill you tomorrow",
        description="Forwarded by the moderation pipeline for review.",
        runbook="moderation/escalation",
    )
    async with httpx.AsyncClient(timeout=30) as client:
        ops_ids = await _post(client, url, _notification(OPS_ALERTS, group="ops"))
        [relayed_id] = await _post(client, url, _notification([relayed], group="moderation"))
    assert len(set(ops_ids)) == len(OPS_ALERTS)

    async with httpx.AsyncClient(timeout=30, headers=auth()) as client:
        decisions = await asyncio.gather(
            *(_decision(client, stack, ticket_id) for ticket_id in [*ops_ids, relayed_id])
        )
    *ops, relayed_decision = decisions
    for sent, decision in zip(OPS_ALERTS, ops, strict=True):
        name = sent["labels"]["alertname"]
        assert decision["category"] not in SAFETY_CATEGORIES, (name, decision)
        assert decision["queue"] not in SAFETY_QUEUES, (name, decision)
        assert "safety-review" not in decision["tags"], (name, decision)
        assert decision["priority"] == PRIORITY_OF[sent["labels"]["severity"]], (name, decision)
        rules = [reason["rule"] for reason in decision["reasons"]]
        assert "alerts.severity" in rules, (name, rules)
        assert not any(rule.startswith("safety.") and rule != "safety.screening" for rule in rules)
    assert [decision["priority"] for decision in ops] == ["P1", "P3", "P3", "P1", "P4"]
    assert (
        relayed_decision["category"],
        relayed_decision["priority"],
        relayed_decision["queue"],
    ) == ("threat_to_life", "P0", "safety-emergency")
