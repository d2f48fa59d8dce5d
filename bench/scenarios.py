"""The benchmark figures B1-B6. Each runs baseline and subject interleaved, several times."""

import asyncio
import json
import os
import secrets
import socket
import statistics
import sys
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from sqlalchemy.engine import make_url

from bench.procs import Proc, spawn, wait_ready
from shared.events import Report, TicketReceivedData, TicketReceivedV1, decode_event, utcnow
from shared.kafka_bus import delete_kafka_topics, ensure_kafka_topics
from shared.topics import ALL_TOPICS, TICKETS_RECEIVED, dlq

CHANNEL_TOKEN = "bench-token-" + secrets.token_hex(8)
API_KEY = "bench-key-" + secrets.token_hex(8)
P0_REPORT = {
    "title": "He says he is going to kill me tonight",
    "body": "Threatening messages since this morning, screenshots attached." * 4,
    "reporter": {"id": "reporter-1", "type": "user"},
    "subject": {"type": "account", "id": "account-42"},
    "language": "en",
}


@dataclass
class Sample:
    value: float
    cpu_seconds_per_1000: dict[str, float] = field(default_factory=dict)


@dataclass
class Figure:
    id: str
    what: str
    unit: str
    target: str
    baseline: list[Sample] = field(default_factory=list)
    subject: list[Sample] = field(default_factory=list)
    lower_is_better: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @staticmethod
    def _median(samples: list[Sample]) -> float:
        return statistics.median(sample.value for sample in samples)

    def ratio(self) -> float:
        baseline, subject = self._median(self.baseline), self._median(self.subject)
        if self.lower_is_better:
            return subject / baseline if baseline else float("inf")
        return subject / baseline if baseline else 0.0

    def as_dict(self) -> dict[str, Any]:
        def spread(samples: list[Sample]) -> dict[str, Any]:
            values = [sample.value for sample in samples]
            cpu: dict[str, list[float]] = {}
            for sample in samples:
                for name, seconds in sample.cpu_seconds_per_1000.items():
                    cpu.setdefault(name, []).append(seconds)
            return {
                "median": statistics.median(values),
                "min": min(values),
                "max": max(values),
                "runs": values,
                "cpu_seconds_per_1000": {
                    name: statistics.median(per_run) for name, per_run in cpu.items()
                },
            }

        return {
            "id": self.id,
            "what": self.what,
            "unit": self.unit,
            "target": self.target,
            "baseline": spread(self.baseline),
            "subject": spread(self.subject),
            "ratio": self.ratio(),
            **self.extra,
        }


