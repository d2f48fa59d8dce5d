"""Open-loop HTTP load generator, run as its own process.

Requests are sent on a fixed schedule (``rate`` per second) whether or not earlier ones
have been answered, so a slow server cannot throttle the load it is offered. A minimal
HTTP/1.1 keep-alive client over asyncio streams keeps the generator itself cheap: it must
not be what limits the measurement.

    python -m bench.loadgen --url http://127.0.0.1:8001/x --rate 2000 --duration 5 \
        --body-file report.json --header 'Authorization: Bearer t' --out result.json
"""

import argparse
import asyncio
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

MAX_CONNECTIONS = 256


@dataclass
class Results:
    started: float = 0.0
    window: float = 0.0
    sent: int = 0
    ok_in_window: int = 0
    ok: int = 0
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    async def request(self, raw: bytes) -> int:
        self.writer.write(raw)
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length = 0
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        if length:
            await self.reader.readexactly(length)
        return status


class Pool:
    def __init__(self, host: str, port: int) -> None:
        self._host, self._port = host, port
        self._idle: list[Connection] = []
        self._open = 0
        self._available = asyncio.Condition()

    async def acquire(self) -> Connection:
        async with self._available:
            while not self._idle and self._open >= MAX_CONNECTIONS:
                await self._available.wait()
            if self._idle:
                return self._idle.pop()
            self._open += 1
        reader, writer = await asyncio.open_connection(self._host, self._port)
        return Connection(reader, writer)

    async def release(self, connection: Connection | None) -> None:
        async with self._available:
            if connection is None:
                self._open -= 1
            else:
                self._idle.append(connection)
            self._available.notify()


def build_request(*, url: str, body: bytes, headers: list[str], unique_key: bool) -> bytes:
    parts = urlsplit(url)
    lines = [
        f"POST {parts.path} HTTP/1.1",
        f"Host: {parts.netloc}",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        *headers,
    ]
    if unique_key:
        lines.append(f"Idempotency-Key: {uuid.uuid4()}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def generate(
    *, url: str, rate: float, duration: float, body: bytes, headers: list[str]
) -> Results:
    parts = urlsplit(url)
    pool = Pool(parts.hostname or "127.0.0.1", parts.port or 80)
    results = Results(window=duration)
    tasks: list[asyncio.Task[None]] = []
    loop = asyncio.get_running_loop()
    results.started = start = loop.time()

    async def one(scheduled: float) -> None:
        raw = build_request(url=url, body=body, headers=headers, unique_key=True)
        connection = await pool.acquire()
        try:
            status = await connection.request(raw)
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            results.errors += 1
            await pool.release(None)
            return
        await pool.release(connection)
        done = loop.time()
        results.statuses[status] = results.statuses.get(status, 0) + 1
        if 200 <= status < 300:
            results.ok += 1
            results.latencies.append(done - scheduled)
            if done - start <= duration:
                results.ok_in_window += 1

    total = int(rate * duration)
    for index in range(total):
        scheduled = start + index / rate
        delay = scheduled - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(scheduled)))
        results.sent += 1
    # Only answers inside the window count; what is still queued after it is abandoned so
    # an overloaded server does not make the run drag on.
    remaining = start + duration + 1.0 - loop.time()
    _, pending = await asyncio.wait(tasks, timeout=max(remaining, 0.1))
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    return results


def summary(results: Results) -> dict[str, object]:
    latencies = sorted(results.latencies)

    def percentile(q: float) -> float | None:
        if not latencies:
            return None
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))]

    return {
        "sent": results.sent,
        "ok": results.ok,
        "errors": results.errors,
        "statuses": results.statuses,
        "throughput_per_second": results.ok_in_window / results.window,
        "latency_p50_seconds": percentile(0.50),
        "latency_p99_seconds": percentile(0.99),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--rate", type=float, required=True)
    parser.add_argument("--duration", type=float, required=True)
    parser.add_argument("--body-file", type=Path, required=True)
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument("--out", type=Path, required=True)
    arguments = parser.parse_args()
    results = asyncio.run(
        generate(
            url=arguments.url,
            rate=arguments.rate,
            duration=arguments.duration,
            body=arguments.body_file.read_bytes(),
            headers=arguments.header,
        )
    )
    arguments.out.write_text(json.dumps(summary(results)))


if __name__ == "__main__":
    main()
