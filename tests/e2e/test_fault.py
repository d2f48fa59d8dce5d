"""Fault tier: processes, the broker and the database die mid-stream, and poison arrives;
afterwards nothing is lost, nothing doubled, and each poison message is dead-lettered once
per consumer group.

Each scenario appends its row (scenario, sent, accepted, 503s retried, lost, duplicated,
dead-lettered) to the JSON-lines file named by ``VIGIL_FAULT_REPORT``, when it is set."""

import asyncio
import json
import os
import subprocess
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from shared.topics import TICKETS_RECEIVED, dlq
from tests.conftest import IN_CI
from tests.events import received
from tests.support.harness import (
    CHANNEL,
    CHANNEL_TOKEN,
    SendStats,
    SentReport,
    Stack,
    assert_nothing_lost,
    metric_samples,
    send_reports,
    total,
    urgent_by_triage,
    wait_for_counter,
    wait_for_readyz,
)

pytestmark = [pytest.mark.e2e, pytest.mark.fault, pytest.mark.kafka, pytest.mark.postgres]

ROOT = Path(__file__).resolve().parents[2]
KAFKA_SH = ROOT / "deploy" / "kafka" / "kafka.sh"
PG_SH = ROOT / "deploy" / "postgres" / "pg.sh"
REPORTS = 600
# Triage, escalation and metrics all consume tickets.received.
GROUPS_ON_RECEIVED = ("triage", "escalation", "metrics")


def run_script(script: Path, command: str) -> str:
    result = subprocess.run(
        [str(script), command], capture_output=True, text=True, timeout=300, check=False
    )
    if result.returncode != 0:
        raise AssertionError(f"{script.name} {command} failed:\n{result.stderr}")
    return result.stdout.strip()


def require_local(script: Path, *, address_command: str, expected: str) -> None:
    """The fault tests kill and restart the servers, so they must be the project's own."""
    status = subprocess.run([str(script), "status"], capture_output=True, timeout=60, check=False)
    ours = status.returncode == 0 and run_script(script, address_command) == expected
    if not ours:
        message = f"{script.name} does not run the server the tests use ({expected})"
        if IN_CI:
            pytest.fail(f"CI=true: {message}")
        pytest.skip(message)


@pytest.fixture
async def local_broker(kafka_bootstrap: str) -> AsyncIterator[None]:
    require_local(KAFKA_SH, address_command="bootstrap", expected=kafka_bootstrap)
    yield
    await asyncio.to_thread(run_script, KAFKA_SH, "start")  # a no-op when it is running


@pytest.fixture
async def local_postgres(postgres_admin_url: str) -> AsyncIterator[None]:
    require_local(PG_SH, address_command="url", expected=postgres_admin_url)
    yield
    await asyncio.to_thread(run_script, PG_SH, "start")


def record_row(scenario: str, **figures: int) -> None:
    path = os.environ.get("VIGIL_FAULT_REPORT")
    if path:
        with open(path, "a", encoding="utf-8") as report:
            report.write(json.dumps({"scenario": scenario, **figures}) + "\n")


def record_nothing_lost(
    scenario: str, sent: list[SentReport], stats: SendStats, *, dead_lettered: int = 0
) -> None:
    """Called once assert_nothing_lost passed: lost and duplicated are proven zero."""
    record_row(
        scenario,
        sent=len(sent),
        accepted=len(sent),
        retried_503=stats.unavailable,
        lost=0,
        duplicated=0,
        dead_lettered=dead_lettered,
    )


async def triaged_now(stack: Stack) -> float:
    return total(await metric_samples(stack), "vigil_tickets_triaged_total")


async def start_stream(
    stack: Stack, *, count: int = REPORTS, triaged_before_fault: int = 100
) -> tuple["asyncio.Task[list[SentReport]]", SendStats]:
    """Reports flowing from 8 senders, once ``triaged_before_fault`` of them are through."""
    stats = SendStats()
    sending = asyncio.create_task(send_reports(stack, count=count, concurrency=8, stats=stats))
    await wait_for_counter(
        stack, counter="vigil_tickets_triaged_total", at_least=triaged_before_fault
    )
    return sending, stats


