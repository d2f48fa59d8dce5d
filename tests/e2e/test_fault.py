"""Fault tier: processes die mid-stream; afterwards nothing is lost and nothing doubled."""

import asyncio

import pytest

from tests.e2e.harness import Stack, assert_nothing_lost, metric_samples, send_reports, total

pytestmark = [pytest.mark.e2e, pytest.mark.fault, pytest.mark.kafka, pytest.mark.postgres]

REPORTS = 1000


async def wait_until(stack: Stack, *, counter: str, at_least: float, timeout: float = 120) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while total(await metric_samples(stack), counter) < at_least:
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{counter} never reached {at_least}\n{stack.logs()}")
        await asyncio.sleep(0.1)


async def test_triage_killed_mid_stream_loses_and_duplicates_nothing(distributed: Stack) -> None:
    sending = asyncio.create_task(send_reports(distributed, count=REPORTS, concurrency=8))
    await wait_until(distributed, counter="vigil_tickets_triaged_total", at_least=150)

    distributed.processes["triage"].kill()
    triaged_at_kill = total(await metric_samples(distributed), "vigil_tickets_triaged_total")
    assert triaged_at_kill < REPORTS, "the stream ended before the kill: not a mid-stream fault"
    # Intake keeps accepting while triage is down: Kafka holds the reports.
    await wait_until(
        distributed, counter="vigil_tickets_received_total", at_least=triaged_at_kill + 100
    )
    distributed.processes["triage"].start()
    await distributed.wait_ready(["triage"])

    sent = await sending
    assert len(sent) == REPORTS
    await assert_nothing_lost(distributed, sent)
