"""Settings base: every service reads its configuration from ``VIGIL_``-prefixed env vars."""

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ServiceName = Literal["intake", "triage", "escalation", "metrics"]

DEFAULT_PORTS: dict[ServiceName, int] = {
    "intake": 8001,
    "triage": 8002,
    "escalation": 8003,
    "metrics": 8004,
}


class VigilSettings(BaseSettings):
    """Settings every service shares. Selecting the run mode is purely configuration:
    no Kafka bootstrap servers means the in-process bus."""

    model_config = SettingsConfigDict(env_prefix="VIGIL_", extra="ignore")

    kafka_bootstrap_servers: str | None = None
    kafka_client_id: str = "vigil"
    topic_prefix: str = Field(
        default="",
        description="Prepended to every topic and consumer group: lets test runs share a broker.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy async URL; unset means a SQLite file per service in data_dir.",
    )
    db_auto_migrate: bool | None = Field(
        default=None,
        description="Apply database migrations at start-up. Unset: yes for SQLite files "
        "(embedded mode), no for PostgreSQL (run `vigil db upgrade` first).",
    )
    data_dir: Path = Path("data")
    config_dir: Path | None = Field(
        default=None,
        description="Holds channels.yaml and api_keys.yaml; unset means the built-in demo config.",
    )
    max_request_body_bytes: int = Field(
        default=1_048_576,
        gt=0,
        description="Largest request body the triage, escalation and metrics APIs accept "
        "(413 above it). Intake's webhooks use each channel's own max_body_bytes instead.",
    )
    host: str = "127.0.0.1"
    intake_port: int = DEFAULT_PORTS["intake"]
    triage_port: int = DEFAULT_PORTS["triage"]
    escalation_port: int = DEFAULT_PORTS["escalation"]
    metrics_port: int = DEFAULT_PORTS["metrics"]
    log_level: str = "INFO"
    instrumentation_enabled: bool = Field(
        default=True,
        description="Per-request HTTP metrics; off only to measure their cost (benchmark B5).",
    )
    publish_timeout_seconds: float = Field(default=5.0, gt=0)
    consumer_max_attempts: int = Field(default=3, ge=1)
    consumer_batch_size: int = Field(default=500, ge=1)
    consumer_stall_seconds: float = Field(
        default=30.0,
        gt=0,
        description="A consumer retrying the same work (broker or database down) this long "
        "reports itself stalled: /readyz fails and vigil_consumer_stalled is 1.",
    )

    @field_validator("kafka_bootstrap_servers")
    @classmethod
    def _blank_means_unset(cls, value: str | None) -> str | None:
        return value or None

    def port_of(self, service: ServiceName) -> int:
        ports: dict[ServiceName, int] = {
            "intake": self.intake_port,
            "triage": self.triage_port,
            "escalation": self.escalation_port,
            "metrics": self.metrics_port,
        }
        return ports[service]

    def database_url_for(self, service: ServiceName) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / service}.db"

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"

    def group(self, service: ServiceName) -> str:
        return f"{self.topic_prefix}vigil-{service}"
