"""Times a person gives escalation (on-call ``at``, snooze ``until``) are what the OpenAPI
document says, an RFC 3339 date-time with an offset, and nothing else pydantic would take."""

from datetime import UTC, datetime

import pytest
from pydantic import TypeAdapter, ValidationError

from services.escalation.schemas import OptionalRfc3339Datetime, SnoozeIn

TIMES: TypeAdapter[datetime | None] = TypeAdapter(OptionalRfc3339Datetime)


@pytest.mark.parametrize(
    ("given", "read"),
    [
        ("2026-12-04T09:00:00Z", datetime(2026, 12, 4, 9, tzinfo=UTC)),
        ("2026-12-04t09:00:00.5+00:00", datetime(2026, 12, 4, 9, 0, 0, 500000, tzinfo=UTC)),
        ("2016-12-31T23:59:60Z", datetime(2016, 12, 31, 23, 59, 59, tzinfo=UTC)),  # leap second
        (
            "2017-01-01T00:59:60+01:00",
            datetime(2016, 12, 31, 23, 59, 59, tzinfo=UTC),
        ),  # the same leap second, at an offset
    ],
)
def test_rfc3339_date_times_are_read(given: str, read: datetime | None) -> None:
    assert TIMES.validate_python(given) == read


@pytest.mark.parametrize(
    "given",
    [
        "0",
        "-1",
        "1733302800",
        "2026-12-04 09:00:00Z",
        "2026-12-04T09:00Z",
        "2000-01-01T12:30:60Z",  # second 60 outside the day's last UTC minute
        "",
        "AAA",
        0,
    ],
)
def test_anything_else_is_refused(given: object) -> None:
    with pytest.raises(ValidationError, match="RFC 3339"):
        TIMES.validate_python(given)


def test_a_snooze_until_a_unix_timestamp_is_refused() -> None:
    with pytest.raises(ValidationError, match="RFC 3339"):
        SnoozeIn.model_validate({"until": 1733302800})
