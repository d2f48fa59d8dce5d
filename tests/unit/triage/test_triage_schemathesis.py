"""Schemathesis' engine with every default check against the triage service's OpenAPI
document, with an admin key (every operation reachable): zero failures."""

from pathlib import Path
from typing import Any

from services.triage.main import create_app
from services.triage.settings import TriageSettings
from tests.support.helpers import bearer
from tests.unit.schemathesis_run import run_engine, semantic_422
from tests.unit.triage.conftest import ADMIN_KEY


def test_schemathesis_all_checks_pass(
    triage_config_dir: Path, settings_kwargs: dict[str, Any]
) -> None:
    settings = TriageSettings(**{**settings_kwargs, "config_dir": triage_config_dir})
    app = create_app(settings)
    report = run_engine(
        app,
        label="triage",
        headers=bearer(ADMIN_KEY),
        extra={
            "operations": semantic_422(
                "PUT /v1/rules", "POST /v1/rules/simulate", "POST /v1/triage/dry-run"
            )
        },
    )
    print(report.summary(), dict(report.cases))
    assert not report.errors, report.describe_failures()
    assert not report.failures, report.describe_failures()
    assert len(report.operations) == 12
