"""Bare consume-then-produce with aiokafka, committing per batch like Vigil's loop: the
baseline for triage (B3, B6) and a hop of B4's bare chain. With ``--record-latency`` it is
the chain's last hop: it records now - stamp instead of producing."""

import argparse
import asyncio
import json
import time
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer


async def run(
    *, bootstrap: str, source: str, target: str, group: str, latency_file: Path | None
) -> None:
    consumer = AIOKafkaConsumer(
        source,
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, enable_idempotence=True, acks="all", linger_ms=2
    )
    await consumer.start()
    await producer.start()
    sink = latency_file.open("a") if latency_file is not None else None
    try:
        while True:
            batches = await consumer.getmany(timeout_ms=200, max_records=500)
            records = [record for batch in batches.values() for record in batch]
            if not records:
                continue
            if sink is not None:
                now = time.time()
                for record in records:
                    sink.write(f"{now - json.loads(record.value)['stamp']}\n")
                sink.flush()
            else:
                # Every send handed to the producer first, then all acknowledgements awaited:
                # the best a bare client does, so the baseline is not slowed by round trips.
                acknowledgements = [
                    await producer.send(target, value=record.value, key=record.key)
                    for record in records
                ]
                await asyncio.gather(*acknowledgements)
            await consumer.commit()
    finally:
        if sink is not None:
            sink.close()
        await consumer.stop()
        await producer.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bootstrap", default="127.0.0.1:9092")
    parser.add_argument("--source", required=True)
    parser.add_argument("--target", default="")
    parser.add_argument("--group", required=True)
    parser.add_argument("--record-latency", type=Path)
    arguments = parser.parse_args()
    asyncio.run(
        run(
            bootstrap=arguments.bootstrap,
            source=arguments.source,
            target=arguments.target,
            group=arguments.group,
            latency_file=arguments.record_latency,
        )
    )


if __name__ == "__main__":
    main()
