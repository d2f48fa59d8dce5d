"""The one way a test waits: poll a probe within a bounded deadline, never a bare sleep.

``wait_until(probe, what=...)`` calls ``probe`` (a plain function or a coroutine function)
every ``interval_seconds`` until it answers and returns the answer:

- without ``until``, an answer is anything but ``None`` or ``False``, so a probe returns the
  value it waited for or ``None``, and a plain condition (``lambda: loop.stalled``) works too;
- with ``until``, the probe returns what it sees each time and ``until(seen)`` decides, so
  the timeout shows the last thing seen.

On timeout it raises ``AssertionError`` naming ``what``, the probe's last value (or the last
error it ignored), and whatever ``diagnose`` adds (a process's log, readiness answers).
Errors listed in ``ignoring`` (a server not listening yet) count as no answer; any other
error, an assertion inside the probe included, fails the test at once.
"""

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, overload

T = TypeVar("T")

Diagnose = Callable[[], str | Awaitable[str]]


def _answered(value: object) -> bool:
    return value is not None and value is not False


@overload
async def wait_until(
    probe: Callable[[], Awaitable[T | None]],
    *,
    what: str,
    timeout_seconds: float = 10.0,
    interval_seconds: float = 0.05,
    ignoring: tuple[type[Exception], ...] = (),
    diagnose: Diagnose | None = None,
) -> T: ...


@overload
async def wait_until(
    probe: Callable[[], Awaitable[T]],
    *,
    until: Callable[[T], bool],
    what: str,
    timeout_seconds: float = 10.0,
    interval_seconds: float = 0.05,
    ignoring: tuple[type[Exception], ...] = (),
    diagnose: Diagnose | None = None,
) -> T: ...


@overload
async def wait_until(
    probe: Callable[[], T | None],
    *,
    what: str,
    timeout_seconds: float = 10.0,
    interval_seconds: float = 0.05,
    ignoring: tuple[type[Exception], ...] = (),
    diagnose: Diagnose | None = None,
) -> T: ...


@overload
async def wait_until(
    probe: Callable[[], T],
    *,
    until: Callable[[T], bool],
    what: str,
    timeout_seconds: float = 10.0,
    interval_seconds: float = 0.05,
    ignoring: tuple[type[Exception], ...] = (),
    diagnose: Diagnose | None = None,
) -> T: ...


async def wait_until(
    probe: Callable[[], Any],
    *,
    until: Callable[[Any], bool] = _answered,
    what: str,
    timeout_seconds: float = 10.0,
    interval_seconds: float = 0.05,
    ignoring: tuple[type[Exception], ...] = (),
    diagnose: Diagnose | None = None,
) -> Any:
    """Poll ``probe`` until ``until`` accepts its answer; fail after ``timeout_seconds``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_seconds
    while True:
        try:
            last = probe()
            if inspect.isawaitable(last):
                last = await last
        except ignoring as error:
            last = error
        else:
            if until(last):
                return last
        if loop.time() > deadline:
            message = f"timed out after {timeout_seconds}s waiting for {what}; last value: {last!r}"
            if diagnose is not None:
                details = diagnose()
                if inspect.isawaitable(details):
                    details = await details
                message += f"\n{details}"
            raise AssertionError(message)
        await asyncio.sleep(interval_seconds)
