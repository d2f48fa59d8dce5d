"""B2: Vigil's producer wrapper against a bare aiokafka loop, same size, linger and acks.

Both keep the same number of sends in flight, each awaiting its acknowledgement, which is
how intake uses the producer (one awaited send per webhook)."""

import argparse
import asyncio
import json
import resource
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiokafka import AIOKafkaProducer

from shared.kafka_bus import KafkaBus

MESSAGES = 20_000
IN_FLIGHT = 200
PAYLOAD = b"x" * 1024


async def drive(send: Callable[[int], Awaitable[None]]) -> float:
    counter = iter(range(MESSAGES))

    async def worker() -> None:
        for index in counter:
            await send(index)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
    return time.perf_counter() - started


async def bare(bootstrap: str, topic: str) -> float:
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, enable_idempotence=True, acks="all", linger_ms=2
    )
    await producer.start()
    try:

        async def send(index: int) -> None:
            await producer.send_and_wait(topic, value=PAYLOAD, key=str(index).encode())

        return await drive(send)
    finally:
        await producer.stop()


async def wrapper(bootstrap: str, topic: str) -> float:
    bus = KafkaBus(bootstrap_servers=bootstrap, client_id="bench", send_timeout_seconds=30)
    await bus.start()
    try:

        async def send(index: int) -> None:
            await bus.send(topic, key=str(index), value=PAYLOAD)

        return await drive(send)
    finally:
        await bus.stop()


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["bare", "wrapper"], required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--bootstrap", default="127.0.0.1:9092")
    parser.add_argument("--out", type=Path, required=True)
    arguments = parser.parse_args()
    run = bare if arguments.mode == "bare" else wrapper
    cpu_before = cpu_seconds()
    elapsed = asyncio.run(run(arguments.bootstrap, arguments.topic))
    cpu = cpu_seconds() - cpu_before
    arguments.out.write_text(
        json.dumps(
            {"per_second": MESSAGES / elapsed, "cpu_seconds_per_1000": 1000 * cpu / MESSAGES}
        )
    )


if __name__ == "__main__":
    main()
