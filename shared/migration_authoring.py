"""Writing new migrations: ``vigil db revision`` autogenerates the next one from the
difference between a service's models and its schema at head."""

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory

from shared.migrations import MIGRATION_LOCK, alembic_config, schema_differences, upgrade
from shared.settings import ServiceName


@contextmanager
def scratch_sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="vigil-migrations-") as directory:
        yield f"sqlite+aiosqlite:///{Path(directory) / 'scratch.db'}"


def _next_revision_id(service: ServiceName) -> str:
    script = ScriptDirectory.from_config(alembic_config(service))
    return f"{service}_{len(list(script.walk_revisions())) + 1:04d}"


def create_revision(service: ServiceName, *, message: str, url: str | None = None) -> Path | None:
    """Autogenerate the next migration from the difference between the models and the
    schema at head: of ``url`` when given, else of a scratch SQLite database migrated to
    head. Returns the new file, or None when models and migrations already agree."""
    with scratch_sqlite_url() as scratch:
        target = url or scratch
        upgrade(service, url=target)
        if not schema_differences(service, url=target):
            return None
        with MIGRATION_LOCK:
            written = command.revision(
                alembic_config(service, url=target),
                message=message,
                autogenerate=True,
                rev_id=_next_revision_id(service),
            )
    assert written is not None
    assert not isinstance(written, list)
    path = Path(written.path)
    _tidy(path)
    return path


def _tidy(path: Path) -> None:
    """Apply the project's formatter to a generated script, when ruff is installed."""
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    if not Path(ruff).exists():
        return
    for arguments in (["format"], ["check", "--fix"]):
        subprocess.run([ruff, *arguments, "--quiet", str(path)], check=False, capture_output=True)
