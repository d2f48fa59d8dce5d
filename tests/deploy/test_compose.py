"""docker-compose.yml cannot run here (no Docker engine): validate it instead."""

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from services.intake.domain import load_channels
from shared.auth import ApiKeyRegistry

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
ONE_SHOT = {"kafka-init"}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


def test_compose_file_matches_the_compose_specification() -> None:
    executable = shutil.which("check-jsonschema") or str(
        Path(sys.executable).parent / "check-jsonschema"
    )
    result = subprocess.run(
        [executable, "--builtin-schema", "vendor.compose-spec", str(COMPOSE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_long_running_service_has_a_healthcheck(compose: dict[str, Any]) -> None:
    missing = [
        name
        for name, service in compose["services"].items()
        if name not in ONE_SHOT and "healthcheck" not in service
    ]
    assert missing == []


def test_every_vigil_service_runs_its_own_command(compose: dict[str, Any]) -> None:
    for name in ("intake", "triage", "escalation", "metrics"):
        assert compose["services"][name]["command"] == ["vigil", "serve", name]


def test_every_mounted_file_exists(compose: dict[str, Any]) -> None:
    mounts = [
        volume.split(":")[0]
        for service in compose["services"].values()
        for volume in service.get("volumes", [])
        if volume.startswith("./")
    ]
    assert mounts, "expected bind mounts of deploy/ files"
    for mount in mounts:
        assert (ROOT / mount).exists(), mount
    assert (ROOT / "Dockerfile").exists()
    assert (ROOT / ".env.example").exists()


def test_deploy_config_loads_with_the_example_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            monkeypatch.setenv(name, value)
    config_dir = ROOT / "deploy" / "config"
    assert "web-form" in load_channels(config_dir)
    assert ApiKeyRegistry.load(config_dir).authenticate("change-me-responder-key") is not None
