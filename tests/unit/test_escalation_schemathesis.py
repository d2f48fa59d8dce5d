"""Schemathesis against the escalation OpenAPI document: generated requests to every
operation, with no key, a viewer, a responder or an admin key, against a real escalation or
a random id, never give a server error; without a key every operation answers 401. And
schemathesis' own engine with every default check, as each role: zero failures."""

import asyncio
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error, response_schema_conformance
from schemathesis.python import asgi

from services.escalation import store
from services.escalation.config import load_config
from services.escalation.main import create_app
from services.escalation.opening import open_for_ticket
from services.escalation.settings import EscalationSettings
from shared.db import Database
from shared.events import Priority, Reason, TicketTriagedData, TicketTriagedV1
from tests.support.escalation import (
    WEBHOOK_SECRET,
    WEBHOOK_SECRET_ENV,
    FakeClock,
    write_escalation_config,
)
from tests.support.helpers import RESPONDER_KEY, VIEWER_KEY
from tests.unit.schemathesis_run import run_engine, semantic_422

ADMIN_KEY = "schemathesis-admin-key"
KEYS = {"none": None, "viewer": VIEWER_KEY, "responder": RESPONDER_KEY, "admin": ADMIN_KEY}
MAX_EXAMPLES = 20


async def _seed(url: str, config_dir: Path) -> str:
    db = Database(url)
    await db.create_tables(store.TABLES)
    clock = FakeClock()
    event = TicketTriagedV1(
        source="/tests",
        subject="schemathesis-ticket",
        data=TicketTriagedData(
            ticket_id="schemathesis-ticket",
            channel="tests",
            category="harassment",
            severity="high",
            priority=Priority.P1,
            queue="trust-safety",
            reasons=[Reason(rule="t", detail="t")],
            rules_version="t",
            received_at=clock(),
            triaged_at=clock(),
        ),
    )
    escalation = await open_for_ticket(db, event, config=load_config(config_dir))
    await db.dispose()
    return escalation.id


def _runner(operation: Any, seen: set[int], escalation_id: str) -> Any:
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,  # the coverage assertions must not depend on the random seed
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(), real=st.booleans())
    def run(case: Any, real: bool) -> None:
        if real and "escalation_id" in (case.path_parameters or {}):
            case.path_parameters = {"escalation_id": escalation_id}
        for key in KEYS.values():
            headers = {"Authorization": f"Bearer {key}"} if key else {}
            response = case.call(headers=headers)
            seen.add(response.status_code)
            case.validate_response(
                response, checks=[not_a_server_error, response_schema_conformance]
            )
            if key is None:
                assert response.status_code == 401, response.text

    return run


def _app(settings_kwargs: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> tuple[Any, str]:
    config_dir: Path = settings_kwargs["config_dir"]
    write_escalation_config(config_dir)
    monkeypatch.setenv(WEBHOOK_SECRET_ENV, WEBHOOK_SECRET)
    monkeypatch.setenv("VIGIL_SCHEMATHESIS_ADMIN", ADMIN_KEY)
    with (config_dir / "api_keys.yaml").open("a") as keys:
        keys.write("  - {name: ada, role: admin, key: {env: VIGIL_SCHEMATHESIS_ADMIN}}\n")
    data_dir: Path = settings_kwargs["data_dir"]
    data_dir.mkdir(parents=True, exist_ok=True)
    escalation_id = asyncio.run(_seed(f"sqlite:///{data_dir / 'escalation.db'}", config_dir))
    app = create_app(EscalationSettings(**settings_kwargs, timer_interval_seconds=3600))
    return app, escalation_id


def test_generated_requests_never_give_server_errors(
    settings_kwargs: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, escalation_id = _app(settings_kwargs, monkeypatch)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    statuses: dict[str, set[int]] = {}
    try:
        paths: dict[str, dict[str, Any]] = app.openapi()["paths"]
        for path, methods in paths.items():
            if path in ("/healthz", "/readyz", "/metrics"):
                continue
            [method] = methods
            operation = schema[path][method.upper()]
            label = f"{method.upper()} {path}"
            seen = statuses.setdefault(label, set())

            _runner(operation, seen, escalation_id)()
    finally:
        asgi.shutdown_lifespans()

    assert len(statuses) == 9, statuses
    for label, seen in statuses.items():
        assert 401 in seen, label
        assert seen & {200, 201, 400, 404, 409, 422}, (label, seen)


@pytest.mark.parametrize("role", ["viewer", "responder", "admin"])
def test_schemathesis_all_checks_pass(
    settings_kwargs: dict[str, Any], monkeypatch: pytest.MonkeyPatch, role: str
) -> None:
    """Schemathesis' engine with every default check, as each role, against a real
    escalation (its id is every generated escalation_id): zero failures."""
    app, escalation_id = _app(settings_kwargs, monkeypatch)
    report = run_engine(
        app,
        label=f"escalation ({role})",
        headers={"Authorization": f"Bearer {KEYS[role]}"},
        extra={
            "parameters": {"escalation_id": escalation_id},
            "operations": semantic_422(
                "GET /v1/escalations", "POST /v1/escalations/{escalation_id}/snooze"
            ),
        },
    )
    print(report.summary(), dict(report.cases))
    assert not report.errors, report.describe_failures()
    assert not report.failures, report.describe_failures()
    assert len(report.operations) == 13
