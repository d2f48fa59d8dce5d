"""Schedule arithmetic: rotations, hand-off times across DST, layers, restrictions, overrides."""

from datetime import UTC, datetime, timedelta

import pytest

from services.escalation.schedule_config import Schedule
from services.escalation.schedules import on_call


def schedule(**overrides: object) -> Schedule:
    raw: dict[str, object] = {
        "name": "primary",
        "time_zone": "Europe/Berlin",
        "layers": [
            {
                "name": "daily",
                "users": ["alice", "bob", "carol"],
                "rotation_start": "2026-03-20T09:00:00",
                "shift_length": "1d",
            }
        ],
    }
    raw.update(overrides)
    return Schedule.model_validate(raw)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_daily_rotation_hands_off_at_local_nine() -> None:
    # 2026-03-20 09:00 CET = 08:00 UTC.
    assert on_call(schedule(), at=utc(2026, 3, 20, 8, 0)).user == "alice"  # type: ignore[union-attr]
    assert on_call(schedule(), at=utc(2026, 3, 21, 7, 59)).user == "alice"  # type: ignore[union-attr]
    assert on_call(schedule(), at=utc(2026, 3, 21, 8, 0)).user == "bob"  # type: ignore[union-attr]
    assert on_call(schedule(), at=utc(2026, 3, 22, 8, 0)).user == "carol"  # type: ignore[union-attr]
    assert on_call(schedule(), at=utc(2026, 3, 23, 8, 0)).user == "alice"  # type: ignore[union-attr]


def test_nobody_before_the_rotation_starts() -> None:
    assert on_call(schedule(), at=utc(2026, 3, 20, 7, 59)) is None


def test_hand_off_stays_at_local_nine_across_spring_forward() -> None:
    # Berlin springs forward on 2026-03-29 (02:00 -> 03:00): 09:00 CEST = 07:00 UTC.
    before = on_call(schedule(), at=utc(2026, 3, 29, 6, 59))
    after = on_call(schedule(), at=utc(2026, 3, 29, 7, 0))

    assert before is not None
    assert after is not None
    assert before.user != after.user
    assert after.shift_start == utc(2026, 3, 29, 7, 0)
    # The shift that contains the change is 23 hours long.
    assert before.shift_end - before.shift_start == timedelta(hours=23)


def test_hand_off_stays_at_local_nine_across_fall_back() -> None:
    # Berlin falls back on 2026-10-25 (03:00 -> 02:00): 09:00 CET = 08:00 UTC again.
    before = on_call(schedule(), at=utc(2026, 10, 25, 7, 59))
    after = on_call(schedule(), at=utc(2026, 10, 25, 8, 0))

    assert before is not None
    assert after is not None
    assert before.user != after.user
    assert before.shift_end - before.shift_start == timedelta(hours=25)


def test_twelve_hour_shifts_hand_off_at_local_wall_clock_time() -> None:
    twelve = schedule(
        layers=[
            {
                "name": "halves",
                "users": ["day", "night"],
                "rotation_start": "2026-03-28T08:00:00",
                "shift_length": "12h",
            }
        ]
    )
    # After the spring-forward night, the day shift still starts at 08:00 local (06:00 UTC).
    current = on_call(twelve, at=utc(2026, 3, 29, 6, 0))

    assert current is not None
    assert current.user == "day"
    assert current.shift_start == utc(2026, 3, 29, 6, 0)


def test_a_later_layer_wins_where_its_restriction_allows() -> None:
    layered = schedule(
        layers=[
            {
                "name": "weekly",
                "users": ["alice"],
                "rotation_start": "2026-01-05T09:00:00",
                "shift_length": "7d",
            },
            {
                "name": "weekend",
                "users": ["wendy"],
                "rotation_start": "2026-01-03T00:00:00",
                "shift_length": "1d",
                "restriction": {"days": ["sat", "sun"]},
            },
        ]
    )
    saturday = on_call(layered, at=utc(2026, 3, 21, 12, 0))
    monday = on_call(layered, at=utc(2026, 3, 23, 12, 0))

    assert saturday is not None
    assert (saturday.user, saturday.source) == ("wendy", "weekend")
    assert monday is not None
    assert (monday.user, monday.source) == ("alice", "weekly")


def test_a_restriction_window_across_midnight() -> None:
    nights = schedule(
        layers=[
            {
                "name": "base",
                "users": ["alice"],
                "rotation_start": "2026-01-01T00:00:00",
                "shift_length": "7d",
            },
            {
                "name": "nights",
                "users": ["nora"],
                "rotation_start": "2026-01-01T00:00:00",
                "shift_length": "1d",
                "restriction": {"start": "22:00", "end": "06:00"},
            },
        ]
    )
    # 23:30 and 05:30 Berlin (CET, UTC+1) are nights; 12:00 is not.
    assert on_call(nights, at=utc(2026, 2, 10, 22, 30)).user == "nora"  # type: ignore[union-attr]
    assert on_call(nights, at=utc(2026, 2, 11, 4, 30)).user == "nora"  # type: ignore[union-attr]
    assert on_call(nights, at=utc(2026, 2, 11, 11, 0)).user == "alice"  # type: ignore[union-attr]


def test_an_override_wins_over_every_layer_for_its_window_only() -> None:
    overridden = schedule(
        overrides=[{"user": "dave", "start": "2026-03-29T01:00:00", "end": "2026-03-29T12:00:00"}]
    )
    # 01:00 CET = 00:00 UTC; 12:00 CEST = 10:00 UTC (the override spans the DST change).
    inside = on_call(overridden, at=utc(2026, 3, 29, 9, 59))
    after = on_call(overridden, at=utc(2026, 3, 29, 10, 0))

    assert inside is not None
    assert (inside.user, inside.source) == ("dave", "override")
    assert inside.shift_end - inside.shift_start == timedelta(hours=10)
    assert after is not None
    assert after.source == "daily"


def test_an_override_with_an_explicit_offset() -> None:
    overridden = schedule(
        overrides=[
            {
                "user": "erin",
                "start": "2026-03-21T00:00:00+00:00",
                "end": "2026-03-21T01:00:00+00:00",
            }
        ]
    )
    assert on_call(overridden, at=utc(2026, 3, 21, 0, 30)).user == "erin"  # type: ignore[union-attr]


def test_naive_at_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        on_call(schedule(), at=datetime(2026, 3, 21))


def test_an_unknown_time_zone_is_a_config_error() -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        schedule(time_zone="Mars/Olympus")
