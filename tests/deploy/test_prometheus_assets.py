"""deploy/prometheus: promtool check config / check rules / test rules, and every alert
names metrics the services really expose."""

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from shared.settings import DEFAULT_PORTS
from tests.deploy.metric_catalogue import (
    SYNTHETIC,
    exposed_names,
    metric_names_in,
    service_registries,
)

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS_DIR = ROOT / "deploy" / "prometheus"


@pytest.fixture(scope="module")
def promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        pytest.skip(
            "promtool not installed (Debian package 'prometheus'; scripts/test.sh installs it)"
        )
    return found


def run(promtool: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [promtool, *args], capture_output=True, text=True, check=False, cwd=PROMETHEUS_DIR
    )


def test_promtool_accepts_the_configuration(promtool: str) -> None:
    result = run(promtool, "check", "config", "prometheus.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_promtool_accepts_the_rules(promtool: str) -> None:
    result = run(promtool, "check", "rules", "alerts.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 7 rules found" in result.stdout


def test_the_alert_rules_pass_their_unit_tests(promtool: str) -> None:
    result = run(promtool, "test", "rules", "tests/alerts_test.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_every_alert_is_unit_tested() -> None:
    alerts = {
        rule["alert"]
        for group in yaml.safe_load((PROMETHEUS_DIR / "alerts.yml").read_text())["groups"]
        for rule in group["rules"]
    }
    tested = {
        case["alertname"]
        for test in yaml.safe_load((PROMETHEUS_DIR / "tests" / "alerts_test.yml").read_text())[
            "tests"
        ]
        for case in test.get("alert_rule_test", [])
        if case.get("exp_alerts")
    }
    assert alerts == tested


def test_prometheus_scrapes_the_four_services() -> None:
    config: dict[str, Any] = yaml.safe_load((PROMETHEUS_DIR / "prometheus.yml").read_text())
    targets = {
        static["labels"]["service"]: static["targets"]
        for job in config["scrape_configs"]
        for static in job["static_configs"]
    }
    assert targets == {service: [f"{service}:{port}"] for service, port in DEFAULT_PORTS.items()}


def test_alert_expressions_name_only_exposed_metrics(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exposed = set(SYNTHETIC)
    for _, registry in service_registries(tmp_path, monkeypatch):
        exposed |= exposed_names(registry)
    rules = yaml.safe_load((PROMETHEUS_DIR / "alerts.yml").read_text())
    for group in rules["groups"]:
        for rule in group["rules"]:
            named = metric_names_in(rule["expr"])
            assert named, rule["alert"]
            assert named <= exposed, f"{rule['alert']}: unknown {named - exposed}"


def test_metric_names_are_read_from_promql() -> None:
    expression = (
        'histogram_quantile(0.9, sum by (le, priority) (rate(vigil_x_bucket{a="b"}[5m])))'
        " / clamp_min(sum without (instance) (up offset 5m), 1e-9) and on (job) other_metric"
    )
    assert metric_names_in(expression) == {"vigil_x_bucket", "up", "other_metric"}
