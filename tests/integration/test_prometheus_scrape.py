"""A real Prometheus server scrapes Vigil on loopback and counts known traffic.

Vigil runs as the embedded process (tests/support/harness.py) on free ports; Prometheus (the
Debian package's /usr/bin/prometheus) scrapes its four services every second with Vigil's
own alert rules loaded, and the test asks Prometheus' HTTP API, not Vigil, for the counts.
"""

import json
import shutil
import subprocess
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import IN_CI
from tests.support.harness import Stack, embedded_stack, report_for, send_reports
from tests.support.helpers import free_port
from tests.support.polling import wait_until

ROOT = Path(__file__).resolve().parents[2]
ALERT_RULES = ROOT / "deploy" / "prometheus" / "alerts.yml"
REPORTS = 20


@pytest.fixture
def prometheus_binary() -> str:
    found = shutil.which("prometheus")
    if found is None:
        message = (
            "prometheus not installed (Debian package 'prometheus'; scripts/test.sh installs it)"
        )
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture
async def vigil(tmp_path: Path) -> AsyncIterator[Stack]:
    stack = embedded_stack(tmp_path=tmp_path / "vigil")
    stack.start()
    try:
        await stack.wait_ready()
        yield stack
    finally:
        stack.stop()


def prometheus_config(stack: Stack) -> str:
    statics = [
        {"targets": [f"127.0.0.1:{port}"], "labels": {"service": service}}
        for service, port in stack.ports.items()
    ]
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(ALERT_RULES)],
        "scrape_configs": [{"job_name": "vigil", "static_configs": statics}],
    }
    return json.dumps(config)  # JSON is YAML


@dataclass(frozen=True)
class Prometheus:
    url: str
    process: "subprocess.Popen[bytes]"
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture
def prometheus_process(
    prometheus_binary: str, vigil: Stack, tmp_path: Path
) -> Iterator[Prometheus]:
    config = tmp_path / "prometheus.yml"
    config.write_text(prometheus_config(vigil))
    address = f"127.0.0.1:{free_port()}"
    log_path = tmp_path / "prometheus.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                prometheus_binary,
                f"--config.file={config}",
                f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                f"--web.listen-address={address}",
                "--log.level=warn",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield Prometheus(url=f"http://{address}", process=process, log_path=log_path)
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        if process.returncode not in (0, -15):
            print(log_path.read_text(errors="replace")[-4000:])


@pytest.fixture
async def prometheus(prometheus_process: Prometheus) -> str:
    """Prometheus' URL, once it answers 200 on /-/ready."""
    await wait_ready(prometheus_process)
    return prometheus_process.url


async def wait_ready(prometheus: Prometheus) -> None:
    """Prometheus answers 503 until its storage and rules are loaded: wait for /-/ready."""
    async with httpx.AsyncClient(timeout=2) as client:

        async def ready() -> bool:
            if prometheus.process.poll() is not None:
                raise AssertionError(f"prometheus exited:\n{prometheus.log()}")
            return (await client.get(f"{prometheus.url}/-/ready")).status_code == 200

        await wait_until(
            ready,
            what="prometheus to be ready",
            timeout_seconds=60,
            interval_seconds=0.2,
            ignoring=(httpx.TransportError,),
            diagnose=prometheus.log,
        )


async def query(client: httpx.AsyncClient, expression: str) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/query", params={"query": expression})
    response.raise_for_status()
    body = response.json()
    assert body["status"] == "success", body
    result: list[dict[str, Any]] = body["data"]["result"]
    return result


def by_label(result: list[dict[str, Any]], label: str) -> dict[str, float]:
    return {sample["metric"].get(label, ""): float(sample["value"][1]) for sample in result}


async def eventually(
    client: httpx.AsyncClient, expression: str, label: str, expected: dict[str, float]
) -> list[dict[str, Any]]:
    """Poll Prometheus until the query returns exactly ``expected`` (bounded deadline)."""
    return await wait_until(
        lambda: query(client, expression),
        until=lambda result: by_label(result, label) == expected,
        what=f"{expression} to be {expected} by {label}",
        timeout_seconds=60,
        interval_seconds=0.5,
        ignoring=(httpx.TransportError,),
    )


async def test_prometheus_counts_the_reports_vigil_received(vigil: Stack, prometheus: str) -> None:
    async with httpx.AsyncClient(base_url=prometheus, timeout=10) as client:
        await eventually(client, 'up{job="vigil"}', "service", dict.fromkeys(vigil.ports, 1.0))
        sent = await send_reports(vigil, count=REPORTS)
        assert len({report.ticket_id for report in sent}) == REPORTS
        urgent = sum(1 for index in range(REPORTS) if index % 10 == 0)

        received = await eventually(
            client,
            "sum by (channel) (vigil_tickets_received_total)",
            "channel",
            {"web": float(REPORTS)},
        )
        triaged = await eventually(
            client, "sum(vigil_tickets_triaged_total)", "", {"": float(REPORTS)}
        )
        # The urgent titles are P0 whatever else triage decides (e.g. raising a surge to P1).
        p0 = await eventually(
            client,
            'sum by (priority) (vigil_tickets_triaged_total{priority="P0"})',
            "priority",
            {"P0": float(urgent)},
        )
        opened = await eventually(
            client,
            'sum by (priority) (vigil_escalations_opened_total{priority="P0"})',
            "priority",
            {"P0": float(urgent)},
        )
        histogram = await eventually(
            client,
            "sum(vigil_ticket_time_to_triage_seconds_count)",
            "",
            {"": float(REPORTS)},
        )
        gauges = await eventually(
            client,
            'sum by (priority) (vigil_escalations_open{priority="P0", status="open"})',
            "priority",
            {"P0": float(urgent)},
        )
    # The closing note of the observability issue quotes these.
    print(
        json.dumps(
            {
                "titles_of_urgent_reports": [
                    report_for(index)["title"] for index in range(REPORTS) if index % 10 == 0
                ],
                "sum by (channel) (vigil_tickets_received_total)": received,
                "sum(vigil_tickets_triaged_total)": triaged,
                'sum by (priority) (vigil_tickets_triaged_total{priority="P0"})': p0,
                'sum by (priority) (vigil_escalations_opened_total{priority="P0"})': opened,
                "sum(vigil_ticket_time_to_triage_seconds_count)": histogram,
                'sum by (priority) (vigil_escalations_open{priority="P0", status="open"})': gauges,
            },
            indent=2,
        )
    )
