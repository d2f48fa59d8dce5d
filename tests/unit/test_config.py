"""Configuration files: good ones load, bad ones fail with a message naming file and field."""

import hashlib
from pathlib import Path

import pytest

from services.intake import signatures
from services.intake.channels import load_channels
from services.intake.domain import Channel
from shared.auth import ApiKeyRegistry, Principal, hash_api_key
from shared.config import ConfigError

TOKEN_ENV = "VIGIL_UNIT_CFG_TOKEN"
KEY_ENV = "VIGIL_UNIT_CFG_KEY"


@pytest.fixture
def cfg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cfg"
    directory.mkdir()
    monkeypatch.setenv(TOKEN_ENV, "token-from-env")
    monkeypatch.setenv(KEY_ENV, "key-from-env")
    return directory


def _write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text)
    return path


def _load_channels_error(cfg: Path, text: str) -> tuple[str, Path]:
    path = _write(cfg, "channels.yaml", text)
    with pytest.raises(ConfigError) as caught:
        load_channels(cfg)
    return str(caught.value), path


def _load_keys_error(cfg: Path, text: str) -> tuple[str, Path]:
    path = _write(cfg, "api_keys.yaml", text)
    with pytest.raises(ConfigError) as caught:
        ApiKeyRegistry.load(cfg)
    return str(caught.value), path


# --- channels ---------------------------------------------------------------------------


def test_good_channels_file_loads_with_env_and_file_secrets(cfg: Path) -> None:
    _write(cfg, "token.txt", "token-from-file\n")
    _write(
        cfg,
        "channels.yaml",
        f"""
channels:
  - name: zendesk-eu
    format: generic
    auth:
      type: bearer
      tokens:
        - env: {TOKEN_ENV}
        - file: token.txt
    max_body_bytes: 1024
  - name: app
    format: generic
    auth:
      type: bearer
      tokens:
        - env: {TOKEN_ENV}
""",
    )

    channels = load_channels(cfg)

    assert set(channels) == {"zendesk-eu", "app"}
    zendesk = channels["zendesk-eu"]
    assert isinstance(zendesk, Channel)
    assert zendesk.name == "zendesk-eu"
    assert zendesk.bearer_tokens == ["token-from-env", "token-from-file"]
    assert zendesk.config.max_body_bytes == 1024
    assert channels["app"].config.max_body_bytes == 65_536  # the default

    # Either token is accepted (rotation); anything else is not.
    def accepts(authorization: str | None) -> bool:
        return signatures.verify_bearer(tokens=zendesk.bearer_tokens, authorization=authorization)

    assert signatures.verify_bearer(
        tokens=zendesk.bearer_tokens, authorization="Bearer token-from-env"
    )
    assert signatures.verify_bearer(
        tokens=zendesk.bearer_tokens, authorization="Bearer token-from-file"
    )
    assert not signatures.verify_bearer(
        tokens=zendesk.bearer_tokens, authorization="Bearer token-from"
    )
    assert not accepts(None)


def test_default_config_loads_when_its_variables_are_set(monkeypatch: pytest.MonkeyPatch) -> None:
    from shared.config import DEFAULT_CONFIG_DIR

    monkeypatch.setenv("VIGIL_DEMO_CHANNEL_TOKEN", "demo-token")
    monkeypatch.setenv("VIGIL_DEMO_API_KEY", "demo-key")

    assert "demo" in load_channels(DEFAULT_CONFIG_DIR)
    registry = ApiKeyRegistry.load(DEFAULT_CONFIG_DIR)
    principal = registry.authenticate("demo-key")
    assert principal is not None
    assert principal.role == "responder"