class Bench:
    def __init__(self, *, workdir: Path, bootstrap: str, postgres_url: str, runs: int) -> None:
        self.workdir = workdir
        self.bootstrap = bootstrap
        self.postgres_url = postgres_url
        self.runs = runs
        self.config_dir = self._write_config()
        self._procs: list[Proc] = []
        self._topics: list[str] = []

    # --- plumbing -----------------------------------------------------------------------

    def _write_config(self) -> Path:
        directory = self.workdir / "config"
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "channels.yaml").write_text(
            "channels:\n  - name: bench\n    format: generic\n"
            "    auth: {type: bearer, tokens: [{env: VIGIL_BENCH_CHANNEL_TOKEN}]}\n"
            "    max_body_bytes: 65536\n"
        )
        (directory / "api_keys.yaml").write_text(
            "api_keys:\n  - name: bench\n    role: admin\n    key: {env: VIGIL_BENCH_API_KEY}\n"
        )
        return directory

    def env(self, **overrides: str) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("VIGIL_")}
        env.update(
            VIGIL_CONFIG_DIR=str(self.config_dir),
            VIGIL_BENCH_CHANNEL_TOKEN=CHANNEL_TOKEN,
            VIGIL_BENCH_API_KEY=API_KEY,
            VIGIL_LOG_LEVEL="WARNING",
            VIGIL_KAFKA_BOOTSTRAP_SERVERS=self.bootstrap,
            VIGIL_DB_AUTO_MIGRATE="true",
        )
        env.update(overrides)
        return env

    def spawn(self, name: str, args: list[str], **env: str) -> Proc:
        proc = spawn(name, args, env=self.env(**env), log_dir=self.workdir)
        self._procs.append(proc)
        return proc

    def stop_all(self) -> None:
        for proc in self._procs:
            proc.stop()
        self._procs.clear()

    async def topics(self) -> str:
        prefix = f"b{uuid.uuid4().hex[:8]}."
        names = [f"{prefix}{topic}" for topic in ALL_TOPICS]
        names += [dlq(name) for name in names]
        await ensure_kafka_topics(bootstrap_servers=self.bootstrap, topics=names)
        self._topics += names
        return prefix

    async def drop_topics(self) -> None:
        """Delete the topics made so far: each run makes its own."""
        if self._topics:
            await delete_kafka_topics(bootstrap_servers=self.bootstrap, topics=self._topics)
        self._topics = []

    async def database(self, label: str) -> str:
        admin = make_url(self.postgres_url)
        name = f"bench_{label}_{uuid.uuid4().hex[:8]}"
        connection = await asyncpg.connect(
            admin.set(drivername="postgresql").render_as_string(hide_password=False)
        )
        try:
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()
        return admin.set(drivername="postgresql", database=name).render_as_string(
            hide_password=False
        )

    async def loadgen(
        self, *, url: str, rate: float, duration: float, body: dict[str, Any], auth: bool
    ) -> dict[str, Any]:
        body_file = self.workdir / "body.json"
        body_file.write_text(json.dumps(body))
        out = self.workdir / f"loadgen-{uuid.uuid4().hex[:6]}.json"
        headers = ["--header", f"Authorization: Bearer {CHANNEL_TOKEN}"] if auth else []
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.loadgen",
            "--url",
            url,
            "--rate",
            str(rate),
            "--duration",
            str(duration),
            "--body-file",
            str(body_file),
            "--out",
            str(out),
            *headers,
        )
        await process.wait()
        result: dict[str, Any] = json.loads(out.read_text())
        return result

    async def interleave(
        self,
        figure: Figure,
        *,
        baseline: Callable[[], Awaitable[Sample]],
        subject: Callable[[], Awaitable[Sample]],
    ) -> Figure:
        for _ in range(self.runs):
            figure.baseline.append(await baseline())
            figure.subject.append(await subject())
        return figure

    # --- B1 and B5: intake throughput -------------------------------------------------

    async def intake_throughput(self) -> list[Figure]:
        prefix = await self.topics()
        ports = {"on": free_port(), "off": free_port()}
        procs = {
            state: self.spawn(
                f"intake-{state}",
                ["-m", "bench.echo_app", "intake-with-echo", "--port", str(port)],
                VIGIL_TOPIC_PREFIX=prefix,
                VIGIL_INSTRUMENTATION_ENABLED="true" if state == "on" else "false",
            )
            for state, port in ports.items()
        }
        for state, proc in procs.items():
            await wait_ready(proc, f"http://127.0.0.1:{ports[state]}/healthz")

        async def measure(state: str, path: str, *, rate: float) -> Sample:
            proc = procs[state]
            before = proc.cpu_seconds()
            result = await self.loadgen(
                url=f"http://127.0.0.1:{ports[state]}{path}",
                rate=rate,
                duration=4,
                body=P0_REPORT,
                auth=True,
            )
            used = proc.cpu_seconds() - before
            ok = max(int(result["ok"]), 1)
            return Sample(
                value=float(result["throughput_per_second"]),
                cpu_seconds_per_1000={"intake": 1000 * used / ok},
            )

        b1 = Figure(
            id="B1",
            what="intake: accepted-and-acknowledged webhooks/s, one process",
            unit="req/s",
            target=">= 0.5",
        )
        await self.interleave(
            b1,
            baseline=lambda: measure("on", "/bench/echo", rate=4000),
            subject=lambda: measure("on", "/v1/webhooks/bench", rate=3000),
        )
        b5 = Figure(
            id="B5",
            what="cost of metrics: intake webhooks/s with instrumentation on vs off",
            unit="req/s",
            target=">= 0.97",
        )
        await self.interleave(
            b5,
            baseline=lambda: measure("off", "/v1/webhooks/bench", rate=3000),
            subject=lambda: measure("on", "/v1/webhooks/bench", rate=3000),
        )
        self.stop_all()
        return [b1, b5]

    # --- B2: producer wrapper ---------------------------------------------------------

    async def producer(self) -> Figure:
        prefix = await self.topics()
        topic = f"{prefix}{TICKETS_RECEIVED}"

        async def measure(mode: str) -> Sample:
            out = self.workdir / f"producer-{uuid.uuid4().hex[:6]}.json"
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bench.producer",
                "--mode",
                mode,
                "--topic",
                topic,
                "--bootstrap",
                self.bootstrap,
                "--out",
                str(out),
            )
            await process.wait()
            result = json.loads(out.read_text())
            return Sample(
                value=result["per_second"],
                cpu_seconds_per_1000={"producer": result["cpu_seconds_per_1000"]},
            )

        figure = Figure(
            id="B2",
            what="Vigil's producer wrapper (KafkaBus.send) vs bare aiokafka send_and_wait",
            unit="msg/s",
            target=">= 0.8",
        )
        return await self.interleave(
            figure, baseline=lambda: measure("bare"), subject=lambda: measure("wrapper")
        )

    # --- B3 and B6: triage throughput -------------------------------------------------

    async def prefill(self, prefix: str, count: int) -> None:
        producer = AIOKafkaProducer(
            bootstrap_servers=self.bootstrap, acks="all", linger_ms=20, enable_idempotence=True
        )
        await producer.start()
        try:
            futures = []
            for index in range(count):
                event = received_event(index)
                futures.append(
                    await producer.send(
                        f"{prefix}{TICKETS_RECEIVED}",
                        value=event.to_bytes(),
                        key=event.subject.encode(),
                    )
                )
            await asyncio.gather(*futures)
        finally:
            await producer.stop()

    async def drain_rate(self, *, group: str, topic: str, total: int, procs: list[Proc]) -> Sample:
        """Messages per second between 10% and 90% committed: start-up and tail excluded."""
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap)
        await admin.start()
        loop = asyncio.get_running_loop()
        marks: dict[float, float] = {}
        cpu_start = sum(proc.cpu_seconds() for proc in procs)
        deadline = loop.time() + 300
        try:
            while loop.time() < deadline:
                offsets = await admin.list_consumer_group_offsets(group)
                done = sum(meta.offset for tp, meta in offsets.items() if tp.topic == topic)
                for fraction in (0.1, 0.9):
                    if fraction not in marks and done >= fraction * total:
                        marks[fraction] = loop.time()
                if done >= total:
                    break
                for proc in procs:
                    if proc.popen.poll() is not None:
                        raise RuntimeError(f"{proc.name} exited\n{proc.tail()}")
                await asyncio.sleep(0.1)
            else:
                raise RuntimeError(f"{group} did not drain {topic}")
        finally:
            await admin.close()
        cpu = sum(proc.cpu_seconds() for proc in procs) - cpu_start
        elapsed = max(marks[0.9] - marks[0.1], 1e-3)
        return Sample(
            value=0.8 * total / elapsed,
            cpu_seconds_per_1000={"triage-or-passthrough": 1000 * cpu / total},
        )

    async def triage_run(self, prefix: str, total: int, *, replicas: int) -> Sample:
        database_url = await self.database("triage")
        procs = [
            self.spawn(
                f"triage-{index}",
                ["-m", "services.triage"],
                VIGIL_TOPIC_PREFIX=prefix,
                VIGIL_DATABASE_URL=database_url,
                VIGIL_TRIAGE_PORT=str(free_port()),
            )
            for index in range(replicas)
        ]
        try:
            return await self.drain_rate(
                group=f"{prefix}vigil-triage",
                topic=f"{prefix}{TICKETS_RECEIVED}",
                total=total,
                procs=procs,
            )
        finally:
            self.stop_all()

    async def passthrough_run(self, prefix: str, total: int) -> Sample:
        group = f"{prefix}bare-{uuid.uuid4().hex[:6]}"
        proc = self.spawn(
            "passthrough",
            [
                "-m",
                "bench.passthrough",
                "--bootstrap",
                self.bootstrap,
                "--source",
                f"{prefix}{TICKETS_RECEIVED}",
                "--target",
                f"{prefix}tickets.triaged",
                "--group",
                group,
            ],
        )
        try:
            return await self.drain_rate(
                group=group, topic=f"{prefix}{TICKETS_RECEIVED}", total=total, procs=[proc]
            )
        finally:
            self.stop_all()

    async def triage_figures(self, *, total: int) -> list[Figure]:
        async def filled() -> str:
            prefix = await self.topics()
            await self.prefill(prefix, total)
            return prefix

        async def one_triage() -> Sample:
            return await self.triage_run(await filled(), total, replicas=1)

        async def two_triage() -> Sample:
            return await self.triage_run(await filled(), total, replicas=2)

        async def bare() -> Sample:
            return await self.passthrough_run(await filled(), total)

        b3 = Figure(
            id="B3",
            what="triage: tickets classified and committed per second, one process",
            unit="msg/s",
            target=">= 0.5 and >= 5,000/s",
        )
        await self.interleave(b3, baseline=bare, subject=one_triage)
        b6 = Figure(
            id="B6",
            what="scale-out: two triage processes vs one, 6-partition topic",
            unit="msg/s",
            target=">= 1.6",
        )
        await self.interleave(b6, baseline=one_triage, subject=two_triage)
        return [b3, b6]

    # --- B4: end-to-end latency -------------------------------------------------------

    async def latency(
        self,
        *,
        rate: float,
        duration: float,
        figure_id: str = "B4",
        target: str = "p99 <= 2x baseline and <= 100 ms",
    ) -> Figure:
        async def vigil() -> Sample:
            prefix = await self.topics()
            ports = {name: free_port() for name in ("intake", "triage", "escalation")}
            port_env = {f"VIGIL_{name.upper()}_PORT": str(port) for name, port in ports.items()}
            for name in ("intake", "triage", "escalation"):
                extra = {}
                if name != "intake":
                    extra["VIGIL_DATABASE_URL"] = await self.database(name)
                proc = self.spawn(
                    name,
                    ["-m", f"services.{name}"],
                    VIGIL_TOPIC_PREFIX=prefix,
                    **port_env,
                    **extra,
                )
                await wait_ready(proc, f"http://127.0.0.1:{ports[name]}/readyz")
            try:
                result = await self.loadgen(
                    url=f"http://127.0.0.1:{ports['intake']}/v1/webhooks/bench",
                    rate=rate,
                    duration=duration,
                    body=P0_REPORT,
                    auth=True,
                )
                latencies = await escalation_latencies(
                    bootstrap=self.bootstrap, topic=f"{prefix}escalations", count=result["ok"]
                )
            finally:
                self.stop_all()
            return latency_sample(latencies, expected=result["ok"])

        async def bare() -> Sample:
            prefix = await self.topics()
            port = free_port()
            record = self.workdir / f"bare-latency-{uuid.uuid4().hex[:6]}.txt"
            hop = self.spawn(
                "bare-hop",
                [
                    "-m",
                    "bench.echo_app",
                    "bare-hop",
                    "--port",
                    str(port),
                    "--topic",
                    f"{prefix}tickets.received",
                ],
            )
            for source, target, extra in (
                ("tickets.received", "tickets.triaged", []),
                ("tickets.triaged", "", ["--record-latency", str(record)]),
            ):
                self.spawn(
                    f"bare-{source}",
                    [
                        "-m",
                        "bench.passthrough",
                        "--source",
                        f"{prefix}{source}",
                        "--target",
                        f"{prefix}{target}",
                        "--group",
                        f"{prefix}bare-{source}",
                        *extra,
                    ],
                )
            await wait_ready(hop, f"http://127.0.0.1:{port}/readyz")
            await asyncio.sleep(3)  # the two consumers join their groups
            try:
                result = await self.loadgen(
                    url=f"http://127.0.0.1:{port}/hop",
                    rate=rate,
                    duration=duration,
                    body=P0_REPORT,
                    auth=False,
                )
                latencies = await wait_for_lines(record, count=result["ok"])
            finally:
                self.stop_all()
            return latency_sample(latencies, expected=result["ok"])

        figure = Figure(
            id=figure_id,
            what=f"end-to-end p99 latency webhook -> escalation opened at {rate:.0f} reports/s",
            unit="s (p99)",
            target=target,
            lower_is_better=True,
        )
        return await self.interleave(figure, baseline=bare, subject=vigil)


