"""Why a handler failed: infrastructure that is down (wait for it) or data it can never take.

The consume loop waits out a transient failure however long it lasts, because the message is
fine and dead-lettering it would lose a report; it dead-letters a permanent one at once,
because retrying it would block its partition for ever. Anything else (most likely a bug)
gets a few attempts before it is dead-lettered.
"""

from enum import Enum

from pydantic import ValidationError
from sqlalchemy.exc import (
    DataError,
    DBAPIError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    ProgrammingError,
)

from shared.bus import BusUnavailableError


class PermanentError(Exception):
    """The message can never be handled: dead-letter it without retrying."""


class Failure(Enum):
    TRANSIENT = "transient"
    PERMANENT = "permanent"
    UNKNOWN = "unknown"


# PostgreSQL error classes (the first two characters of SQLSTATE), appendix A of its manual.
_TRANSIENT_SQLSTATE_CLASSES = frozenset(
    {
        "08",  # connection exception
        "40",  # transaction rollback: serialization failure, deadlock
        "53",  # insufficient resources: disk full, out of memory, too many connections
        "57",  # operator intervention: shutdown, cannot connect now, statement cancelled
        "58",  # system error: I/O error
    }
)
_TRANSIENT_SQLSTATES = frozenset({"55P03"})  # lock not available (lock_timeout)
_PERMANENT_SQLSTATE_CLASSES = frozenset(
    {
        "21",  # cardinality violation
        "22",  # data exception: NUL byte, value too long, invalid text representation
        "23",  # integrity constraint violation
        "42",  # syntax error or access rule violation
    }
)


def classify_failure(error: BaseException) -> Failure:
    if isinstance(error, PermanentError | ValidationError | UnicodeDecodeError):
        return Failure.PERMANENT
    if isinstance(error, BusUnavailableError | ConnectionError | TimeoutError | OSError):
        return Failure.TRANSIENT
    if isinstance(error, DBAPIError):
        return _classify_database_error(error)
    return Failure.UNKNOWN


def _classify_database_error(error: DBAPIError) -> Failure:
    if error.connection_invalidated:
        return Failure.TRANSIENT
    sqlstate = getattr(error.orig, "sqlstate", None)
    if isinstance(sqlstate, str) and len(sqlstate) == 5:
        if sqlstate in _TRANSIENT_SQLSTATES or sqlstate[:2] in _TRANSIENT_SQLSTATE_CLASSES:
            return Failure.TRANSIENT
        if sqlstate[:2] in _PERMANENT_SQLSTATE_CLASSES:
            return Failure.PERMANENT
        return Failure.UNKNOWN
    # No SQLSTATE (SQLite, or a driver-level error): the exception class is all there is.
    # SQLite's OperationalError is "database is locked", "disk I/O error" and the like.
    if isinstance(error, OperationalError | InterfaceError):
        return Failure.TRANSIENT
    if isinstance(error, DataError | IntegrityError | ProgrammingError):
        return Failure.PERMANENT
    return Failure.UNKNOWN