async def test_triage_killed_mid_stream_loses_and_duplicates_nothing(distributed: Stack) -> None:
    sending, stats = await start_stream(distributed)

    distributed.processes["triage"].kill()
    triaged_at_kill = await triaged_now(distributed)
    assert triaged_at_kill < REPORTS, "the stream ended before the kill: not a mid-stream fault"
    # Intake keeps accepting while triage is down: Kafka holds the reports.
    await wait_for_counter(
        distributed, counter="vigil_tickets_received_total", at_least=triaged_at_kill + 50
    )
    distributed.processes["triage"].start()
    await distributed.wait_ready(["triage"])

    sent = await sending
    await assert_nothing_lost(distributed, sent)
    record_nothing_lost("triage SIGKILL and restart", sent, stats)


async def test_broker_killed_mid_stream_loses_and_duplicates_nothing(
    distributed: Stack, local_broker: None
) -> None:
    sending, stats = await start_stream(distributed)

    await asyncio.to_thread(run_script, KAFKA_SH, "kill")
    await wait_for_readyz(distributed.url("intake"), status=503)
    await asyncio.sleep(5)  # senders get 503s meanwhile and keep their reports
    await asyncio.to_thread(run_script, KAFKA_SH, "start")

    sent = await sending
    assert stats.unavailable > 0, "no sender saw the outage: not a mid-stream fault"
    await assert_nothing_lost(distributed, sent)
    record_nothing_lost("broker SIGKILL and restart", sent, stats)
    for name, process in distributed.processes.items():
        kafka_lines = sum(
            '"logger": "aiokafka' in line for line in process.log_tail(10**6).splitlines()
        )
        assert kafka_lines <= 40, f"{name} wrote {kafka_lines} aiokafka lines for one outage"


async def test_postgres_stopped_for_a_while_loses_and_duplicates_nothing(
    distributed: Stack, local_postgres: None
) -> None:
    sending, stats = await start_stream(distributed)

    await asyncio.to_thread(run_script, PG_SH, "stop")
    # Triage cannot store decisions: it says so, and waits (nothing is dead-lettered).
    await wait_for_readyz(distributed.url("triage"), status=503)
    await asyncio.sleep(10)
    await asyncio.to_thread(run_script, PG_SH, "start")

    sent = await sending
    await assert_nothing_lost(distributed, sent)
    dead = total(await metric_samples(distributed), "vigil_dead_letters_total")
    assert dead == 0, "a database outage is transient: nothing may be dead-lettered"
    record_nothing_lost("PostgreSQL stopped 10 s and started", sent, stats)


async def test_one_of_two_triage_replicas_killed_loses_and_duplicates_nothing(
    distributed: Stack,
) -> None:
    replica = distributed.add_replica(of="triage", name="triage-2")
    replica.start()
    replica_url = f"http://127.0.0.1:{distributed.replica_ports['triage-2']}"
    await wait_for_readyz(replica_url, status=200)
    sending, stats = await start_stream(distributed, triaged_before_fault=150)

    distributed.processes["triage"].kill()
    distributed.ports["triage"] = distributed.replica_ports["triage-2"]  # the survivor answers
    sent = await sending
    await assert_nothing_lost(distributed, sent)
    async with httpx.AsyncClient(timeout=10) as client:
        survivor = (await client.get(f"{replica_url}/metrics")).text
    assert "vigil_events_processed_total" in survivor
    record_nothing_lost("two triage replicas, one SIGKILLed", sent, stats)


