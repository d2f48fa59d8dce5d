"""The periodic-job runner every service's background work uses (relays, timers, rules
sync, gauges): one pass, then a pause, until the lifespan cancels it.

A pass that raises is logged with the job's name and the next pass goes on at the usual
interval: a database or broker that is down is waited out, never a reason to stop the job.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable

logger = logging.getLogger(__name__)


async def run_every(
    name: str, *, interval_seconds: float, one_pass: Callable[[], Awaitable[object]]
) -> None:
    while True:
        try:
            await one_pass()
        except Exception:
            logger.exception("background pass failed; next pass as usual", extra={"job": name})
        await asyncio.sleep(interval_seconds)
