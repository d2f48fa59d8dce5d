"""API keys for the on-call and read APIs: stored as SHA-256 hashes, compared in constant time."""

import hashlib
import hmac
from pathlib import Path
from typing import Literal, Self

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


class ApiKeysFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    api_keys: list[ApiKeyEntry] = Field(default_factory=list)


class Principal(BaseModel):
    name: str
    role: Role
    teams: frozenset[str] = frozenset()
    bot: bool = False


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKeyRegistry:
    def __init__(self, principals_by_hash: dict[str, Principal]) -> None:
        self._principals_by_hash = principals_by_hash

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
        return cls(principals)

    def authenticate(self, presented: str) -> Principal | None:
        digest = hash_api_key(presented)
        found: Principal | None = None
        for known_digest, principal in self._principals_by_hash.items():
            if hmac.compare_digest(known_digest, digest):
                found = principal
        return found
