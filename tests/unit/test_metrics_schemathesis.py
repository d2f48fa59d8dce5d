"""Schemathesis' engine with every default check against the metrics service's OpenAPI
document: zero failures."""

from typing import Any

from services.metrics.main import create_app
from services.metrics.settings import MetricsSettings
from tests.support.helpers import VIEWER_KEY, bearer
from tests.unit.schemathesis_run import run_engine


def test_schemathesis_all_checks_pass(settings_kwargs: dict[str, Any]) -> None:
    app = create_app(MetricsSettings(**settings_kwargs))
    report = run_engine(app, label="metrics", headers=bearer(VIEWER_KEY))
    print(report.summary(), dict(report.cases))
    assert not report.errors, report.describe_failures()
    assert not report.failures, report.describe_failures()
    assert len(report.operations) == 5
