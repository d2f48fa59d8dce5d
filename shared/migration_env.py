"""The Alembic environment of every service: each ``services/<service>/migrations/env.py``
calls :func:`run_env`, which migrates that service's tables only, under its own version
table, taking a PostgreSQL advisory lock so replicas migrating at once take turns."""

import asyncio
import zlib

from alembic import context
from sqlalchemy import Connection, text

from shared.migrations import context_options, engine_for
from shared.settings import ServiceName


def _advisory_lock_key(service: ServiceName) -> int:
    return zlib.crc32(f"vigil-migrations-{service}".encode())


def run_env() -> None:
    """The body of every ``services/<service>/migrations/env.py``."""
    config = context.config
    service: ServiceName = config.attributes["vigil_service"]
    url: str = config.attributes["database_url"]
    options = context_options(service)
    if context.is_offline_mode():
        context.configure(url=url, literal_binds=True, **options)
        with context.begin_transaction():
            context.run_migrations()
        return

    def migrate(connection: Connection) -> None:
        if connection.dialect.name == "postgresql":
            # Replicas migrating at once (VIGIL_DB_AUTO_MIGRATE=true) take turns; the lock
            # is held until this transaction commits, so the next one finds it done.
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _advisory_lock_key(service)}
            )
        context.configure(connection=connection, **options)
        with context.begin_transaction():
            context.run_migrations()

    shared: Connection | None = config.attributes.get("connection")
    if shared is not None:  # called by the functions below, inside their transaction
        migrate(shared)
        return

    async def run() -> None:
        engine = engine_for(url)
        try:
            async with engine.connect() as connection:
                await connection.run_sync(migrate)
                await connection.commit()
        finally:
            await engine.dispose()

    asyncio.run(run())
