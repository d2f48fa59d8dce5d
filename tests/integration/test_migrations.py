"""Alembic migrations on real PostgreSQL and on SQLite: upgrade from empty, downgrade to
empty, models and migrations agree (autogenerate finds nothing), start-up behaviour."""

import asyncio
import importlib
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import MetaData, Table, inspect, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel

from shared.db import Database, normalise_database_url
from shared.migrations import (
    SERVICES_WITH_DATABASE,
    MigrationError,
    downgrade,
    ensure_schema,
    head_revision,
    require_current,
    schema_differences,
    schema_status,
    service_tables,
    upgrade,
    version_table,
)
from shared.settings import ServiceName
from tests.conftest import PostgresDatabases

SERVICES = list(SERVICES_WITH_DATABASE)


async def table_names(url: str) -> set[str]:
    engine = create_async_engine(normalise_database_url(url))
    try:
        async with engine.connect() as connection:
            return set(await connection.run_sync(lambda c: inspect(c).get_table_names()))
    finally:
        await engine.dispose()


@pytest.fixture(params=[pytest.param("postgresql", marks=pytest.mark.postgres), "sqlite"])
async def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """The URL of an empty database, on a real PostgreSQL server and on SQLite."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    databases = PostgresDatabases(request.getfixturevalue("postgres_admin_url"))
    try:
        yield await databases.create("migrations")
    finally:
        await asyncio.wait_for(databases.drop_all(), 30)


def owned_names(service: ServiceName) -> set[str]:
    return {table.name for table in service_tables(service)}


@pytest.mark.parametrize("service", SERVICES)
async def test_upgrade_from_empty_then_downgrade_to_empty(
    service: ServiceName, empty_database: str
) -> None:
    url = empty_database
    await asyncio.to_thread(upgrade, service, url=url)

    status = await asyncio.to_thread(schema_status, service, url=url)
    assert status.at_head
    assert status.current == head_revision(service)
    assert await table_names(url) == owned_names(service) | {version_table(service)}
    # the models and the migrations agree: autogenerate would write nothing
    assert await asyncio.to_thread(schema_differences, service, url=url) == []

    await asyncio.to_thread(downgrade, service, url=url, revision="base")
    assert await table_names(url) <= {version_table(service)}
    assert (await asyncio.to_thread(schema_status, service, url=url)).current is None

    # and up again: downgrade really removed everything upgrade creates
    await asyncio.to_thread(upgrade, service, url=url)
    assert (await asyncio.to_thread(schema_status, service, url=url)).at_head


async def test_services_sharing_one_database_keep_separate_histories(
    empty_database: str,
) -> None:
    url = empty_database
    for service in SERVICES:
        await asyncio.to_thread(upgrade, service, url=url)
    names = await table_names(url)
    for service in SERVICES:
        assert owned_names(service) | {version_table(service)} <= names
        assert await asyncio.to_thread(schema_differences, service, url=url) == []
    await asyncio.to_thread(downgrade, "triage", url=url, revision="base")
    assert not owned_names("triage") & await table_names(url)
    assert (await asyncio.to_thread(schema_status, "escalation", url=url)).at_head


def test_every_table_belongs_to_exactly_one_service() -> None:
    """A table defined outside a service's TABLES would have no migration."""
    for service in ("intake", *SERVICES):
        importlib.import_module(f"services.{service}.main")
    owners: dict[str, list[str]] = {}
    for service in SERVICES:
        for name in owned_names(service):
            owners.setdefault(name, []).append(service)
    assert {name for name, services in owners.items() if len(services) > 1} == set()
    assert set(SQLModel.metadata.tables) - set(owners) == set()


@pytest.mark.parametrize("service", SERVICES)
async def test_a_schema_created_before_migrations_is_adopted(
    service: ServiceName, empty_database: str
) -> None:
    """Databases created by create_all before migrations existed are stamped, not broken."""
    db = Database(empty_database)
    try:
        await db.create_tables(service_tables(service))
    finally:
        await db.dispose()
    await asyncio.to_thread(upgrade, service, url=empty_database)
    assert (await asyncio.to_thread(schema_status, service, url=empty_database)).at_head


