"""API keys for the on-call and read APIs: stored as SHA-256 hashes, compared in constant time;
and the restricted categories, which every service's read API enforces the same way.

Both live in ``api_keys.yaml`` because every service loads that file: one map, so the
triage, escalation and metrics APIs cannot disagree about who may see a ticket."""

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.config import ConfigError, SecretRef, load_yaml_model

Role = Literal["viewer", "responder", "admin"]


class ApiKeyEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    role: Role
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    key: SecretRef | None = None
    teams: list[str] = Field(
        default_factory=list, description="Teams the key's holder belongs to (restricted data)."
    )
    bot: bool = Field(
        default=False,
        description="An automation, not a person (matters for policies that "
        "require a person's acknowledgement).",
    )

    @model_validator(mode="after")
    def _exactly_one_source(self) -> Self:
        if (self.sha256 is None) == (self.key is None):
            raise ValueError("give exactly one of 'sha256' or 'key'")
        return self


# Safe by default: child-safety material stays with its team unless api_keys.yaml says
# otherwise (an explicit ``restricted_categories: {}`` lifts every restriction).
DEFAULT_RESTRICTED_CATEGORIES: dict[str, list[str]] = {"child_safety": ["child-safety"]}

TeamName = Annotated[str, Field(min_length=1, max_length=128)]


class ApiKeysFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    api_keys: list[ApiKeyEntry] = Field(default_factory=list)
    restricted_categories: dict[
        Annotated[str, Field(min_length=1, max_length=64)],
        Annotated[list[TeamName], Field(min_length=1)],
    ] = Field(
        default_factory=lambda: {
            category: list(teams) for category, teams in DEFAULT_RESTRICTED_CATEGORIES.items()
        },
        description="category -> teams whose keys may see tickets, escalations and timelines "
        "that ever had it (everyone else gets 404). Defaults to child_safety -> child-safety.",
    )


class Principal(BaseModel):
    name: str
    role: Role
    teams: frozenset[str] = frozenset()
    bot: bool = False


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class RestrictedCategories:
    """Which categories only some teams may see. A ticket is judged by every category it has
    ever had (first decision, overrides, timeline), so reclassifying restricted material
    does not publish it."""

    def __init__(self, teams_by_category: Mapping[str, Iterable[str]]) -> None:
        self._teams_by_category = {
            category: frozenset(teams) for category, teams in teams_by_category.items()
        }

    def may_see(self, principal: Principal, categories: Iterable[str | None]) -> bool:
        """False when any of ``categories`` is restricted to teams the key is not in."""
        hidden = set(self.hidden_categories(principal))
        return not any(category in hidden for category in categories if category is not None)

    def hidden_categories(self, principal: Principal) -> list[str]:
        """The categories this key may not see, sorted (for a query's ``NOT IN``)."""
        return sorted(
            category
            for category, teams in self._teams_by_category.items()
            if not principal.teams & teams
        )


class ApiKeyRegistry:
    def __init__(
        self,
        principals_by_hash: dict[str, Principal],
        *,
        restricted: RestrictedCategories | None = None,
    ) -> None:
        self._principals_by_hash = principals_by_hash
        self.restricted = restricted or RestrictedCategories(DEFAULT_RESTRICTED_CATEGORIES)

    @classmethod
    def load(cls, config_dir: Path) -> Self:
        path = config_dir / "api_keys.yaml"
        parsed = load_yaml_model(path, ApiKeysFile)
        principals: dict[str, Principal] = {}
        for entry in parsed.api_keys:
            if entry.key is not None:
                try:
                    digest = hash_api_key(entry.key.resolve(config_dir=config_dir))
                except ConfigError as error:
                    raise ConfigError(f"{path}: api key {entry.name!r}: {error}") from error
            else:
                assert entry.sha256 is not None
                digest = entry.sha256
            if digest in principals:
                raise ConfigError(
                    f"{path}: api key {entry.name!r} is the same key as {principals[digest].name!r}"
                )
            principals[digest] = Principal(
                name=entry.name, role=entry.role, teams=frozenset(entry.teams), bot=entry.bot
            )
        return cls(principals, restricted=RestrictedCategories(parsed.restricted_categories))

    def authenticate(self, presented: str) -> Principal | None:
        digest = hash_api_key(presented)
        found: Principal | None = None
        for known_digest, principal in self._principals_by_hash.items():
            if hmac.compare_digest(known_digest, digest):
                found = principal
        return found
