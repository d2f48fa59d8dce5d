"""docker-compose.yml cannot run here (no Docker engine): validate it instead."""

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from services.intake.channels import load_channels
from shared.auth import ApiKeyRegistry
from shared.migrations import SERVICES_WITH_DATABASE
from shared.settings import DEFAULT_PORTS, ServiceName
from shared.topics import ALL_TOPICS, dlq

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
ONE_SHOT = {"kafka-init", "migrate"}
VIGIL_SERVICES: tuple[ServiceName, ...] = ("intake", "triage", "escalation", "metrics")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = compose["services"]
    return found


def example_env() -> dict[str, str]:
    values: dict[str, str] = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


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


def test_every_long_running_service_has_a_healthcheck(services: dict[str, Any]) -> None:
    missing = [
        name
        for name, service in services.items()
        if name not in ONE_SHOT and "test" not in service.get("healthcheck", {})
    ]
    assert missing == []
    assert set(services) >= ONE_SHOT
    for name in ONE_SHOT:
        assert services[name]["restart"] == "no", name


def test_dependencies_wait_for_health_or_completion(services: dict[str, Any]) -> None:
    """A service starts only once what it needs is healthy (or, for one-shots, done)."""
    for name, service in services.items():
        depends_on = service.get("depends_on", {})
        assert isinstance(depends_on, dict), f"{name}: depends_on needs conditions"
        for dependency, rule in depends_on.items():
            assert dependency in services, f"{name} depends on unknown {dependency}"
            expected = (
                "service_completed_successfully" if dependency in ONE_SHOT else "service_healthy"
            )
            assert rule["condition"] == expected, f"{name} -> {dependency}"


def test_vigil_services_share_one_image_and_run_their_own_command(
    services: dict[str, Any],
) -> None:
    images = {services[name]["image"] for name in (*VIGIL_SERVICES, "migrate")}
    assert len(images) == 1
    for name in VIGIL_SERVICES:
        service = services[name]
        assert service["build"] == "."
        assert service["command"] == ["vigil", "serve", name]
        assert service["restart"] == "unless-stopped"
        assert service["env_file"] == ".env"
        port = DEFAULT_PORTS[name]
        assert f"http://127.0.0.1:{port}/readyz" in " ".join(service["healthcheck"]["test"])
        assert any(mapping.endswith(f":{port}") for mapping in service["ports"])


