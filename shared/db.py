"""Async SQLModel sessions for SQLite (embedded) and PostgreSQL (distributed)."""

import json
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Table, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession


def aware(value: datetime) -> datetime:
    """SQLite hands datetimes back naive; every time Vigil stores is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def normalise_database_url(url: str) -> str:
    """Accept plain ``postgresql://`` and ``sqlite://`` URLs and pick the async drivers."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    elif parsed.drivername == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    return parsed.render_as_string(hide_password=False)


# PostgreSQL text cannot hold U+0000 (nor JSONB its \\u0000 escape): one such string fails
# the whole transaction. Intake refuses NUL; these keep anything that slips past storable.
NUL = "\x00"
NUL_REPLACEMENT = "\ufffd"


def without_nul(value: Any) -> Any:
    """``value`` with every NUL in its strings (and dict keys) replaced by U+FFFD."""
    if isinstance(value, str):
        return value.replace(NUL, NUL_REPLACEMENT) if NUL in value else value
    if isinstance(value, dict):
        return {without_nul(key): without_nul(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(without_nul(item) for item in value)
    return value


def json_without_nul(value: Any) -> str:
    text = json.dumps(value)
    # json.dumps escapes NUL as \u0000; only then is the (rare) second pass needed.
    return json.dumps(without_nul(value)) if "\\u0000" in text else text


def _strip_nul_parameters(
    _connection: Any,
    _cursor: Any,
    statement: str,
    parameters: Any,
    _context: Any,
    executemany: bool,
) -> tuple[str, Any]:
    if executemany:
        return statement, [without_nul(row) for row in parameters]
    return statement, without_nul(parameters)


class Database:
    def __init__(self, url: str) -> None:
        self.url = normalise_database_url(url)
        self.engine: AsyncEngine = self._create_engine(self.url)
        self._sessions = async_sessionmaker(
            self.engine, class_=AsyncSession, expire_on_commit=False
        )

    @staticmethod
    def _create_engine(url: str) -> AsyncEngine:
        parsed = make_url(url)
        if not parsed.drivername.startswith("sqlite"):
            engine = create_async_engine(
                url, pool_pre_ping=True, pool_size=10, json_serializer=json_without_nul
            )
            event.listen(
                engine.sync_engine, "before_cursor_execute", _strip_nul_parameters, retval=True
            )
            return engine
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine

    @property
    def is_in_memory(self) -> bool:
        parsed = make_url(self.url)
        return parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:")

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    async def create_tables(self, tables: Sequence[Table]) -> None:
        async with self.engine.begin() as connection:
            await connection.run_sync(SQLModel.metadata.create_all, tables=list(tables))

    def session(self) -> AsyncSession:
        return self._sessions()

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except (SQLAlchemyError, OSError):
            return False
        return True

    async def dispose(self) -> None:
        await self.engine.dispose()


Row = TypeVar("Row")


async def commit_or_existing(
    session: AsyncSession,
    rows: Sequence[SQLModel],
    *,
    written: Row,
    existing: Callable[[], Awaitable[Row | None]],
) -> Row:
    """Commit ``rows`` and return ``written``; when a unique key shows that a concurrent
    writer (another replica, a redelivery) committed the same thing first, roll back and
    return what it wrote instead. Any other integrity error is raised."""
    session.add_all(list(rows))
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        found = await existing()
        if found is None:
            raise
        return found
    return written
