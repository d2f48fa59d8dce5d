"""The outbox every service publishes through: events are stored in the transaction that
made them, then sent here in order and stamped sent.

One behaviour when the broker is unavailable, for every service: nothing of that round is
stamped, the caller's transaction is left for it to end (row locks go with it), and the
same events, in the same order, go out in a later round (the request that made them, the
next batch, or the relay). An event sent but not stamped (a crash between the two) is sent
again; every consumer drops an event id it has already handled.
"""

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Protocol, TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession

from shared.bus import Bus, BusUnavailableError, Outgoing
from shared.db import Database
from shared.events import utcnow

logger = logging.getLogger(__name__)

Row = TypeVar("Row")


async def publish_rows(
    session: AsyncSession,
    rows: Sequence[Row],
    *,
    bus: Bus,
    message_of: Callable[[Row], Outgoing],
    stamp: Callable[[Row, datetime], None],
) -> bool:
    """Send the rows' events in one round of produces (in order per partition), stamp each
    row and commit; False when the broker refused them: nothing is stamped."""
    if not rows:
        return True
    try:
        await bus.send_many([message_of(row) for row in rows])
    except BusUnavailableError as error:
        logger.warning(
            "events left in the outbox until the broker takes them",
            extra={"events": len(rows), "error": str(error)},
        )
        return False
    now = utcnow()
    for row in rows:
        stamp(row, now)
        session.add(row)
    await session.commit()
    return True


async def relay_pending(
    db: Database,
    *,
    bus: Bus,
    pending: Callable[[AsyncSession], Awaitable[Sequence[Row]]],
    message_of: Callable[[Row], Outgoing],
    stamp: Callable[[Row, datetime], None],
) -> int:
    """One relay round: the events ``pending`` selects, sent and stamped in one
    transaction; how many were sent (0 as well when the broker refused them)."""
    async with db.session() as session:
        rows = await pending(session)
        sent = await publish_rows(session, rows, bus=bus, message_of=message_of, stamp=stamp)
    return len(rows) if sent else 0


class SentAt(Protocol):
    published_at: datetime | None


def stamp_published_at(row: SentAt, at: datetime) -> None:
    """For outbox tables whose rows say when they were sent in ``published_at``."""
    row.published_at = at