async def test_a_foreign_schema_without_history_is_refused(empty_database: str) -> None:
    table = next(iter(owned_names("triage")))
    engine = create_async_engine(normalise_database_url(empty_database))
    try:
        async with engine.begin() as connection:
            await connection.execute(text(f'CREATE TABLE "{table}" (id INTEGER PRIMARY KEY)'))
    finally:
        await engine.dispose()
    with pytest.raises(MigrationError, match="no migration history"):
        await asyncio.to_thread(upgrade, "triage", url=empty_database)


async def test_start_up_without_auto_migrate_refuses_an_unmigrated_database(
    empty_database: str,
) -> None:
    with pytest.raises(MigrationError, match="vigil db upgrade --service escalation"):
        await ensure_schema(service="escalation", url=empty_database, auto_migrate=False)
    await asyncio.to_thread(upgrade, "escalation", url=empty_database)
    await ensure_schema(service="escalation", url=empty_database, auto_migrate=False)


async def test_start_up_auto_migrates_sqlite_by_default_but_never_postgresql(
    empty_database: str,
) -> None:
    if empty_database.startswith("sqlite"):
        await ensure_schema(service="metrics", url=empty_database, auto_migrate=None)
        assert (await asyncio.to_thread(schema_status, "metrics", url=empty_database)).at_head
    else:
        with pytest.raises(MigrationError):
            await ensure_schema(service="metrics", url=empty_database, auto_migrate=None)
        await ensure_schema(service="metrics", url=empty_database, auto_migrate=True)
        assert (await asyncio.to_thread(schema_status, "metrics", url=empty_database)).at_head


async def test_a_schema_newer_than_the_release_is_tolerated(
    empty_database: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Rolling upgrades: an old replica restarting after the new release migrated."""
    await asyncio.to_thread(upgrade, "triage", url=empty_database)
    engine = create_async_engine(normalise_database_url(empty_database))
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text(f"UPDATE {version_table('triage')} SET version_num = 'triage_9999'")
            )
    finally:
        await engine.dispose()
    status = await asyncio.to_thread(require_current, "triage", url=empty_database)
    assert status.current == "triage_9999"
    assert not status.known
    assert any("newer than this release" in record.message for record in caplog.records)


@pytest.mark.postgres
async def test_replicas_migrating_at_once_take_turns(postgres: PostgresDatabases) -> None:
    """Three processes run `vigil db upgrade` on one empty database at the same moment (as
    replicas with VIGIL_DB_AUTO_MIGRATE=true would): all succeed, the schema is at head."""
    url = await postgres.create("concurrent")
    env = {key: value for key, value in os.environ.items() if not key.startswith("VIGIL_")}
    command = [sys.executable, "-m", "services.cli", "db", "upgrade", "--service", "escalation"]
    processes = [
        await asyncio.create_subprocess_exec(
            *command,
            "--database-url",
            url,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        for _ in range(3)
    ]
    results = await asyncio.wait_for(
        asyncio.gather(*(process.communicate() for process in processes)), 120
    )
    for process, (output, _) in zip(processes, results, strict=True):
        assert process.returncode == 0, output.decode()
    assert (await asyncio.to_thread(schema_status, "escalation", url=url)).at_head
    assert await asyncio.to_thread(schema_differences, "escalation", url=url) == []


async def test_an_older_schema_missing_only_additions_is_caught_up_and_adopted(
    empty_database: str,
) -> None:
    """A database a pre-migrations release created lacks newer tables and nullable columns:
    they are added and the schema adopted, with its rows kept."""
    tables = service_tables("escalation")
    older = MetaData()
    dropped: list[str] = []
    for table in tables[:-1]:
        optional = next(
            (c for c in table.columns if c.nullable and not c.primary_key and not c.index), None
        )
        columns = [c._copy() for c in table.columns if c is not optional]
        if optional is not None:
            dropped.append(f"{table.name}.{optional.name}")
        Table(table.name, older, *columns)
    assert dropped, "expected a nullable column to leave out"
    engine = create_async_engine(normalise_database_url(empty_database))
    try:
        async with engine.begin() as connection:
            await connection.run_sync(older.create_all)
    finally:
        await engine.dispose()

    await asyncio.to_thread(upgrade, "escalation", url=empty_database)

    assert (await asyncio.to_thread(schema_status, "escalation", url=empty_database)).at_head
    assert await asyncio.to_thread(schema_differences, "escalation", url=empty_database) == []
