"""The container image cannot be built here (no Docker engine): check the Dockerfile's
shape, and build and run the wheel it installs."""

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from shared.migrations import SERVICES_WITH_DATABASE

ROOT = Path(__file__).resolve().parents[2]
BUILD_TOOLS = ("gcc", "g++", "build-essential", "make ", "libpq-dev", "python3-dev")


def stages() -> list[list[str]]:
    """The Dockerfile's instructions, one list per stage (continuation lines joined)."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    found: list[list[str]] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.upper().startswith("FROM "):
            found.append([])
        if found:
            found[-1].append(stripped)
    return found


def test_dockerfile_is_multi_stage_on_a_slim_base() -> None:
    all_stages = stages()
    assert len(all_stages) >= 2
    for stage in all_stages:
        assert re.match(r"FROM python:3\.11-slim\b", stage[0]), stage[0]


def test_final_stage_runs_as_a_non_root_user_without_build_tools() -> None:
    final = stages()[-1]
    users = [line.split()[1] for line in final if line.upper().startswith("USER ")]
    assert users, "the final stage must set USER"
    assert users[-1].split(":")[0] not in {"root", "0"}
    text = " ".join(final).lower()
    for tool in BUILD_TOOLS:
        assert tool not in text, tool
    assert "apt-get install" not in text
    assert any(line.startswith("COPY --from=build /opt/vigil") for line in final)
    assert any("vigil" in line for line in final if line.upper().startswith("CMD"))


def test_dockerignore_keeps_secrets_and_local_state_out_of_the_build_context() -> None:
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    for entry in (".git", ".venv", ".env", "data", "tests", ".run"):
        assert entry in ignored, entry
    copied = [line.split()[1] for stage in stages() for line in stage if line.startswith("COPY ")]
    for source in copied:
        if source.startswith("--from"):
            continue
        assert source not in ignored, f"{source} is copied but ignored"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built from a copy of what the Dockerfile copies, so the tree's state cannot leak in."""
    context = tmp_path_factory.mktemp("context")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, context / name)
    for name in ("shared", "services"):
        shutil.copytree(
            ROOT / name, context / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(context)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (built,) = out.glob("vigil-*.whl")
    return built


def test_wheel_ships_migrations_and_default_config(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for service in SERVICES_WITH_DATABASE:
        base = f"services/{service}/migrations"
        assert f"{base}/env.py" in names
        assert f"{base}/script.py.mako" in names
        assert any(n.startswith(f"{base}/versions/{service}_") for n in names), service
    shipped_config = {n for n in names if n.startswith("services/default_config/")}
    expected = {
        f"services/default_config/{p.name}" for p in (ROOT / "services/default_config").iterdir()
    }
    assert expected - {"services/default_config/__pycache__"} <= shipped_config
    assert not any(n.startswith("tests/") for n in names)


def test_installed_wheel_migrates_and_validates_outside_the_source_tree(
    wheel: Path, tmp_path: Path
) -> None:
    """What the image does: the commands work from the installed package alone."""
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "-t", str(target), str(wheel)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("VIGIL_")}
    env.update(PYTHONPATH=str(target), VIGIL_DATA_DIR=str(tmp_path / "data"))
    code = (
        "import services.cli as c, sys; "
        f"assert c.__file__.startswith({str(target)!r}), c.__file__; "
        "c.main(sys.argv[1:])"
    )

    def vigil(*arguments: str) -> str:
        result = subprocess.run(
            [sys.executable, "-c", code, *arguments],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    assert vigil("db", "upgrade").count("upgraded to head") == len(SERVICES_WITH_DATABASE)
    assert vigil("db", "current").count("up to date") == len(SERVICES_WITH_DATABASE)
    assert "configuration is valid" in vigil("config", "validate")
