"""Run Vigil: one service per process (distributed) or all four in one process (embedded)."""

import asyncio
import contextlib
import importlib
import json
import os
import secrets
import shlex
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from shared.bus import Bus, create_bus
from shared.logging import configure_logging
from shared.settings import ServiceName, VigilSettings

AppFactory = Callable[..., FastAPI]

SERVICES: tuple[ServiceName, ...] = ("intake", "triage", "escalation", "metrics")


def app_factory(service: ServiceName) -> AppFactory:
    """The service's ``create_app``, imported when asked for: a distributed process loads
    only the service it runs, the embedded mode all four."""
    factory: AppFactory = importlib.import_module(f"services.{service}.main").create_app
    return factory


# The built-in demo config reads these; embedded mode fills them in when they are unset.
DEMO_SECRET_VARIABLES = ("VIGIL_DEMO_CHANNEL_TOKEN", "VIGIL_DEMO_API_KEY")


def serve(service: ServiceName) -> None:
    """Distributed mode: one service in this process; uvicorn owns signals."""
    settings = VigilSettings()
    configure_logging(service=service, level=settings.log_level)
    app = app_factory(service)()
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port_of(service),
        log_config=None,
        access_log=False,
    )


class _EmbeddedServer(uvicorn.Server):
    """Signals are handled once for all four servers, by the embedding process."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def ensure_demo_secrets(data_dir: Path) -> dict[str, str]:
    """Stable demo credentials kept in the data dir, used only with the built-in config."""
    path = data_dir / "demo-credentials.json"
    stored: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    for variable in DEMO_SECRET_VARIABLES:
        stored.setdefault(variable, secrets.token_urlsafe(24))
        os.environ.setdefault(variable, stored[variable])
    data_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(stored, indent=2))
    path.chmod(0o600)
    return {variable: os.environ[variable] for variable in DEMO_SECRET_VARIABLES}


def first_report_command(*, settings: VigilSettings, channel_token: str) -> str:
    report = {
        "title": "A user says they are going to kill someone at school tomorrow",
        "body": "Reported from the in-app form.",
        "reporter": {"id": "user-123", "type": "user"},
        "subject": {"type": "post", "id": "post-456"},
        "language": "en",
    }
    url = f"http://{settings.host}:{settings.intake_port}/v1/webhooks/demo"
    return " ".join(
        [
            "curl -sS -X POST",
            shlex.quote(url),
            "-H",
            shlex.quote(f"Authorization: Bearer {channel_token}"),
            "-H 'Content-Type: application/json'",
            "-d",
            shlex.quote(json.dumps(report)),
        ]
    )


async def run_embedded(settings: VigilSettings | None = None) -> None:
    settings = settings or VigilSettings()
    configure_logging(service="vigil", level=settings.log_level)
    demo = ensure_demo_secrets(settings.data_dir) if settings.config_dir is None else None
    bus: Bus = create_bus(settings)
    await bus.start()
    servers = [
        _EmbeddedServer(
            uvicorn.Config(
                app_factory(name)(bus=bus),
                host=settings.host,
                port=settings.port_of(name),
                log_config=None,
                access_log=False,
            )
        )
        for name in SERVICES
    ]
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, _stop_all, servers)
    try:
        serving = asyncio.gather(*(server.serve() for server in servers))
        while not all(server.started for server in servers):
            if serving.done():
                break
            await asyncio.sleep(0.05)
        if all(server.started for server in servers):
            _announce(settings=settings, demo=demo)
        await serving
    finally:
        await bus.stop()
    if not all(server.started for server in servers):
        raise SystemExit("Vigil could not start: see the log lines above")


def _stop_all(servers: list[_EmbeddedServer]) -> None:
    for server in servers:
        server.should_exit = True


def _announce(*, settings: VigilSettings, demo: dict[str, str] | None) -> None:
    lines = [
        "",
        "Vigil is running (embedded mode: one process, in-process bus, SQLite in "
        f"{settings.data_dir.resolve()}).",
        f"  intake      http://{settings.host}:{settings.intake_port}",
        f"  triage      http://{settings.host}:{settings.triage_port}",
        f"  escalation  http://{settings.host}:{settings.escalation_port}",
        f"  metrics     http://{settings.host}:{settings.metrics_port}/metrics",
    ]
    if demo is not None:
        lines += [
            "",
            "Send a first report:",
            "  "
            + first_report_command(
                settings=settings, channel_token=demo["VIGIL_DEMO_CHANNEL_TOKEN"]
            ),
            "",
            "Then list escalations (demo API key, responder role):",
            f"  curl -sS -H 'Authorization: Bearer {demo['VIGIL_DEMO_API_KEY']}' "
            f"http://{settings.host}:{settings.escalation_port}/v1/escalations",
        ]
    lines.append("")
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()
