"""Which failures the consume loop waits out, and which it dead-letters at once."""

import sqlite3

import pytest
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from shared.bus import BusUnavailableError
from shared.failures import Failure, PermanentError, classify_failure


class DriverError(Exception):
    def __init__(self, message: str, *, sqlstate: str | None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


def postgres(sqlstate: str) -> DBAPIError:
    return DBAPIError("INSERT ...", {}, DriverError("from PostgreSQL", sqlstate=sqlstate))


@pytest.mark.parametrize(
    ("sqlstate", "expected"),
    [
        ("22021", Failure.PERMANENT),  # invalid byte sequence: the NUL in a report
        ("22001", Failure.PERMANENT),  # value too long
        ("23505", Failure.PERMANENT),  # unique violation the data itself causes
        ("42P01", Failure.PERMANENT),  # undefined table
        ("40001", Failure.TRANSIENT),  # serialization failure
        ("40P01", Failure.TRANSIENT),  # deadlock
        ("08006", Failure.TRANSIENT),  # connection failure
        ("57P01", Failure.TRANSIENT),  # admin shutdown
        ("57P03", Failure.TRANSIENT),  # cannot connect now (starting up)
        ("53300", Failure.TRANSIENT),  # too many connections
        ("55P03", Failure.TRANSIENT),  # lock not available
        ("XX000", Failure.UNKNOWN),  # internal error: a few attempts, then dead-lettered
    ],
)
def test_postgres_errors_are_told_apart_by_sqlstate(sqlstate: str, expected: Failure) -> None:
    assert classify_failure(postgres(sqlstate)) is expected


def test_a_dropped_connection_is_transient_whatever_its_class() -> None:
    error = DBAPIError("SELECT 1", {}, DriverError("closed", sqlstate=None))
    error.connection_invalidated = True
    assert classify_failure(error) is Failure.TRANSIENT


def test_sqlite_errors_without_sqlstate_go_by_class() -> None:
    locked = OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked"))
    duplicate = IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed"))
    assert classify_failure(locked) is Failure.TRANSIENT
    assert classify_failure(duplicate) is Failure.PERMANENT


def test_infrastructure_and_data_errors_outside_the_database() -> None:
    class Strict(BaseModel):
        number: int

    with pytest.raises(ValidationError) as invalid:
        Strict.model_validate({"number": "many"})
    assert classify_failure(BusUnavailableError("no ack")) is Failure.TRANSIENT
    assert classify_failure(ConnectionRefusedError()) is Failure.TRANSIENT
    assert classify_failure(TimeoutError()) is Failure.TRANSIENT
    assert classify_failure(invalid.value) is Failure.PERMANENT
    assert classify_failure(PermanentError("trend id too long")) is Failure.PERMANENT
    assert classify_failure(KeyError("a bug")) is Failure.UNKNOWN
