"""The ``vigil`` command line: config validation, API keys and the db commands on SQLite."""

import shutil
from pathlib import Path

import pytest
import yaml

from services.cli import main
from shared.auth import ApiKeysFile, hash_api_key
from shared.config import DEFAULT_CONFIG_DIR

ROOT = Path(__file__).resolve().parents[2]


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Exit status and everything written to stdout and stderr."""
    try:
        main(argv)
        status = 0
    except SystemExit as exit_:
        status = int(exit_.code or 0)
    captured = capsys.readouterr()
    return status, captured.out + captured.err


@pytest.fixture
def demo_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the built-in config, with the secrets it references set."""
    directory = tmp_path / "config"
    shutil.copytree(DEFAULT_CONFIG_DIR, directory)
    monkeypatch.setenv("VIGIL_DEMO_CHANNEL_TOKEN", "demo-channel-token")
    monkeypatch.setenv("VIGIL_DEMO_API_KEY", "demo-api-key")
    return directory


# --- config validate ---------------------------------------------------------------------


def test_config_validate_accepts_the_built_in_config(
    demo_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, output = run_cli(["config", "validate", "--config-dir", str(demo_config)], capsys)
    assert status == 0, output
    for service in ("intake", "triage", "escalation", "metrics"):
        assert f"{service}" in output
    assert "ERROR" not in output
    assert "configuration is valid" in output


def test_config_validate_without_a_directory_checks_the_built_in_config(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VIGIL_CONFIG_DIR", raising=False)
    status, output = run_cli(["config", "validate"], capsys)
    assert status == 0, output
    assert str(DEFAULT_CONFIG_DIR.resolve()) in output


def test_config_validate_accepts_the_deploy_config_with_the_example_env(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            name, _, value = line.partition("=")
            monkeypatch.setenv(name.strip(), value.strip())
    status, output = run_cli(
        ["config", "validate", "--config-dir", str(ROOT / "deploy" / "config")], capsys
    )
    assert status == 0, output


@pytest.mark.parametrize(
    "name", sorted(path.name for path in DEFAULT_CONFIG_DIR.glob("*.yaml")), ids=str
)
def test_config_validate_reads_every_file_of_the_config_directory(
    name: str, demo_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every file shipped in the config directory is checked by some service: breaking any
    one of them fails validation with a message naming that file."""
    (demo_config / name).write_text("this: is: not: yaml: [\n")
    status, output = run_cli(["config", "validate", "--config-dir", str(demo_config)], capsys)
    assert status == 1
    assert f"{demo_config / name}" in output
    assert "not valid YAML" in output
    assert "would not start" in output


def test_config_validate_names_the_field_of_an_invalid_entry(
    demo_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (demo_config / "api_keys.yaml").write_text(
        "api_keys:\n  - name: someone\n    role: superuser\n    sha256: " + "0" * 64 + "\n"
    )
    status, output = run_cli(["config", "validate", "--config-dir", str(demo_config)], capsys)
    assert status == 1
    assert "api_keys.yaml" in output
    assert "api_keys.0.role" in output


def test_config_validate_reports_a_missing_secret(
    demo_config: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VIGIL_DEMO_CHANNEL_TOKEN")
    status, output = run_cli(["config", "validate", "--config-dir", str(demo_config)], capsys)
    assert status == 1
    assert "VIGIL_DEMO_CHANNEL_TOKEN" in output
    assert "channels.yaml" in output


def test_config_validate_reports_a_missing_file(
    demo_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (demo_config / "channels.yaml").unlink()
    status, output = run_cli(["config", "validate", "--config-dir", str(demo_config)], capsys)
    assert status == 1
    assert "channels.yaml: file not found" in output


def test_config_validate_rejects_a_directory_that_does_not_exist(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, output = run_cli(["config", "validate", "--config-dir", str(tmp_path / "nope")], capsys)
    assert status == 1
    assert "not a directory" in output


# --- apikey create -----------------------------------------------------------------------


def test_apikey_create_prints_the_key_once_and_an_entry_with_only_its_hash(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, output = run_cli(
        ["apikey", "create", "--name", "alice", "--role", "responder", "--teams", "tns, payments"],
        capsys,
    )
    assert status == 0, output
    lines = output.splitlines()
    key = lines[lines.index("API key (shown only now; Vigil stores only its SHA-256):") + 1].strip()
    assert key.startswith("vigil_")
    assert len(key) > 40
    assert output.count(key) == 1
    entry_text = "\n".join(
        lines[lines.index(next(x for x in lines if "Add this entry" in x)) + 1 :]
    )
    parsed = ApiKeysFile.model_validate({"api_keys": yaml.safe_load(entry_text)})
    (entry,) = parsed.api_keys
    assert entry.name == "alice"
    assert entry.role == "responder"
    assert entry.teams == ["tns", "payments"]
    assert entry.sha256 == hash_api_key(key)
    assert entry.key is None


def test_apikey_create_makes_a_new_key_every_time(capsys: pytest.CaptureFixture[str]) -> None:
    outputs = [
        run_cli(["apikey", "create", "--name", "ci", "--role", "viewer", "--bot"], capsys)[1]
        for _ in range(2)
    ]
    assert outputs[0] != outputs[1]
    assert "bot: true" in outputs[0]


def test_apikey_create_rejects_an_unknown_role(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["apikey", "create", "--name", "x", "--role", "root"])
    assert exit_.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_apikey_create_rejects_an_empty_name(capsys: pytest.CaptureFixture[str]) -> None:
    status, output = run_cli(["apikey", "create", "--name", "", "--role", "viewer"], capsys)
    assert status == 1
    assert "invalid API key entry" in output


# --- db (SQLite; PostgreSQL in tests/integration/test_migrations.py) ----------------------


@pytest.fixture
def sqlite_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("VIGIL_DATABASE_URL", raising=False)
    monkeypatch.setenv("VIGIL_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def test_db_upgrade_current_and_downgrade_on_sqlite(
    sqlite_data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, output = run_cli(["db", "current"], capsys)
    assert status == 1
    assert output.count("NEEDS UPGRADE") == 3

    status, output = run_cli(["db", "upgrade"], capsys)
    assert status == 0, output
    for service in ("triage", "escalation", "metrics"):
        assert (sqlite_data_dir / f"{service}.db").exists()
        assert f"{service}: upgraded to head" in output

    status, output = run_cli(["db", "current"], capsys)
    assert status == 0, output
    assert output.count("up to date") == 3

    status, output = run_cli(
        ["db", "downgrade", "--service", "metrics", "--revision", "base"], capsys
    )
    assert status == 0, output
    status, output = run_cli(["db", "current", "--service", "metrics"], capsys)
    assert status == 1
    assert "metrics: (empty)" in output


def test_db_check_finds_models_and_migrations_in_agreement(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The autogenerate check CI relies on: a missing migration fails it (exit status 1)."""
    status, output = run_cli(["db", "check"], capsys)
    assert status == 0, output
    assert output.count("models and migrations agree") == 3


def test_db_history_lists_each_service(capsys: pytest.CaptureFixture[str]) -> None:
    status, output = run_cli(["db", "history"], capsys)
    assert status == 0
    for service in ("triage", "escalation", "metrics"):
        assert f"{service}_0001" in output


def test_db_downgrade_needs_a_service_and_a_revision(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["db", "downgrade", "--revision", "base"])
    assert exit_.value.code == 2
    assert "--service" in capsys.readouterr().err


def test_db_command_on_an_unreachable_database_is_a_clear_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = "postgresql://vigil:secret-password@127.0.0.1:1/vigil_triage"
    status, output = run_cli(
        ["db", "current", "--service", "triage", "--database-url", url], capsys
    )
    assert status == 1
    assert output.startswith("vigil: ")
    assert "Traceback" not in output
    assert "secret-password" not in output
