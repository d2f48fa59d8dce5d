"""Reading channels.yaml and each channel's secrets (environment variables or files):
intake's only configuration I/O, done once at start-up and by the config validator."""

from pathlib import Path

from services.intake import signatures
from services.intake.domain import Channel, ChannelConfig, ChannelsFile
from shared.config import ConfigError, load_yaml_model


def resolve_channel(config: ChannelConfig, *, config_dir: Path) -> Channel:
    """Resolve the channel's secrets; raises ConfigError (without the secret's value)."""
    secrets = [ref.resolve(config_dir=config_dir) for ref in config.auth.secret_refs]
    keys: list[bytes] = []
    if config.auth.type == "standard_webhooks":
        for index, secret in enumerate(secrets):
            try:
                keys.append(signatures.standard_webhooks_key(secret))
            except ValueError as error:
                raise ConfigError(f"auth.secrets.{index}: {error}") from error
    return Channel(config=config, secrets=secrets, keys=keys)


def load_channels(config_dir: Path) -> dict[str, Channel]:
    path = config_dir / "channels.yaml"
    parsed = load_yaml_model(path, ChannelsFile)
    channels: dict[str, Channel] = {}
    for config in parsed.channels:
        try:
            channels[config.name] = resolve_channel(config, config_dir=config_dir)
        except ConfigError as error:
            raise ConfigError(f"{path}: channel {config.name!r}: {error}") from error
    return channels
