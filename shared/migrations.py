"""Database migrations with Alembic: one history per service, in ``services/<service>/migrations``.

Each service owns its database and its schema history. A service's tables are declared in
one place, ``TABLES`` in ``services/<service>/store.py``; the migration environment and the
autogenerate check read them from there. The version table is named after the service
(``alembic_version_<service>``), so even services sharing one database keep separate
histories.

Every entry point here is synchronous and runs Alembic in the calling thread with its own
short-lived engine; async callers go through :func:`ensure_schema`, which runs it in a
worker thread. Alembic's ``context`` is process-global, so runs are serialised by a lock.
"""

import asyncio
import importlib
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.autogenerate import compare_metadata, produce_migrations
from alembic.autogenerate.api import AutogenContext
from alembic.config import Config
from alembic.operations import Operations, ops
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, MetaData, Table, event, inspect, pool
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.types import TypeDecorator

from shared.db import normalise_database_url
from shared.settings import ServiceName

logger = logging.getLogger(__name__)

SERVICES_WITH_DATABASE: tuple[ServiceName, ...] = ("triage", "escalation", "metrics")

_SERVICES_DIR = Path(__file__).resolve().parent.parent / "services"
# Alembic keeps its configuration in module globals: one command at a time per process.
MIGRATION_LOCK = threading.Lock()
_DRIFT_CHECKED: set[str] = set()
T = TypeVar("T")


class MigrationError(Exception):
    """The database schema is not what this version of the service needs; says what to do."""


@dataclass(frozen=True)
class SchemaStatus:
    service: ServiceName
    current: str | None
    head: str | None
    known: bool  # the current revision is one of this code's revisions (or None)

    @property
    def at_head(self) -> bool:
        return self.current == self.head


# --- where things are --------------------------------------------------------------------


def migrations_dir(service: ServiceName) -> Path:
    return _SERVICES_DIR / service / "migrations"


def version_table(service: ServiceName) -> str:
    return f"alembic_version_{service}"


def service_tables(service: ServiceName) -> list[Table]:
    """The tables a service owns: ``TABLES`` of ``services/<service>/store.py``."""
    store = importlib.import_module(f"services.{service}.store")
    tables: Sequence[Table] = store.TABLES
    return list(tables)


def alembic_config(service: ServiceName, *, url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir(service)))
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    config.attributes["vigil_service"] = service
    if url is not None:
        # Kept out of the ini options: a password may contain '%'.
        config.attributes["database_url"] = normalise_database_url(url)
    return config


def head_revision(service: ServiceName) -> str | None:
    return ScriptDirectory.from_config(alembic_config(service)).get_current_head()


# --- the migration environment (called by each service's migrations/env.py) -------------


def _render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | bool:
    """Render SQLModel's column types as the plain SQLAlchemy types they store as, so that
    migration scripts depend on SQLAlchemy only."""
    if type_ == "type" and isinstance(obj, TypeDecorator) and obj.__module__.startswith("sqlmodel"):
        return f"sa.{obj.impl_instance!r}"
    return False


class _AllTables:
    """Every service's tables (those imported so far), looked up by name."""

    def __iter__(self) -> Iterator[Table]:
        for service in SERVICES_WITH_DATABASE:
            yield from service_tables(service)


_ALL_TABLES = _AllTables()


def context_options(service: ServiceName) -> dict[str, Any]:
    tables = service_tables(service)
    names = {table.name for table in tables}

    def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
        return type_ != "table" or name in names

    def include_object(
        obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
    ) -> bool:
        return type_ != "table" or name in names

    return {
        "target_metadata": tables[0].metadata if tables else MetaData(),
        "version_table": version_table(service),
        "include_name": include_name,
        "include_object": include_object,
        "render_item": _render_item,
        "render_as_batch": True,  # SQLite cannot ALTER most things; batch mode rebuilds
        "compare_type": True,
    }


# --- operations --------------------------------------------------------------------------


