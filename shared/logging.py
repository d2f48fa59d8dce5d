"""Structured JSON logs. Every line inside a ticket's handling carries its ticket and trace id."""

import json
import logging
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

service_var: ContextVar[str | None] = ContextVar("service", default=None)
ticket_id_var: ContextVar[str | None] = ContextVar("ticket_id", default=None)
trace_id_var: ContextVar[str | None] = ContextVar("trace_id", default=None)

_STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
    "taskName",
    "color_message",
}


# What ``json.dumps(entry, default=str)`` builds on every call, built once.
_ENCODER = json.JSONEncoder(default=str)


class JsonFormatter(logging.Formatter):
    def __init__(self, *, service: str) -> None:
        super().__init__()
        self._service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "service": service_var.get() or self._service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if (ticket_id := ticket_id_var.get()) is not None:
            entry["ticket_id"] = ticket_id
        if (trace_id := trace_id_var.get()) is not None:
            entry["trace_id"] = trace_id
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRIBUTES and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return _ENCODER.encode(entry)


class RepeatedLogFilter(logging.Filter):
    """Lets the first of a run of identical lines through, then one line per window with
    the number held back (``suppressed_repeats``). A broker outage makes aiokafka log the
    same connection error many times a second, per connection."""

    MAX_TRACKED = 1000

    def __init__(
        self,
        *,
        logger_prefixes: tuple[str, ...] = ("aiokafka",),
        window_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self._prefixes = logger_prefixes
        self._window = window_seconds
        self._clock = clock
        # (logger, level, message template) -> [last emitted at, last seen at, held back]
        self._runs: dict[tuple[str, int, str], list[float]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith(self._prefixes):
            return True
        now = self._clock()
        key = (record.name, record.levelno, str(record.msg))
        run = self._runs.get(key)
        if run is None or now - run[1] > self._window:  # a new run: something changed
            if len(self._runs) >= self.MAX_TRACKED:
                self._runs.clear()
            self._runs[key] = [now, now, 0]
            return True
        run[1] = now
        if now - run[0] < self._window:
            run[2] += 1
            return False
        record.suppressed_repeats = int(run[2])
        run[0], run[2] = now, 0
        return True


def configure_logging(*, service: str, level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service=service))
    handler.addFilter(RepeatedLogFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("aiokafka", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def trace_id_of(traceparent: str | None) -> str | None:
    """The trace id of a W3C traceparent (``00-<trace-id>-<parent-id>-<flags>``)."""
    if not traceparent:
        return None
    parts = traceparent.split("-")
    if len(parts) != 4 or len(parts[1]) != 32:
        return None
    return parts[1]


@contextmanager
def ticket_context(*, ticket_id: str | None, traceparent: str | None) -> Iterator[None]:
    ticket_token = ticket_id_var.set(ticket_id)
    trace_token = trace_id_var.set(trace_id_of(traceparent))
    try:
        yield
    finally:
        ticket_id_var.reset(ticket_token)
        trace_id_var.reset(trace_token)
