"""deploy/grafana: provisioning files and dashboards are valid, use the provisioned
datasource, and chart only metrics the services expose."""

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy.metric_catalogue import (
    SYNTHETIC,
    exposed_names,
    metric_names_in,
    service_registries,
)

ROOT = Path(__file__).resolve().parents[2]
GRAFANA = ROOT / "deploy" / "grafana"
DASHBOARDS = sorted((GRAFANA / "dashboards").glob("*.json"))


def datasource_uid() -> str:
    provisioned = yaml.safe_load(
        (GRAFANA / "provisioning" / "datasources" / "prometheus.yml").read_text()
    )
    (datasource,) = provisioned["datasources"]
    assert datasource["type"] == "prometheus"
    uid: str = datasource["uid"]
    return uid


def load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded


def panels_of(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for panel in dashboard["panels"]:
        found.append(panel)
        found.extend(panel.get("panels", []))  # collapsed rows
    return found


def test_the_three_dashboards_exist() -> None:
    titles = {load(path)["title"] for path in DASHBOARDS}
    assert titles == {
        "Vigil / Support overview",
        "Vigil / On-call health",
        "Vigil / Pipeline health",
    }


def test_the_dashboard_provider_reads_a_directory() -> None:
    provider = yaml.safe_load((GRAFANA / "provisioning" / "dashboards" / "vigil.yml").read_text())
    (entry,) = provider["providers"]
    assert entry["type"] == "file"
    assert Path(entry["options"]["path"]).name == "dashboards"


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda path: path.name)
def test_dashboard_is_well_formed(path: Path) -> None:
    dashboard = load(path)
    uid = datasource_uid()
    panels = panels_of(dashboard)
    assert panels
    assert len({panel["id"] for panel in panels}) == len(panels), "duplicate panel ids"
    for panel in panels:
        assert panel["datasource"] == {"type": "prometheus", "uid": uid}, panel["title"]
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            assert target.get("datasource", panel["datasource"])["uid"] == uid
            assert target["expr"].strip(), panel["title"]
        position = panel["gridPos"]
        assert position["x"] + position["w"] <= 24, panel["title"]


def test_dashboard_uids_are_unique() -> None:
    uids = [load(path)["uid"] for path in DASHBOARDS]
    assert len(set(uids)) == len(uids) == 3


def test_every_expression_names_exposed_metrics(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exposed = set(SYNTHETIC)
    for _, registry in service_registries(tmp_path, monkeypatch):
        exposed |= exposed_names(registry)
    unknown: dict[str, set[str]] = {}
    charted: set[str] = set()
    for path in DASHBOARDS:
        for panel in panels_of(load(path)):
            for target in panel["targets"]:
                named = metric_names_in(target["expr"])
                assert named, f"{path.name}: {panel['title']}: no metric in {target['expr']}"
                charted |= named
                if named - exposed:
                    unknown[f"{path.name}: {panel['title']}"] = named - exposed
    assert unknown == {}
    # The business metrics the issue asks for are all charted somewhere.
    for name in (
        "vigil_tickets_received_total",
        "vigil_triage_overrides_total",
        "vigil_escalations_escalated_total",
        "vigil_ticket_time_to_acknowledge_seconds_bucket",
        "vigil_sla_breaches_total",
        "vigil_consumer_lag_messages",
        "vigil_events_dead_lettered_total",
        # Current state: from the escalation service's database at scrape time (every
        # replica reports the same, so dashboards take the max across replicas).
        "vigil_escalation_open",
        "vigil_escalation_sla_at_risk",
        "vigil_escalation_sla_breached",
    ):
        assert name in charted, name
