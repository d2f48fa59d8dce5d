"""Escalation's configuration files: ``policies.yaml`` and ``schedules.yaml``.

Both are optional in a config directory: without ``policies.yaml`` an escalation is opened
and tracked but pages nobody; without ``schedules.yaml`` there are no schedules. Every
reference (a level's schedule, user or team; a schedule's users) is checked at load time.
Who may see restricted categories is not here but in ``api_keys.yaml`` (every service
enforces it: see ``shared.auth.RestrictedCategories``).
"""

import ipaddress
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from services.escalation.config_types import Duration, StrictModel
from services.escalation.schedule_config import Schedule, SchedulesFile
from shared.config import ConfigError, SecretRef, load_yaml_model
from shared.events import Priority

POLICIES_FILE = "policies.yaml"
SCHEDULES_FILE = "schedules.yaml"

# --- contacts, users, teams -----------------------------------------------------------


class WebhookContact(StrictModel):
    type: Literal["webhook"]
    url: str = Field(pattern=r"^https?://")
    secret: SecretRef | None = Field(
        default=None, description="Standard Webhooks secret ('whsec_<base64>') for signing."
    )


class SlackContact(StrictModel):
    type: Literal["slack"]
    url: SecretRef | str = Field(description="Incoming webhook URL (it is a secret).")


class PagerDutyContact(StrictModel):
    type: Literal["pagerduty"]
    routing_key: SecretRef
    url: str = Field(default="https://events.pagerduty.com/v2/enqueue", pattern=r"^https?://")


class EmailContact(StrictModel):
    type: Literal["email"]
    address: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")


Contact = Annotated[
    WebhookContact | SlackContact | PagerDutyContact | EmailContact,
    Field(discriminator="type"),
]


class User(StrictModel):
    name: str = Field(min_length=1, max_length=128)
    contacts: list[Contact] = Field(default_factory=list)


class Team(StrictModel):
    name: str = Field(min_length=1, max_length=128)
    members: list[str] = Field(min_length=1)


# --- policies ---------------------------------------------------------------------------


class Target(StrictModel):
    """Exactly one of a schedule (whoever is on call), a user or a team (every member)."""

    schedule: str | None = None
    user: str | None = None
    team: str | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        if sum(value is not None for value in (self.schedule, self.user, self.team)) != 1:
            raise ValueError("give exactly one of 'schedule', 'user' or 'team'")
        return self

    @property
    def label(self) -> str:
        if self.schedule is not None:
            return f"schedule:{self.schedule}"
        if self.user is not None:
            return f"user:{self.user}"
        return f"team:{self.team}"


class Level(StrictModel):
    targets: list[Target] = Field(min_length=1)
    ack_timeout: Duration = Field(description="How long to wait for an ack before climbing.")

    @field_validator("ack_timeout")
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value <= timedelta(0):
            raise ValueError("must be positive")
        return value


class Match(StrictModel):
    """Empty lists match anything; all given lists must match.

    ``kind: ticket`` (the default) matches triaged P0/P1 tickets by priority, category and
    queue; ``kind: trend`` matches detected spikes (``vigil.trend.detected.v1``) by
    category, channel and a minimum score. A policy matches one kind only."""

    kind: Literal["ticket", "trend"] = "ticket"
    priorities: list[Priority] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    queues: list[str] = Field(default_factory=list)
    channels: list[str] = Field(default_factory=list, description="Trend policies only.")
    min_score: float | None = Field(
        default=None, gt=0, description="Trend policies only: the trend's score must reach it."
    )

    @model_validator(mode="after")
    def _criteria_of_kind(self) -> Self:
        if self.kind == "ticket" and (self.channels or self.min_score is not None):
            raise ValueError("'channels' and 'min_score' need 'kind: trend'")
        if self.kind == "trend" and (self.priorities or self.queues):
            raise ValueError(
                "a trend has no priority or queue to match: use 'categories', 'channels' or "
                "'min_score' (the policy's own 'priority' and 'queue' set the escalation's)"
            )
        return self


class Policy(StrictModel):
    name: str = Field(min_length=1, max_length=64)
    match: Match = Field(default_factory=Match)
    levels: list[Level] = Field(min_length=1)
    repeat: int = Field(
        default=0, ge=0, le=100, description="How many more times the whole chain runs."
    )
    require_person_ack: bool = Field(
        default=False,
        description="Only a person's acknowledgement stops the climb (bots cannot), and the "
        "chain keeps repeating until one does.",
    )
    reminder_interval: Duration | None = Field(
        default=None, description="Remind the acknowledger while acknowledged, not resolved."
    )
    sla_at_risk_lead: Duration = Field(
        default=timedelta(minutes=15), description="Escalate this long before an SLA deadline."
    )
    priority: Priority | None = Field(
        default=None, description="Trend policies only: the escalation's priority (P1)."
    )
    queue: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="Trend policies only: the escalation's queue ('trends').",
    )

    @model_validator(mode="after")
    def _trend_fields(self) -> Self:
        if self.match.kind == "ticket" and (self.priority is not None or self.queue is not None):
            raise ValueError(
                "'priority' and 'queue' are for trend policies (match: {kind: trend}); a "
                "ticket escalation takes its ticket's"
            )
        return self


