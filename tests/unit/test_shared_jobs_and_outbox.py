"""shared.jobs and shared.outbox: the one behaviour every service's background work and
outbox have when a pass fails or the broker is down."""

import asyncio
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.bus import BusUnavailableError, InProcessBus, Outgoing
from shared.db import Database
from shared.jobs import run_every
from shared.outbox import relay_pending, stamp_published_at


async def test_a_failing_pass_is_logged_and_the_job_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    passes: list[int] = []

    async def one_pass() -> None:
        passes.append(len(passes))
        if len(passes) == 1:
            raise ConnectionError("database is down")

    job = asyncio.create_task(run_every("test-job", interval_seconds=0.01, one_pass=one_pass))
    for _ in range(200):
        if len(passes) >= 3:
            break
        await asyncio.sleep(0.01)
    job.cancel()
    with pytest.raises(asyncio.CancelledError):
        await job
    assert len(passes) >= 3
    failures = [record for record in caplog.records if record.getMessage().startswith("background")]
    assert [getattr(record, "job", None) for record in failures] == ["test-job"]


class IsolatedTable(SQLModel, registry=registry()):
    """Its own metadata: SQLModel's must hold only the services' tables."""


class OutboxRowForTests(IsolatedTable, table=True):
    __tablename__ = "tests_outbox"
    id: int = Field(primary_key=True)
    payload: str
    published_at: datetime | None = None


class RefusingBus(InProcessBus):
    def __init__(self) -> None:
        super().__init__()
        self.refusing = True

    async def send_many(self, messages: Sequence[Outgoing]) -> None:
        if self.refusing:
            raise BusUnavailableError("Kafka did not acknowledge: TimeoutError()")
        await super().send_many(messages)


async def test_a_refused_round_stamps_nothing_and_the_next_sends_in_order(tmp_path: Path) -> None:
    database = Database(f"sqlite+aiosqlite:///{tmp_path}/outbox.db")
    async with database.engine.begin() as connection:
        await connection.run_sync(OutboxRowForTests.metadata.create_all)
    async with database.session() as session:
        session.add_all([OutboxRowForTests(id=n, payload=f"event-{n}") for n in (1, 2, 3)])
        await session.commit()
    bus = RefusingBus()

    async def pending(session: AsyncSession) -> Sequence[OutboxRowForTests]:
        statement = (
            select(OutboxRowForTests)
            .where(col(OutboxRowForTests.published_at).is_(None))
            .order_by(col(OutboxRowForTests.id))
        )
        return (await session.exec(statement)).all()

    def message_of(row: OutboxRowForTests) -> Outgoing:
        return Outgoing("tests.topic", key="one-key", value=row.payload.encode())

    async def relay() -> int:
        return await relay_pending(
            database, bus=bus, pending=pending, message_of=message_of, stamp=stamp_published_at
        )

    assert await relay() == 0
    async with database.session() as session:
        assert len(await pending(session)) == 3

    bus.refusing = False
    assert await relay() == 3
    async with database.session() as session:
        assert list(await pending(session)) == []
    sent = [
        message.value for partition in bus.partitions_of("tests.topic") for message in partition
    ]
    assert sent == [b"event-1", b"event-2", b"event-3"]
    await database.dispose()
