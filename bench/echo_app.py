"""Baselines served by uvicorn like the services.

``intake-with-echo``: Vigil's real intake app plus a bare echo route, same app and server
(B1 baseline). ``bare-hop``: an HTTP route that stamps a time and produces it to Kafka
with a bare aiokafka producer (B4's first hop).
"""

import argparse
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI, Request, Response

from services.intake.main import create_app
from shared.logging import configure_logging
from shared.settings import VigilSettings


def intake_with_echo() -> FastAPI:
    app = create_app()

    @app.post("/bench/echo")
    async def echo(request: Request) -> Response:
        return Response(await request.body(), status_code=202, media_type="application/json")

    return app


def bare_hop(*, bootstrap: str, topic: str) -> FastAPI:
    producers: list[AIOKafkaProducer] = []

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap, enable_idempotence=True, acks="all", linger_ms=2
        )
        await producer.start()
        producers.append(producer)
        yield
        await producer.stop()

    app = FastAPI(lifespan=lifespan)

    @app.get("/readyz")
    async def ready() -> dict[str, str]:
        return {"status": "ready"}

    @app.post("/hop")
    async def hop(request: Request) -> Response:
        await request.body()
        stamp = json.dumps({"stamp": time.time()}).encode()
        key = request.headers.get("idempotency-key", "k").encode()
        await producers[0].send_and_wait(topic, value=stamp, key=key)
        return Response(b'{"ok":true}', status_code=202, media_type="application/json")

    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["intake-with-echo", "bare-hop"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--bootstrap", default="127.0.0.1:9092")
    parser.add_argument("--topic", default="")
    arguments = parser.parse_args()
    settings = VigilSettings()
    configure_logging(service="bench", level="WARNING")
    app = (
        intake_with_echo()
        if arguments.kind == "intake-with-echo"
        else bare_hop(bootstrap=arguments.bootstrap, topic=arguments.topic)
    )
    uvicorn.run(app, host=settings.host, port=arguments.port, log_config=None, access_log=False)


if __name__ == "__main__":
    main()