class NotificationSettings(StrictModel):
    allow_private_hosts: list[str] = Field(
        default_factory=list,
        description="Hosts, IPs or CIDRs that may resolve to loopback/private/link-local "
        "addresses (SSRF guard); everything else private is refused.",
    )
    max_attempts: int = Field(default=6, ge=1, le=50)
    base_delay: Duration = timedelta(seconds=2)
    max_delay: Duration = timedelta(minutes=5)
    timeout: Duration = timedelta(seconds=10)
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_from: str = "vigil@localhost"
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password: SecretRef | None = None

    @field_validator("allow_private_hosts")
    @classmethod
    def _valid_entries(cls, entries: list[str]) -> list[str]:
        for entry in entries:
            if "/" in entry:
                ipaddress.ip_network(entry, strict=False)
        return entries


class PoliciesFile(StrictModel):
    policies: list[Policy] = Field(default_factory=list)
    users: list[User] = Field(default_factory=list)
    teams: list[Team] = Field(default_factory=list)
    notifications: NotificationSettings = Field(default_factory=NotificationSettings)

    @model_validator(mode="before")
    @classmethod
    def _restricted_categories_moved(cls, raw: Any) -> Any:
        # Said plainly rather than "extra field": an old file must not start with the
        # restriction silently gone from the other services.
        if isinstance(raw, dict) and "restricted_categories" in raw:
            raise ValueError(
                "'restricted_categories' has moved to api_keys.yaml (a top-level "
                "'restricted_categories:' key, read by every service); move it there and "
                "delete it from policies.yaml"
            )
        return raw

    @model_validator(mode="after")
    def _unique_names(self) -> Self:
        for kind, names in (
            ("policy", [policy.name for policy in self.policies]),
            ("user", [user.name for user in self.users]),
            ("team", [team.name for team in self.teams]),
        ):
            duplicates = sorted({name for name in names if names.count(name) > 1})
            if duplicates:
                raise ValueError(f"duplicate {kind} name(s): {', '.join(duplicates)}")
        users = {user.name for user in self.users}
        for team in self.teams:
            unknown = sorted(set(team.members) - users)
            if unknown:
                raise ValueError(f"team {team.name!r} has unknown member(s): {', '.join(unknown)}")
        return self


class EscalationConfig(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    policies: PoliciesFile
    schedules: SchedulesFile
    config_dir: Path

    def user(self, name: str) -> User | None:
        return next((user for user in self.policies.users if user.name == name), None)

    def team(self, name: str) -> Team | None:
        return next((team for team in self.policies.teams if team.name == name), None)

    def schedule(self, name: str) -> Schedule | None:
        return next((s for s in self.schedules.schedules if s.name == name), None)

    def policy(self, name: str | None) -> Policy | None:
        return next((p for p in self.policies.policies if p.name == name), None)


def _check_references(
    config: EscalationConfig, *, policies_path: Path, schedules_path: Path
) -> None:
    users = {user.name for user in config.policies.users}
    for schedule in config.schedules.schedules:
        named = [user for layer in schedule.layers for user in layer.users]
        named += [override.user for override in schedule.overrides]
        unknown = sorted(set(named) - users)
        if unknown:
            raise ConfigError(
                f"{schedules_path}: schedules.{schedule.name}: unknown user(s) "
                f"{', '.join(unknown)} (users are defined in {POLICIES_FILE})"
            )
    for policy in config.policies.policies:
        for index, level in enumerate(policy.levels):
            for target in level.targets:
                missing = (
                    (target.schedule is not None and config.schedule(target.schedule) is None)
                    or (target.user is not None and target.user not in users)
                    or (target.team is not None and config.team(target.team) is None)
                )
                if missing:
                    raise ConfigError(
                        f"{policies_path}: policies.{policy.name}.levels.{index}: "
                        f"unknown target {target.label}"
                    )


def load_config(config_dir: Path) -> EscalationConfig:
    policies_path = config_dir / POLICIES_FILE
    schedules_path = config_dir / SCHEDULES_FILE
    policies = (
        load_yaml_model(policies_path, PoliciesFile) if policies_path.exists() else PoliciesFile()
    )
    schedules = (
        load_yaml_model(schedules_path, SchedulesFile)
        if schedules_path.exists()
        else SchedulesFile()
    )
    config = EscalationConfig(policies=policies, schedules=schedules, config_dir=config_dir)
    _check_references(config, policies_path=policies_path, schedules_path=schedules_path)
    _check_secrets(config, policies_path=policies_path)
    return config


def _check_secrets(config: EscalationConfig, *, policies_path: Path) -> None:
    """Resolve every secret once so a missing one stops the start-up, not the first page."""
    for user in config.policies.users:
        for index, contact in enumerate(user.contacts):
            refs: list[SecretRef] = []
            if isinstance(contact, WebhookContact) and contact.secret is not None:
                refs.append(contact.secret)
            if isinstance(contact, SlackContact) and isinstance(contact.url, SecretRef):
                refs.append(contact.url)
            if isinstance(contact, PagerDutyContact):
                refs.append(contact.routing_key)
            for ref in refs:
                try:
                    ref.resolve(config_dir=config.config_dir)
                except ConfigError as error:
                    raise ConfigError(
                        f"{policies_path}: users.{user.name}.contacts.{index}: {error}"
                    ) from error
