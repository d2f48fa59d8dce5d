"""SLA clocks: deadlines in calendar time or in business hours of a time zone.

Pure functions; the start time is always given, never read from a clock.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# Search a bounded horizon: a calendar with working time finds it within a few weeks.
_MAX_DAYS_SCANNED = 4000


def parse_duration(value: str) -> timedelta:
    """``"15m"``, ``"4h"``, ``"1.5h"``, ``"2d"``, or ``"asap"`` (zero: due at once)."""
    if value.strip().lower() == "asap":
        return timedelta(0)
    match = _DURATION.match(value)
    if match is None:
        raise ValueError(f"{value!r} is not a duration like '15m', '4h', '2d' or 'asap'")
    return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])


@dataclass(frozen=True)
class BusinessCalendar:
    """Working hours ``start``-``end`` on ``weekdays`` (0 = Monday) in ``timezone``."""

    timezone: ZoneInfo
    weekdays: frozenset[int]
    start: time
    end: time
    holidays: frozenset[date] = frozenset()

    def works_on(self, day: date) -> bool:
        return day.weekday() in self.weekdays and day not in self.holidays


def add_business_time(start: datetime, duration: timedelta, calendar: BusinessCalendar) -> datetime:
    """The instant ``duration`` of working time after ``start`` (an aware datetime), in UTC."""
    if start.tzinfo is None:
        raise ValueError("start must be time-zone aware")
    remaining = duration
    current = start.astimezone(calendar.timezone)
    for _ in range(_MAX_DAYS_SCANNED):
        day = current.date()
        if calendar.works_on(day):
            opens = datetime.combine(day, calendar.start, tzinfo=calendar.timezone)
            closes = datetime.combine(day, calendar.end, tzinfo=calendar.timezone)
            current = max(current, opens)
            if current < closes:
                available = closes.astimezone(UTC) - current.astimezone(UTC)
                if remaining <= available:
                    return current.astimezone(UTC) + remaining
                remaining -= available
        current = datetime.combine(day + timedelta(days=1), time(0), tzinfo=calendar.timezone)
    raise ValueError("the business calendar has no working time in the coming years")


def due_at(start: datetime, duration: timedelta, *, calendar: BusinessCalendar | None) -> datetime:
    """Calendar clock when ``calendar`` is None, else business hours of that calendar."""
    if calendar is None:
        return start.astimezone(UTC) + duration
    if duration <= timedelta(0):
        return start.astimezone(UTC)
    return add_business_time(start, duration, calendar)
