"""One report stream through all four services, in both run modes, driven only over HTTP."""

import pytest

from tests.support.harness import (
    Stack,
    ack_and_resolve,
    assert_nothing_lost,
    send_reports,
    wait_for_counts,
)

pytestmark = pytest.mark.e2e

REPORTS = 200
ACKED = 5


async def run_pipeline(stack: Stack) -> None:
    sent = await send_reports(stack, count=REPORTS)
    escalations = await assert_nothing_lost(stack, sent)
    assert len(escalations) >= ACKED

    await ack_and_resolve(stack, [str(item["id"]) for item in escalations[:ACKED]])

    await wait_for_counts(
        stack,
        expected={
            "vigil_tickets_received_total": REPORTS,
            "vigil_escalations_acknowledged_total": ACKED,
            "vigil_escalations_resolved_total": ACKED,
        },
    )


@pytest.mark.kafka
@pytest.mark.postgres
async def test_distributed_pipeline_over_kafka_and_postgres(distributed: Stack) -> None:
    await run_pipeline(distributed)


async def test_embedded_pipeline(embedded: Stack) -> None:
    await run_pipeline(embedded)
