"""SLA clocks: calendar vs business hours, weekends, holidays, time zones, DST."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.triage.rules import builtin_rules
from services.triage.shipped import classify
from services.triage.sla import BusinessCalendar, add_business_time, due_at, parse_duration
from shared.events import Priority, Report

DUBLIN = BusinessCalendar(
    timezone=ZoneInfo("Europe/Dublin"),
    weekdays=frozenset(range(5)),
    start=time(9),
    end=time(17),
    holidays=frozenset({date(2026, 12, 25)}),
)
TOKYO = BusinessCalendar(
    timezone=ZoneInfo("Asia/Tokyo"), weekdays=frozenset(range(5)), start=time(9), end=time(18)
)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("15m", timedelta(minutes=15)),
        ("4h", timedelta(hours=4)),
        ("1.5h", timedelta(minutes=90)),
        ("2d", timedelta(days=2)),
        ("asap", timedelta(0)),
    ],
)
def test_durations(value: str, expected: timedelta) -> None:
    assert parse_duration(value) == expected


@pytest.mark.parametrize("value", ["", "4", "h4", "4 hours", "-1h"])
def test_bad_durations_are_rejected(value: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(value)


def test_calendar_clock_runs_through_the_weekend() -> None:
    friday_evening = utc(2026, 11, 27, 20, 0)

    assert due_at(friday_evening, timedelta(hours=24), calendar=None) == utc(2026, 11, 28, 20, 0)


def test_business_clock_skips_the_weekend() -> None:
    # Friday 16:00 in Dublin (UTC+0 in winter): one hour left on Friday, seven on Monday.
    friday = utc(2026, 11, 27, 16, 0)

    assert add_business_time(friday, timedelta(hours=8), DUBLIN) == utc(2026, 11, 30, 16, 0)


def test_business_clock_starting_on_saturday_starts_monday_morning() -> None:
    saturday = utc(2026, 11, 28, 12, 0)

    assert add_business_time(saturday, timedelta(hours=1), DUBLIN) == utc(2026, 11, 30, 10, 0)


def test_business_clock_before_opening_starts_at_opening() -> None:
    early = utc(2026, 11, 25, 6, 30)

    assert add_business_time(early, timedelta(minutes=30), DUBLIN) == utc(2026, 11, 25, 9, 30)


def test_business_clock_skips_holidays() -> None:
    christmas_eve_afternoon = utc(2026, 12, 24, 16, 0)

    # 1h on the 24th, the 25th is a holiday, the 26th/27th a weekend, 1h on Monday the 28th.
    assert add_business_time(christmas_eve_afternoon, timedelta(hours=2), DUBLIN) == utc(
        2026, 12, 28, 10, 0
    )


def test_business_hours_are_those_of_the_calendars_time_zone() -> None:
    # 2026-11-27 08:00 UTC is 17:00 Friday in Tokyo: one business hour left there.
    instant = utc(2026, 11, 27, 8, 0)

    assert add_business_time(instant, timedelta(hours=2), TOKYO) == utc(2026, 11, 30, 1, 0)
    assert add_business_time(instant, timedelta(hours=2), DUBLIN) == utc(2026, 11, 27, 11, 0)


def test_business_clock_across_a_dst_change() -> None:
    # Dublin moves to UTC+1 on 2026-03-29 (a Sunday). Friday 16:00 UTC = 16:00 local.
    friday = utc(2026, 3, 27, 16, 0)

    # 1h Friday, then Monday opens at 09:00 local = 08:00 UTC.
    assert add_business_time(friday, timedelta(hours=2), DUBLIN) == utc(2026, 3, 30, 9, 0)


def test_a_naive_start_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        add_business_time(datetime(2026, 1, 1), timedelta(hours=1), DUBLIN)


def test_default_rules_p0_is_a_calendar_clock() -> None:
    received = utc(2026, 11, 28, 23, 0)  # a Saturday night
    decision = classify(Report(title="bomb threat at the mall"), received_at=received)

    assert decision.priority is Priority.P0
    assert decision.sla is not None
    assert decision.sla.first_response_due == received + timedelta(minutes=15)
    assert decision.sla.resolution_due == received + timedelta(hours=4)
    assert decision.sla.policies == ("p0-emergency",)


def test_default_rules_p3_is_a_business_clock() -> None:
    received = utc(2026, 11, 28, 23, 0)  # Saturday: the clock starts Monday 09:00 Dublin
    decision = classify(Report(title="I was charged twice"), received_at=received)

    assert decision.priority is Priority.P3
    assert decision.sla is not None
    assert decision.sla.first_response_due == utc(2026, 11, 30, 17, 0)
    assert decision.sla.policies == ("p3-support",)


def test_statutory_child_safety_clock_is_due_at_once() -> None:
    received = utc(2026, 11, 25, 10, 0)
    decision = classify(Report(title="reporting CSAM"), received_at=received)

    assert decision.sla is not None
    assert decision.sla.policies == ("p0-emergency", "statutory-child-safety")
    assert decision.sla.first_response_due == received
    assert decision.sla.resolution_due == received + timedelta(hours=4)


def test_statutory_illegal_content_clock_beats_a_slower_priority_policy() -> None:
    received = utc(2026, 11, 25, 10, 0)
    report = Report(title="Notice", metadata={"notice_type": "illegal_content"})
    decision = classify(report, received_at=received)

    assert decision.category == "illegal_content"
    assert decision.priority is Priority.P2
    assert decision.sla is not None
    assert decision.sla.policies == ("p2-standard", "statutory-illegal-content")
    assert decision.sla.first_response_due == received + timedelta(hours=4)
    assert decision.sla.resolution_due == received + timedelta(hours=24)
    assert "statutory" in decision.tags
    assert builtin_rules().spec.sla.policies["statutory-illegal-content"].statutory
