"""Runs Vigil as real processes and drives it only through HTTP."""

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from services.triage.shipped import classify
from shared.events import Priority, Report
from tests.support.helpers import free_port
from tests.support.polling import Diagnose, wait_until

SERVICES = ("intake", "triage", "escalation", "metrics")
CHANNEL = "web"
CHANNEL_TOKEN = "e2e-channel-token"
API_KEY = "e2e-responder-key"


def write_config(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "channels.yaml").write_text(
        f"""channels:
  - name: {CHANNEL}
    format: generic
    auth: {{type: bearer, tokens: [{{env: VIGIL_E2E_CHANNEL_TOKEN}}]}}
    max_body_bytes: 65536
"""
    )
    (directory / "api_keys.yaml").write_text(
        """api_keys:
  - name: e2e-responder
    role: responder
    teams: [child-safety]
    key: {env: VIGIL_E2E_API_KEY}
"""
    )
    return directory


@dataclass
class Process:
    """One Vigil process; its output goes to a log file shown when a test fails."""

    name: str
    command: list[str]
    env: dict[str, str]
    log_path: Path
    popen: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.popen = subprocess.Popen(
            self.command, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()

    def kill(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            self.popen.send_signal(signal.SIGKILL)
            self.popen.wait(10)

    def stop(self) -> None:
        if self.popen is None or self.popen.poll() is not None:
            return
        self.popen.terminate()
        try:
            self.popen.wait(30)
        except subprocess.TimeoutExpired:
            self.kill()

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@dataclass
class Stack:
    """Vigil's four HTTP endpoints, however they are run."""

    ports: dict[str, int]
    processes: dict[str, Process] = field(default_factory=dict)
    replica_ports: dict[str, int] = field(default_factory=dict)

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def start(self) -> None:
        for process in self.processes.values():
            process.start()

    def stop(self) -> None:
        for process in self.processes.values():
            process.stop()

    def add_replica(self, *, of: str, name: str) -> Process:
        """A second process of ``of`` in the same consumer group, on a port of its own."""
        original = self.processes[of]
        port = free_port()
        replica = Process(
            name=name,
            command=original.command,
            env={**original.env, f"VIGIL_{of.upper()}_PORT": str(port)},
            log_path=original.log_path.with_name(f"{name}.log"),
        )
        self.processes[name] = replica
        self.replica_ports[name] = port
        return replica

    def logs(self) -> str:
        return "\n\n".join(
            f"--- {name} ---\n{process.log_tail()}" for name, process in self.processes.items()
        )

    async def wait_ready(self, services: Iterable[str] = SERVICES, timeout: float = 90) -> None:
        """Every one of ``services`` answers 200 on /readyz, all within ``timeout``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        for service in services:
            await wait_for_readyz(
                self.url(service), name=service, timeout=deadline - loop.time(), diagnose=self.logs
            )


async def wait_for_readyz(
    url: str,
    *,
    status: int = 200,
    timeout: float = 90,
    name: str | None = None,
    diagnose: Diagnose | None = None,
) -> None:
    """Poll ``url``/readyz until it answers ``status``; a server not listening yet is no answer."""
    async with httpx.AsyncClient(timeout=5) as client:

        async def answer() -> int:
            return (await client.get(f"{url}/readyz")).status_code

        await wait_until(
            answer,
            until=lambda code: code == status,
            what=f"{name or url} to answer {status} on /readyz",
            timeout_seconds=timeout,
            interval_seconds=0.2,
            ignoring=(httpx.TransportError,),
            diagnose=diagnose,
        )


def base_env(*, ports: dict[str, int], config_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("VIGIL_")}
    env.update(
        {
            "VIGIL_CONFIG_DIR": str(config_dir),
            "VIGIL_E2E_CHANNEL_TOKEN": CHANNEL_TOKEN,
            "VIGIL_E2E_API_KEY": API_KEY,
            "VIGIL_LOG_LEVEL": "WARNING",
            **{f"VIGIL_{service.upper()}_PORT": str(port) for service, port in ports.items()},
        }
    )
    return env


def migrate(service: str, *, env: dict[str, str]) -> None:
    """What an operator does before starting a service: ``vigil db upgrade``."""
    result = subprocess.run(
        [sys.executable, "-m", "services.cli", "db", "upgrade", "--service", service],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(f"vigil db upgrade --service {service} failed:\n{result.stderr}")


def distributed_stack(
    *,
    tmp_path: Path,
    kafka_bootstrap: str,
    topic_prefix: str,
    database_urls: dict[str, str],
) -> Stack:
    ports = {service: free_port() for service in SERVICES}
    env = base_env(ports=ports, config_dir=write_config(tmp_path / "config"))
    env.update(
        {"VIGIL_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap, "VIGIL_TOPIC_PREFIX": topic_prefix}
    )
    stack = Stack(ports=ports)
    for service in SERVICES:
        service_env = dict(env)
        if service in database_urls:
            service_env["VIGIL_DATABASE_URL"] = database_urls[service]
            service_env["VIGIL_DB_AUTO_MIGRATE"] = "false"
            migrate(service, env=service_env)
        stack.processes[service] = Process(
            name=service,
            command=[sys.executable, "-m", f"services.{service}"],
            env=service_env,
            log_path=tmp_path / f"{service}.log",
        )
    return stack


def embedded_stack(*, tmp_path: Path) -> Stack:
    ports = {service: free_port() for service in SERVICES}
    env = base_env(ports=ports, config_dir=write_config(tmp_path / "config"))
    env["VIGIL_DATA_DIR"] = str(tmp_path / "data")
    stack = Stack(ports=ports)
    stack.processes["embedded"] = Process(
        name="embedded",
        command=[sys.executable, "-m", "services"],
        env=env,
        log_path=tmp_path / "embedded.log",
    )
    return stack


# --- traffic --------------------------------------------------------------------------

P0_TITLES = (
    "He said he is going to kill me tomorrow",
    "My friend posted that she wants to end her life, I think she is suicidal",
    "Account sharing child sexual abuse material",
)
P1_TITLES = ("My account was hacked and the password changed",)
ORDINARY_TITLES = (
    "I was charged twice, please refund",
    "The app crashes when I open settings",
    "Please add dark mode",
    "Someone keeps sending me scam links",
    "Hello, a question about my plan",
)


@dataclass(frozen=True)
class SentReport:
    ticket_id: str
    title: str
    # Triage's own decision for the report (P0 or P1), computed in process: the pipeline
    # must escalate exactly those, including the safety classifier's rare false alarms on
    # ordinary titles. The urgent titles must always be among them.
    expects_escalation: bool


def urgent_by_triage(report: dict[str, object]) -> bool:
    """Whether triage's shipped rules and classifier decide P0 or P1 for ``report``."""
    decision = classify(Report.model_validate(report), channel=CHANNEL)
    is_urgent = decision.priority in (Priority.P0, Priority.P1)
    assert is_urgent or report["title"] not in (*P0_TITLES, *P1_TITLES), decision
    return is_urgent


def report_for(index: int) -> dict[str, object]:
    titles = (*P0_TITLES, *P1_TITLES, *ORDINARY_TITLES)
    # One report in ten is urgent; the rest cycle through ordinary support topics.
    if index % 10 == 0:
        title = titles[(index // 10) % (len(P0_TITLES) + len(P1_TITLES))]
    else:
        title = ORDINARY_TITLES[index % len(ORDINARY_TITLES)]
    return {
        "title": title,
        "body": f"report number {index}",
        "reporter": {"id": f"reporter-{index % 17}", "type": "user"},
        # Distinct subjects: reports about one subject would form a surge and raise priority.
        "subject": {"type": "post", "id": f"post-{index}"},
        "language": "en",
    }


@dataclass
class SendStats:
    """What the senders saw: 503s are retried with the same delivery id, as the README says."""

    unavailable: int = 0


async def send_reports(
    stack: Stack,
    *,
    count: int,
    concurrency: int = 16,
    start: int = 0,
    stats: SendStats | None = None,
) -> list[SentReport]:
    """Send reports, retrying 503s as a real sender would; every 2xx is recorded."""
    semaphore = asyncio.Semaphore(concurrency)
    url = f"{stack.url('intake')}/v1/webhooks/{CHANNEL}"
    headers = {"Authorization": f"Bearer {CHANNEL_TOKEN}"}
    stats = stats if stats is not None else SendStats()

    async def send(client: httpx.AsyncClient, index: int) -> SentReport:
        report = report_for(index)
        delivery_id = f"delivery-{uuid.uuid4()}"
        async with semaphore:
            for _ in range(240):
                with contextlib.suppress(httpx.TransportError):
                    response = await client.post(
                        url, json=report, headers={**headers, "Idempotency-Key": delivery_id}
                    )
                    if response.status_code == 202:
                        return SentReport(
                            ticket_id=response.json()["ticket_id"],
                            title=str(report["title"]),
                            expects_escalation=urgent_by_triage(report),
                        )
                    assert response.status_code == 503, response.text
                    stats.unavailable += 1
                await asyncio.sleep(0.5)
        raise AssertionError(f"report {index} never accepted")

    async with httpx.AsyncClient(timeout=30) as client:
        return list(
            await asyncio.gather(*(send(client, index) for index in range(start, start + count)))
        )


async def metric_samples(stack: Stack) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(f"{stack.url('metrics')}/metrics")
    response.raise_for_status()
    samples: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


async def readiness_of(stack: Stack) -> dict[str, str]:
    """Each service's /readyz answer, to tell a dead or stalled consumer from a slow one."""
    answers: dict[str, str] = {}
    async with httpx.AsyncClient(timeout=5) as client:
        for service in stack.ports:
            try:
                response = await client.get(f"{stack.url(service)}/readyz")
                answers[service] = f"{response.status_code} {response.text}"
            except httpx.TransportError as error:
                answers[service] = repr(error)
    return answers


def total(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str) -> float:
    return sum(value for (sample_name, _), value in samples.items() if sample_name == name)


async def wait_for_counts(
    stack: Stack, *, expected: dict[str, float], timeout: float = 120
) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Poll the metrics service until every named counter's total reaches its value."""
    samples: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}

    async def totals() -> dict[str, float]:
        nonlocal samples
        samples = await metric_samples(stack)
        return {name: total(samples, name) for name in expected}

    await wait_until(
        totals,
        until=lambda found: found == expected,
        what=f"counters {expected}",
        timeout_seconds=timeout,
        interval_seconds=0.5,
        diagnose=lambda: diagnosis(stack),
    )
    return samples


async def wait_for_counter(
    stack: Stack, *, counter: str, at_least: float, timeout: float = 120
) -> None:
    """Poll the metrics service until ``counter``'s total is at least ``at_least``."""

    async def now() -> float:
        return total(await metric_samples(stack), counter)

    await wait_until(
        now,
        until=lambda value: value >= at_least,
        what=f"{counter} to reach {at_least}",
        timeout_seconds=timeout,
        interval_seconds=0.1,
        diagnose=stack.logs,
    )


async def diagnosis(stack: Stack) -> str:
    """What a timed-out wait shows: each service's /readyz and the processes' logs."""
    return f"readyz {await readiness_of(stack)}\n{stack.logs()}"


def auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {API_KEY}"}


async def assert_nothing_lost(stack: Stack, sent: list[SentReport]) -> list[dict[str, object]]:
    """Every accepted report triaged exactly once, every urgent one escalated exactly once.

    Returns the escalations found."""
    urgent = {report.ticket_id for report in sent if report.expects_escalation}
    assert len({report.ticket_id for report in sent}) == len(sent)
    await wait_for_counts(
        stack,
        expected={
            "vigil_tickets_received_total": len(sent),
            "vigil_tickets_triaged_total": len(sent),
            "vigil_escalations_opened_total": len(urgent),
        },
    )
    semaphore = asyncio.Semaphore(16)
    async with httpx.AsyncClient(timeout=30, headers=auth()) as client:

        async def check(report: SentReport) -> None:
            async with semaphore:
                decision = await client.get(f"{stack.url('triage')}/v1/tickets/{report.ticket_id}")
                assert decision.status_code == 200, decision.text
                priority = decision.json()["priority"]
                assert (priority in ("P0", "P1")) == report.expects_escalation, decision.json()
                timeline = await client.get(
                    f"{stack.url('metrics')}/v1/tickets/{report.ticket_id}/timeline"
                )
                assert timeline.status_code == 200, timeline.text
                types = [step["type"] for step in timeline.json()["steps"]]
                assert types.count("vigil.ticket.triaged.v1") == 1, types
                assert types.count("vigil.escalation.opened.v1") == int(report.expects_escalation)

        await asyncio.gather(*(check(report) for report in sent))
        listing = await client.get(f"{stack.url('escalation')}/v1/escalations?limit=1000")
    assert listing.status_code == 200, listing.text
    escalations: list[dict[str, object]] = listing.json()["items"]
    ticket_ids = [str(item["ticket_id"]) for item in escalations]
    assert len(ticket_ids) == len(set(ticket_ids)), "duplicate escalation for a ticket"
    assert set(ticket_ids) == urgent
    return escalations


async def ack_and_resolve(stack: Stack, escalation_ids: list[str]) -> None:
    base = f"{stack.url('escalation')}/v1/escalations"
    async with httpx.AsyncClient(timeout=30, headers=auth()) as client:
        for escalation_id in escalation_ids:
            acked = await client.post(f"{base}/{escalation_id}/ack")
            assert acked.status_code == 200, acked.text
            assert acked.json()["status"] == "acknowledged"
            resolved = await client.post(f"{base}/{escalation_id}/resolve")
            assert resolved.status_code == 200, resolved.text
            assert resolved.json()["status"] == "resolved"
            again = await client.post(f"{base}/{escalation_id}/ack")
            assert again.status_code == 409, again.text
            assert again.headers["content-type"].startswith("application/problem+json")