def test_vigil_services_read_config_read_only_and_never_migrate_themselves(
    services: dict[str, Any],
) -> None:
    for name in VIGIL_SERVICES:
        service = services[name]
        environment = service["environment"]
        assert "./deploy/config:/etc/vigil:ro" in service["volumes"]
        assert environment["VIGIL_CONFIG_DIR"] == "/etc/vigil"
        assert environment["VIGIL_KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
        assert environment["VIGIL_DB_AUTO_MIGRATE"] == "false"
        assert "kafka-init" in service["depends_on"]


def test_each_service_with_a_database_has_its_own_migrated_database(
    services: dict[str, Any],
) -> None:
    created = set(
        re.findall(
            r"CREATE DATABASE (\w+)", (ROOT / "deploy/postgres/init-databases.sql").read_text()
        )
    )
    migrate_script = " ".join(services["migrate"]["command"])
    for name in VIGIL_SERVICES:
        url = services[name]["environment"].get("VIGIL_DATABASE_URL")
        if name not in SERVICES_WITH_DATABASE:
            assert url is None, name
            continue
        assert url == f"postgresql://vigil:${{POSTGRES_PASSWORD}}@postgres:5432/vigil_{name}"
        assert f"vigil_{name}" in created
        assert "migrate" in services[name]["depends_on"]
        assert name in migrate_script
    assert "vigil db upgrade" in migrate_script
    assert "postgres" in services["migrate"]["depends_on"]


def test_topic_initialiser_creates_every_topic_and_its_dead_letter_topic(
    services: dict[str, Any],
) -> None:
    script = " ".join(services["kafka-init"]["command"])
    for topic in ALL_TOPICS:
        assert topic in script
    assert '"$$topic" "$$topic.dlq"' in script
    assert dlq("x") == "x.dlq"
    assert services["kafka"]["environment"]["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"


def test_third_party_images_are_official_and_pinned(services: dict[str, Any]) -> None:
    for name, service in services.items():
        if name in (*VIGIL_SERVICES, "migrate"):
            continue
        image = service["image"]
        repository, _, tag = image.partition(":")
        assert tag, f"{name}: pin {image}"
        assert tag != "latest", f"{name}: pin {image}"
        assert repository in {
            "apache/kafka",
            "postgres",
            "prom/prometheus",
            "grafana/grafana",
        }, image


def test_state_lives_in_named_volumes(compose: dict[str, Any], services: dict[str, Any]) -> None:
    declared = set(compose["volumes"])
    used = {
        volume.split(":")[0]
        for service in services.values()
        for volume in service.get("volumes", [])
        if not volume.startswith(("./", "/"))
    }
    assert used == declared
    assert {"kafka-data", "postgres-data", "prometheus-data", "grafana-data"} <= declared


def test_every_mounted_file_exists(services: dict[str, Any]) -> None:
    mounts = [
        volume.split(":")[0]
        for service in services.values()
        for volume in service.get("volumes", [])
        if volume.startswith("./")
    ]
    assert mounts, "expected bind mounts of deploy/ files"
    for mount in mounts:
        assert (ROOT / mount).exists(), mount
    for service in services.values():
        for volume in service.get("volumes", []):
            if volume.startswith("./"):
                assert volume.endswith(":ro"), f"bind mounts are read-only: {volume}"
    assert (ROOT / "Dockerfile").exists()
    assert (ROOT / ".env.example").exists()


def test_observability_stack_is_mounted_from_deploy(services: dict[str, Any]) -> None:
    prometheus = services["prometheus"]
    assert "./deploy/prometheus:/etc/prometheus:ro" in prometheus["volumes"]
    assert "--config.file=/etc/prometheus/prometheus.yml" in prometheus["command"]
    assert (ROOT / "deploy/prometheus/prometheus.yml").is_file()
    grafana_mounts = [v.split(":")[0] for v in services["grafana"]["volumes"]]
    assert "./deploy/grafana/provisioning" in grafana_mounts


def test_prometheus_scrapes_the_compose_service_names() -> None:
    """The scrape targets are the DNS names and ports of the services in compose."""
    config = yaml.safe_load((ROOT / "deploy/prometheus/prometheus.yml").read_text())
    targets: set[str] = set()
    for job in config.get("scrape_configs", []):
        for static in job.get("static_configs", []):
            targets.update(static.get("targets", []))
        for dns in job.get("dns_sd_configs", []):
            targets.update(f"{name}:{dns.get('port')}" for name in dns.get("names", []))
    for name in VIGIL_SERVICES:
        assert f"{name}:{DEFAULT_PORTS[name]}" in targets, sorted(targets)


def test_every_required_variable_is_in_the_example_env() -> None:
    required = set(re.findall(r"\$\{(\w+):\?", COMPOSE.read_text()))
    used = set(re.findall(r"(?<!\$)\$\{(\w+)[}:]", COMPOSE.read_text()))
    example = example_env()
    assert required <= set(example)
    assert "POSTGRES_PASSWORD" in used
    for name in required:
        assert example[name].startswith("change-me"), f"{name} needs an obvious placeholder"


def test_env_files_are_git_ignored_but_the_example_is_not() -> None:
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert ".env" in ignored
    assert "!.env.example" in ignored


def test_deploy_config_loads_with_the_example_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in example_env().items():
        monkeypatch.setenv(name, value)
    config_dir = ROOT / "deploy" / "config"
    assert "web-form" in load_channels(config_dir)
    assert ApiKeyRegistry.load(config_dir).authenticate("change-me-responder-key") is not None


def test_grafana_provisioning_matches_the_compose_mounts(services: dict[str, Any]) -> None:
    """The datasource URL is the compose name of Prometheus, and the dashboards provider
    reads the directory compose mounts the dashboards into."""
    mounts = {
        volume.split(":")[0]: volume.split(":")[1] for volume in services["grafana"]["volumes"]
    }
    provisioning = ROOT / "deploy/grafana/provisioning"
    datasource_urls = [
        source["url"]
        for path in sorted(provisioning.glob("datasources/*.y*ml"))
        for source in yaml.safe_load(path.read_text())["datasources"]
    ]
    assert "http://prometheus:9090" in datasource_urls
    dashboard_paths = [
        provider["options"]["path"]
        for path in sorted(provisioning.glob("dashboards/*.y*ml"))
        for provider in yaml.safe_load(path.read_text())["providers"]
    ]
    assert dashboard_paths
    for path in dashboard_paths:
        assert mounts.get("./deploy/grafana/dashboards") == path
    assert list((ROOT / "deploy/grafana/dashboards").glob("*.json"))