def poison_messages() -> dict[str, bytes]:
    valid = json.loads(received("refund please").to_bytes())
    valid["data"]["report"]["body"] = "x" * 600_000  # over the 100,000-character limit
    return {
        "invalid JSON": b"{not json",
        "wrong schema": json.dumps(
            {"specversion": "1.0", "type": "vigil.ticket.received.v1"}
        ).encode(),
        "oversized field": json.dumps(valid).encode(),
    }


async def read_dead_letters(bootstrap: str, topic: str, *, count: int) -> list[dict[str, str]]:
    """Every record's headers, once ``count`` arrived and a quiet second brought no more."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"reader-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        fetch_max_bytes=8 * 1024 * 1024,
    )
    await consumer.start()
    found: list[dict[str, str]] = []
    try:
        deadline = asyncio.get_running_loop().time() + 90
        quiet_since = None
        while asyncio.get_running_loop().time() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            records = [record for records in batch.values() for record in records]
            found += [
                {name: value.decode() for name, value in record.headers} for record in records
            ]
            now = asyncio.get_running_loop().time()
            if records or len(found) < count:
                quiet_since = now
            elif quiet_since is not None and now - quiet_since > 1:
                break
    finally:
        await consumer.stop()
    return found


async def test_poison_is_dead_lettered_once_per_group_and_the_good_reports_all_pass(
    distributed: Stack, kafka_bootstrap: str, kafka_topics: str
) -> None:
    sending, stats = await start_stream(distributed, count=300, triaged_before_fault=50)

    topic = f"{kafka_topics}{TICKETS_RECEIVED}"
    poison = poison_messages()
    with_nul = received("refund please", subject_id="p\u0000x", channel=CHANNEL)
    producer = AIOKafkaProducer(
        bootstrap_servers=kafka_bootstrap, acks="all", max_request_size=2 * 1024 * 1024
    )
    await producer.start()
    try:
        for name, value in poison.items():
            await producer.send_and_wait(topic, value=value, key=name.encode())
        # Intake refuses NUL; one on the topic anyway is stored with U+FFFD, not a stall.
        await producer.send_and_wait(
            topic, value=with_nul.to_bytes(), key=with_nul.subject.encode()
        )
    finally:
        await producer.stop()
    sent = await sending
    nul_report = SentReport(
        ticket_id=with_nul.subject,
        title="refund please",
        expects_escalation=urgent_by_triage(with_nul.data.report.model_dump()),
    )
    await assert_nothing_lost(distributed, [*sent, nul_report])

    headers = await read_dead_letters(
        kafka_bootstrap, dlq(topic), count=len(poison) * len(GROUPS_ON_RECEIVED)
    )
    by_group: dict[str, list[str]] = {}
    for header in headers:
        by_group.setdefault(header["vigil-consumer-group"], []).append(
            header["vigil-source-offset"]
        )
    expected_groups = {f"{kafka_topics}vigil-{service}" for service in GROUPS_ON_RECEIVED}
    assert set(by_group) == expected_groups, by_group
    for group, offsets in by_group.items():
        assert len(offsets) == len(poison) == len(set(offsets)), (group, offsets)
    samples = await metric_samples(distributed)
    assert total(samples, "vigil_dead_letters_total") == len(poison), "each message counted once"

    async with httpx.AsyncClient(timeout=60) as client:
        url = f"{distributed.url('intake')}/v1/webhooks/{CHANNEL}"
        auth = {"Authorization": f"Bearer {CHANNEL_TOKEN}"}
        huge = await client.post(url, json={"title": "x" * 10_000_000}, headers=auth)
        nul = await client.post(
            url, json={"title": "refund", "subject": {"id": "p\u0000x"}}, headers=auth
        )
    assert huge.status_code == 413, huge.text
    assert nul.status_code == 422, nul.text
    record_row(
        "poison among 300 reports (+1 NUL event on the topic)",
        sent=len(sent) + 1 + len(poison),
        accepted=len(sent) + 1,
        retried_503=stats.unavailable,
        lost=0,
        duplicated=0,
        dead_lettered=len(headers),
    )