def latency_sample(latencies: list[float], *, expected: int) -> Sample:
    ordered = sorted(latencies)
    if not ordered:
        return Sample(value=float("inf"))
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    p50 = ordered[len(ordered) // 2]
    return Sample(
        value=p99,
        cpu_seconds_per_1000={"p50_seconds": p50, "delivered_fraction": len(ordered) / expected},
    )


async def escalation_latencies(*, bootstrap: str, topic: str, count: int) -> list[float]:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"bench-{uuid.uuid4().hex[:6]}",
        auto_offset_reset="earliest",
    )
    await consumer.start()
    latencies: list[float] = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 60
    try:
        while len(latencies) < count and loop.time() < deadline:
            batches = await consumer.getmany(timeout_ms=500, max_records=5000)
            for batch in batches.values():
                for record in batch:
                    event = decode_event(record.value)
                    if event.type != "vigil.escalation.opened.v1":
                        continue
                    data = event.data
                    received_at: datetime | None = getattr(data, "received_at", None)
                    opened_at: datetime | None = getattr(data, "at", None)
                    if received_at is not None and opened_at is not None:
                        latencies.append((opened_at - received_at).total_seconds())
    finally:
        await consumer.stop()
    return latencies


async def wait_for_lines(path: Path, *, count: int, timeout: float = 60) -> list[float]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    values: list[float] = []
    while loop.time() < deadline:
        if path.exists():
            values = [float(line) for line in path.read_text().split()]
            if len(values) >= count:
                break
        await asyncio.sleep(0.2)
    return values


def received_event(index: int) -> TicketReceivedV1:
    ticket_id = str(uuid.uuid4())
    title = P0_REPORT["title"] if index % 10 == 0 else f"I was charged twice, order {index}"
    return TicketReceivedV1(
        source="/bench",
        subject=ticket_id,
        data=TicketReceivedData(
            ticket_id=ticket_id,
            channel="bench",
            delivery_id=ticket_id,
            received_at=utcnow(),
            report=Report(title=str(title), body=str(P0_REPORT["body"])),
        ),
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
