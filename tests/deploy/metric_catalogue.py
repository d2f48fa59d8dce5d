"""The metric names Vigil's services expose, collected from their registries in-process,
and the metric names a PromQL expression refers to."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from services.escalation.main import create_app as create_escalation_app
from services.escalation.settings import EscalationSettings
from services.intake.main import create_app as create_intake_app
from services.intake.settings import IntakeSettings
from services.metrics.main import create_app as create_metrics_app
from services.metrics.settings import MetricsSettings
from services.triage.main import create_app as create_triage_app
from services.triage.settings import TriageSettings
from shared.bus import InProcessBus
from tests.support.helpers import (
    API_KEYS_YAML,
    CHANNEL_TOKEN,
    CHANNEL_TOKEN_ENV,
    CHANNELS_YAML,
    RESPONDER_KEY,
    RESPONDER_KEY_ENV,
    VIEWER_KEY,
    VIEWER_KEY_ENV,
)

# Series Prometheus itself adds to every scrape.
SYNTHETIC = frozenset({"up", "scrape_duration_seconds", "scrape_samples_scraped"})

_SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_count", "_sum", "_created"),
    "summary": ("_count", "_sum", "_created", ""),
    "gauge": ("",),
    "info": ("_info",),
}

_KEYWORDS = frozenset(
    {"and", "or", "unless", "by", "without", "on", "ignoring", "bool", "offset", "inf", "nan"}
)


def exposed_names(registry: CollectorRegistry) -> set[str]:
    """Every sample name a registry can expose, also for labelled metrics without samples."""
    names: set[str] = set()
    for family in registry.collect():
        for suffix in _SUFFIXES.get(family.type, ("",)):
            names.add(family.name + suffix)
        names.update(sample.name for sample in family.samples)
    return names


def service_registries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, CollectorRegistry]]:
    """Each service's registry, from its app factory (nothing is started)."""
    config = tmp_path / "config"
    config.mkdir(exist_ok=True)
    (config / "channels.yaml").write_text(CHANNELS_YAML)
    (config / "api_keys.yaml").write_text(API_KEYS_YAML)
    for variable, value in (
        (CHANNEL_TOKEN_ENV, CHANNEL_TOKEN),
        (RESPONDER_KEY_ENV, RESPONDER_KEY),
        (VIEWER_KEY_ENV, VIEWER_KEY),
    ):
        monkeypatch.setenv(variable, value)
    common = {
        "config_dir": config,
        "data_dir": tmp_path / "data",
        "database_url": None,
        "kafka_bootstrap_servers": None,
    }
    bus = InProcessBus()
    apps = {
        "intake": create_intake_app(IntakeSettings(**common), bus=bus),  # type: ignore[arg-type]
        "triage": create_triage_app(TriageSettings(**common), bus=bus),  # type: ignore[arg-type]
        "escalation": create_escalation_app(
            EscalationSettings(**common),  # type: ignore[arg-type]
            bus=bus,
        ),
        "metrics": create_metrics_app(MetricsSettings(**common), bus=bus),  # type: ignore[arg-type]
    }
    for service, app in apps.items():
        yield service, app.state.vigil.metrics.registry


def metric_names_in(expression: str) -> set[str]:
    """The metric names a PromQL expression selects (functions, keywords and label names
    in by/without/on/ignoring clauses, label matchers and durations are left out)."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', "", expression)
    text = re.sub(r"\{[^}]*\}", " ", text)
    text = re.sub(r"\[[^\]]*\]", " ", text)
    text = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    names: set[str] = set()
    for match in re.finditer(r"(?<![\w.])[a-zA-Z_:][a-zA-Z0-9_:]*", text):
        token = match.group(0)
        if text[match.end() :].lstrip().startswith("(") or token.lower() in _KEYWORDS:
            continue
        names.add(token)
    return names