def engine_for(url: str) -> AsyncEngine:
    """A short-lived engine; a SQLite file's directory is created, as the services do."""
    url = normalise_database_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_async_engine(url, poolclass=pool.NullPool)
    if parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, poolclass=pool.NullPool)

    @event.listens_for(engine.sync_engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        # As the services open it (shared.db): WAL, and no fsync per DDL statement.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def _with_connection(url: str, work: Callable[[Connection], T]) -> T:
    async def run() -> T:
        engine = engine_for(url)
        try:
            async with engine.connect() as connection:
                result = await connection.run_sync(work)
                await connection.commit()
                return result
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _current_on(connection: Connection, service: ServiceName) -> str | None:
    migration = MigrationContext.configure(
        connection, opts={"version_table": version_table(service)}
    )
    return migration.get_current_revision()


def _differences_on(connection: Connection, service: ServiceName) -> list[Any]:
    options = context_options(service)
    target = options.pop("target_metadata")
    migration = MigrationContext.configure(connection, opts=options)
    return list(compare_metadata(migration, target))


_ADDITIVE = (ops.CreateTableOp, ops.CreateIndexOp)


def _sqlite_primary_key_nullability(op: ops.MigrateOperation) -> bool:
    """SQLite reports a non-integer primary key column declared without NOT NULL as
    nullable; it holds no NULLs in practice, so that difference is not one."""
    return (
        isinstance(op, ops.AlterColumnOp)
        and op.modify_nullable is False
        and op.modify_type is None
        and op.modify_server_default is False
        and op.modify_name is None
        and op.modify_comment is False
        and bool(op.kw.get("existing_primary_key") or _is_primary_key(op))
    )


def _is_primary_key(op: ops.AlterColumnOp) -> bool:
    table = next((t for t in _ALL_TABLES if t.name == op.table_name), None)
    return table is not None and op.column_name in table.primary_key.columns


def _is_additive(op: ops.MigrateOperation) -> bool:
    if _sqlite_primary_key_nullability(op):
        return True
    if isinstance(op, ops.AddColumnOp):
        return bool(op.column.nullable) or op.column.server_default is not None
    if isinstance(op, ops.ModifyTableOps | ops.UpgradeOps):
        return all(_is_additive(child) for child in op.ops)
    return isinstance(op, _ADDITIVE)


def _is_pk_nullability_diff(difference: Any) -> bool:
    """The compare_metadata form of :func:`_sqlite_primary_key_nullability`."""
    if not (isinstance(difference, list) and len(difference) == 1 and len(difference[0]) == 7):
        return False
    kind, _schema, table_name, column_name, _existing, _old, new = difference[0]
    table = next((t for t in _ALL_TABLES if t.name == table_name), None)
    return (
        kind == "modify_nullable"
        and new is False
        and table is not None
        and column_name in table.primary_key.columns
    )


def _blocking(op: ops.MigrateOperation) -> list[str]:
    """The operations in ``op`` that are not additive, described."""
    if isinstance(op, ops.ModifyTableOps | ops.UpgradeOps):
        return [text for child in op.ops for text in _blocking(child)]
    if _is_additive(op):
        return []
    column = getattr(op, "column_name", None) or getattr(getattr(op, "column", None), "name", "")
    return [f"{type(op).__name__} {getattr(op, 'table_name', '')}.{column}".rstrip(".")]


def _catch_up_additively(connection: Connection, service: ServiceName) -> list[str]:
    """A database an older, pre-migrations Vigil created (``create_all`` at start-up) lacks
    what was added since: tables, nullable columns, indexes. When that is *all* that differs,
    add it, so the schema can be adopted; anything else is left for the caller to refuse."""
    options = context_options(service)
    target = options.pop("target_metadata")
    migration = MigrationContext.configure(connection, opts=options)
    upgrade_ops = produce_migrations(migration, target).upgrade_ops
    if upgrade_ops is None or upgrade_ops.is_empty():
        return []
    blocking = _blocking(upgrade_ops)
    if blocking:
        return blocking
    operations = Operations(migration)
    batch = connection.dialect.name == "sqlite"
    for op in upgrade_ops.ops:
        if isinstance(op, ops.ModifyTableOps):
            children = [c for c in op.ops if not _sqlite_primary_key_nullability(c)]
            if batch:
                with operations.batch_alter_table(op.table_name, schema=op.schema) as batch_ops:
                    for child in children:
                        batch_ops.invoke(child)
            else:
                for child in children:
                    operations.invoke(child)
        else:
            operations.invoke(op)
    logger.info("added what an older version lacked", extra={"db_service": service})
    return []


def _upgrade_on(connection: Connection, service: ServiceName, *, url: str, revision: str) -> None:
    """Apply migrations on this connection (committed by the caller). A database whose
    tables were created before migrations existed (by ``create_all``) and match the models
    exactly is adopted: stamped at head."""
    config = alembic_config(service, url=url)
    config.attributes["connection"] = connection
    names = {table.name for table in service_tables(service)}
    existing = names & set(inspect(connection).get_table_names())
    if _current_on(connection, service) is None and existing:
        blocking = _catch_up_additively(connection, service)
        differences = _differences_on(connection, service)
        if connection.dialect.name == "sqlite":
            differences = [d for d in differences if not _is_pk_nullability_diff(d)]
        if differences:
            parsed = make_url(normalise_database_url(url))
            remedy = (
                f"delete {parsed.database} (embedded mode's data) or set another VIGIL_DATA_DIR"
                if parsed.get_backend_name() == "sqlite"
                else "migrate the data by hand or use a fresh database"
            )
            raise MigrationError(
                f"{service}: the database has {service} tables but no migration history, "
                f"and they differ from the models in ways that cannot be added automatically "
                f"(first: {blocking[0] if blocking else differences[0]}); {remedy}"
            )
        command.stamp(config, "head")
        logger.info("adopted an existing schema", extra={"db_service": service})
        return
    command.upgrade(config, revision)
    logger.info("database migrated", extra={"db_service": service, "revision": revision})


def schema_status(service: ServiceName, *, url: str) -> SchemaStatus:
    script = ScriptDirectory.from_config(alembic_config(service))
    revision = _with_connection(url, lambda connection: _current_on(connection, service))
    known = revision is None or revision in {rev.revision for rev in script.walk_revisions()}
    return SchemaStatus(
        service=service, current=revision, head=script.get_current_head(), known=known
    )


def schema_differences(service: ServiceName, *, url: str) -> list[Any]:
    """What autogenerate would change to make the database match the models (empty = agree)."""
    return _with_connection(url, lambda connection: _differences_on(connection, service))


def upgrade(service: ServiceName, *, url: str, revision: str = "head") -> None:
    """Apply migrations (see :func:`_upgrade_on`), in one connection and transaction."""
    with MIGRATION_LOCK:
        _with_connection(
            url,
            lambda connection: _upgrade_on(connection, service, url=url, revision=revision),
        )


def _upgrade_and_check(service: ServiceName, *, url: str) -> None:
    """Start-up with auto-migrate: upgrade, then tell developers when a model changed
    without a migration (the service would fail on the missing column or table)."""

    def work(connection: Connection) -> None:
        _upgrade_on(connection, service, url=url, revision="head")
        if service in _DRIFT_CHECKED:  # a property of the code, not of the database
            return
        _DRIFT_CHECKED.add(service)
        differences = _differences_on(connection, service)
        if differences:
            logger.error(
                "the models differ from the migrations: run "
                f"`vigil db revision --service {service} -m '<what changed>'`",
                extra={
                    "db_service": service,
                    "differences": [str(item)[:300] for item in differences],
                },
            )

    with MIGRATION_LOCK:
        _with_connection(url, work)


def downgrade(service: ServiceName, *, url: str, revision: str) -> None:
    with MIGRATION_LOCK:
        command.downgrade(alembic_config(service, url=url), revision)


def history(service: ServiceName) -> list[str]:
    script = ScriptDirectory.from_config(alembic_config(service))
    return [f"{rev.revision}: {rev.doc}" for rev in reversed(list(script.walk_revisions()))]


# --- start-up ----------------------------------------------------------------------------


def auto_migrate_default(url: str) -> bool:
    """Unset ``VIGIL_DB_AUTO_MIGRATE``: migrate SQLite files (embedded mode, zero set-up),
    never PostgreSQL (run ``vigil db upgrade`` before starting or scaling the services)."""
    return make_url(normalise_database_url(url)).get_backend_name() == "sqlite"


def require_current(service: ServiceName, *, url: str) -> SchemaStatus:
    status = schema_status(service, url=url)
    if status.at_head:
        return status
    if not status.known:
        # A newer release migrated this database; migrations are additive, so keep going.
        logger.warning(
            "database schema is newer than this release",
            extra={"db_service": service, "revision": status.current, "head": status.head},
        )
        return status
    raise MigrationError(
        f"{service}: database schema is at revision {status.current or '(empty)'}, this "
        f"release needs {status.head}: run `vigil db upgrade --service {service}` "
        "(or set VIGIL_DB_AUTO_MIGRATE=true)"
    )


async def ensure_schema(*, service: ServiceName, url: str, auto_migrate: bool | None) -> None:
    """At service start-up: migrate when configured to, else insist the schema is current."""
    migrate = auto_migrate_default(url) if auto_migrate is None else auto_migrate
    if migrate:
        await asyncio.to_thread(_upgrade_and_check, service, url=url)
    else:
        await asyncio.to_thread(require_current, service, url=url)