def test_missing_channels_file(cfg: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_channels(cfg)

    message = str(caught.value)
    assert str(cfg / "channels.yaml") in message
    assert "not found" in message


def test_channels_file_that_is_not_yaml(cfg: Path) -> None:
    message, path = _load_channels_error(cfg, "channels:\n  - name: [unclosed\n")

    assert str(path) in message
    assert "not valid YAML" in message


@pytest.mark.parametrize("kind", ["not-utf8", "directory"])
def test_unreadable_channels_file_is_a_config_error(cfg: Path, kind: str) -> None:
    path = cfg / "channels.yaml"
    if kind == "directory":
        path.mkdir()
    else:
        path.write_bytes(b"channels:\n  - name: caf\xe9\n")

    with pytest.raises(ConfigError) as caught:
        load_channels(cfg)

    assert str(path) in str(caught.value)


def test_unknown_field_in_a_channel(cfg: Path) -> None:
    message, path = _load_channels_error(
        cfg,
        f"""
channels:
  - name: app
    format: generic
    max_body_byts: 10
    auth: {{type: bearer, tokens: [{{env: {TOKEN_ENV}}}]}}
""",
    )

    assert str(path) in message
    assert "channels.0.max_body_byts" in message


def test_unknown_top_level_field(cfg: Path) -> None:
    message, path = _load_channels_error(cfg, "channels: []\nchanels: []\n")

    assert str(path) in message
    assert "chanels" in message


def test_duplicate_channel_names(cfg: Path) -> None:
    entry = f"""
  - name: app
    format: generic
    auth: {{type: bearer, tokens: [{{env: {TOKEN_ENV}}}]}}"""
    message, path = _load_channels_error(cfg, "channels:" + entry + entry + "\n")

    assert str(path) in message
    assert "duplicate channel names" in message
    assert "app" in message


def test_invalid_channel_name(cfg: Path) -> None:
    message, path = _load_channels_error(
        cfg,
        f"""
channels:
  - name: "Bad Name!"
    format: generic
    auth: {{type: bearer, tokens: [{{env: {TOKEN_ENV}}}]}}
""",
    )

    assert str(path) in message
    assert "channels.0.name" in message


def test_channel_token_env_var_not_set(cfg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TOKEN_ENV)

    message, path = _load_channels_error(
        cfg,
        f"""
channels:
  - name: app
    format: generic
    auth: {{type: bearer, tokens: [{{env: {TOKEN_ENV}}}]}}
""",
    )

    assert str(path) in message
    assert "'app'" in message
    assert TOKEN_ENV in message
    assert "not set" in message


def test_channel_token_env_var_empty(cfg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TOKEN_ENV, "")

    message, _ = _load_channels_error(
        cfg,
        f"""
channels:
  - name: app
    format: generic
    auth: {{type: bearer, tokens: [{{env: {TOKEN_ENV}}}]}}
""",
    )

    assert TOKEN_ENV in message


def test_channel_secret_file_missing(cfg: Path) -> None:
    message, path = _load_channels_error(
        cfg,
        """
channels:
  - name: app
    format: generic
    auth: {type: bearer, tokens: [{file: secrets/missing-token}]}
""",
    )

    assert str(path) in message
    assert "'app'" in message
    assert str(cfg / "secrets" / "missing-token") in message


def test_channel_secret_file_empty(cfg: Path) -> None:
    _write(cfg, "empty-token", "\n")

    message, _ = _load_channels_error(
        cfg,
        """
channels:
  - name: app
    format: generic
    auth: {type: bearer, tokens: [{file: empty-token}]}
""",
    )

    assert "empty" in message


def test_secret_ref_with_both_env_and_file(cfg: Path) -> None:
    message, path = _load_channels_error(
        cfg,
        f"""
channels:
  - name: app
    format: generic
    auth: {{type: bearer, tokens: [{{env: {TOKEN_ENV}, file: token.txt}}]}}
""",
    )

    assert str(path) in message
    assert "channels.0.auth.tokens.0" in message
    assert "exactly one of 'env' or 'file'" in message


def test_secret_cannot_be_inline(cfg: Path) -> None:
    message, path = _load_channels_error(
        cfg,
        """
channels:
  - name: app
    format: generic
    auth: {type: bearer, tokens: [{value: plain-text-secret}]}
""",
    )

    assert str(path) in message
    assert "channels.0.auth.tokens.0.value" in message
    assert "plain-text-secret" not in message  # error messages never echo a secret


def test_empty_channels_file_names_the_missing_field(cfg: Path) -> None:
    message, path = _load_channels_error(cfg, "")

    assert str(path) in message
    assert "channels" in message


# --- api keys ---------------------------------------------------------------------------


def test_good_api_keys_file_loads_and_authenticates(cfg: Path) -> None:
    sha_key = "key-given-as-hash"
    _write(
        cfg,
        "api_keys.yaml",
        f"""
api_keys:
  - name: oncall
    role: responder
    key: {{env: {KEY_ENV}}}
  - name: dashboard
    role: viewer
    sha256: {hashlib.sha256(sha_key.encode()).hexdigest()}
""",
    )

    registry = ApiKeyRegistry.load(cfg)

    oncall = registry.authenticate("key-from-env")
    assert oncall is not None
    assert (oncall.name, oncall.role) == ("oncall", "responder")
    dashboard = registry.authenticate(sha_key)
    assert dashboard is not None
    assert (dashboard.name, dashboard.role) == ("dashboard", "viewer")
    assert registry.authenticate("wrong-key") is None
    assert registry.authenticate("") is None
    # The hash itself is not a key.
    assert registry.authenticate(hash_api_key(sha_key)) is None


def test_api_key_from_a_file(cfg: Path) -> None:
    _write(cfg, "admin.key", "admin-key-from-file\n")
    _write(
        cfg,
        "api_keys.yaml",
        "api_keys:\n  - name: root\n    role: admin\n    key: {file: admin.key}\n",
    )

    principal = ApiKeyRegistry.load(cfg).authenticate("admin-key-from-file")

    assert principal is not None
    assert principal.role == "admin"


def test_missing_api_keys_file(cfg: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        ApiKeyRegistry.load(cfg)

    assert str(cfg / "api_keys.yaml") in str(caught.value)
    assert "not found" in str(caught.value)


def test_api_keys_file_that_is_not_yaml(cfg: Path) -> None:
    message, path = _load_keys_error(cfg, "api_keys: [\n")

    assert str(path) in message
    assert "not valid YAML" in message


def test_unknown_field_in_an_api_key(cfg: Path) -> None:
    message, path = _load_keys_error(
        cfg,
        f"api_keys:\n  - name: a\n    role: viewer\n    key: {{env: {KEY_ENV}}}\n    rol: admin\n",
    )

    assert str(path) in message
    assert "api_keys.0.rol" in message


def test_unknown_role(cfg: Path) -> None:
    message, path = _load_keys_error(
        cfg, f"api_keys:\n  - name: a\n    role: superuser\n    key: {{env: {KEY_ENV}}}\n"
    )

    assert str(path) in message
    assert "api_keys.0.role" in message


def test_api_key_with_both_sha256_and_key(cfg: Path) -> None:
    digest = hash_api_key("x")
    message, path = _load_keys_error(
        cfg,
        f"api_keys:\n  - name: both\n    role: viewer\n    sha256: {digest}\n"
        f"    key: {{env: {KEY_ENV}}}\n",
    )

    assert str(path) in message
    assert "api_keys.0" in message
    assert "exactly one of 'sha256' or 'key'" in message


def test_api_key_with_neither_sha256_nor_key(cfg: Path) -> None:
    message, path = _load_keys_error(cfg, "api_keys:\n  - name: neither\n    role: viewer\n")

    assert str(path) in message
    assert "api_keys.0" in message
    assert "exactly one of 'sha256' or 'key'" in message


def test_api_key_sha256_must_be_a_hex_digest(cfg: Path) -> None:
    message, path = _load_keys_error(
        cfg, "api_keys:\n  - name: short\n    role: viewer\n    sha256: abc123\n"
    )

    assert str(path) in message
    assert "api_keys.0.sha256" in message


def test_api_key_env_var_not_set(cfg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV)

    message, path = _load_keys_error(
        cfg, f"api_keys:\n  - name: oncall\n    role: responder\n    key: {{env: {KEY_ENV}}}\n"
    )

    assert str(path) in message
    assert "'oncall'" in message
    assert KEY_ENV in message


def test_api_key_secret_file_missing(cfg: Path) -> None:
    message, path = _load_keys_error(
        cfg, "api_keys:\n  - name: oncall\n    role: responder\n    key: {file: nope.key}\n"
    )

    assert str(path) in message
    assert "'oncall'" in message
    assert str(cfg / "nope.key") in message


def test_empty_api_keys_file_means_no_keys(cfg: Path) -> None:
    _write(cfg, "api_keys.yaml", "# nobody may read\n")

    registry = ApiKeyRegistry.load(cfg)

    assert registry.authenticate("anything") is None


# --- restricted categories (in api_keys.yaml, read by every service) ----------------------

CHILD_SAFETY_LEAD = f"""\
api_keys:
  - name: carla
    role: viewer
    teams: [child-safety]
    key: {{env: {KEY_ENV}}}
"""


def _principals(registry: ApiKeyRegistry) -> tuple[Principal, Principal]:
    inside = registry.authenticate("key-from-env")
    assert inside is not None
    return inside, Principal(name="outsider", role="admin")


def test_without_restricted_categories_child_safety_stays_with_its_team(cfg: Path) -> None:
    _write(cfg, "api_keys.yaml", CHILD_SAFETY_LEAD)

    registry = ApiKeyRegistry.load(cfg)

    inside, outsider = _principals(registry)
    assert registry.restricted.hidden_categories(outsider) == ["child_safety"]
    assert registry.restricted.hidden_categories(inside) == []
    assert registry.restricted.may_see(outsider, ["spam", "child_safety"]) is False
    assert registry.restricted.may_see(outsider, ["spam", None]) is True
    assert registry.restricted.may_see(inside, ["spam", "child_safety"]) is True


def test_restricted_categories_are_read_from_api_keys_yaml(cfg: Path) -> None:
    _write(
        cfg,
        "api_keys.yaml",
        CHILD_SAFETY_LEAD + "restricted_categories:\n  self_harm: [wellbeing, child-safety]\n",
    )

    registry = ApiKeyRegistry.load(cfg)

    inside, outsider = _principals(registry)
    # The file's map replaces the default: child_safety is no longer restricted here.
    assert registry.restricted.hidden_categories(outsider) == ["self_harm"]
    assert registry.restricted.may_see(outsider, ["child_safety"]) is True
    assert registry.restricted.may_see(inside, ["self_harm"]) is True


def test_an_empty_map_restricts_nothing(cfg: Path) -> None:
    _write(cfg, "api_keys.yaml", CHILD_SAFETY_LEAD + "restricted_categories: {}\n")

    registry = ApiKeyRegistry.load(cfg)

    assert registry.restricted.hidden_categories(Principal(name="o", role="viewer")) == []


def test_a_restricted_category_without_teams_is_refused(cfg: Path) -> None:
    message, path = _load_keys_error(
        cfg, CHILD_SAFETY_LEAD + "restricted_categories:\n  child_safety: []\n"
    )

    assert str(path) in message
    assert "restricted_categories.child_safety" in message


@pytest.mark.parametrize("where", ["services/default_config", "deploy/config"])
def test_the_shipped_api_keys_restrict_child_safety(
    where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIGIL_DEMO_API_KEY", "demo-key")
    monkeypatch.setenv("VIGIL_RESPONDER_API_KEY", "responder-key")

    registry = ApiKeyRegistry.load(Path(__file__).resolve().parents[2] / where)

    assert registry.restricted.hidden_categories(Principal(name="o", role="admin")) == [
        "child_safety"
    ]
