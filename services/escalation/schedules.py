"""Who is on call: pure schedule arithmetic (no I/O).

Hand-offs happen at local wall-clock time in the schedule's time zone: a daily rotation
handing off at 09:00 in Europe/Berlin hands off at 09:00 on both sides of a DST change,
so that day's shift is 23 or 25 hours long. Later layers win over earlier ones wherever
they are active (their restriction allows it and their rotation has started); a temporary
override wins over every layer.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from services.escalation.schedule_config import WEEKDAYS, Layer, Override, Restriction, Schedule


@dataclass(frozen=True)
class OnCall:
    user: str
    source: str  # the layer's name, or "override"
    shift_start: datetime  # UTC
    shift_end: datetime  # UTC


def _to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    return local.replace(tzinfo=zone).astimezone(UTC)


def _parse_hhmm(value: str) -> time | None:
    """None means 24:00 (the end of the day)."""
    if value == "24:00":
        return None
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def restriction_allows(restriction: Restriction, local: datetime) -> bool:
    if WEEKDAYS[local.weekday()] not in restriction.days:
        return False
    start = _parse_hhmm(restriction.start) or time(0, 0)
    end = _parse_hhmm(restriction.end)
    now = local.time()
    if end is None:
        return now >= start
    if start <= end:
        return start <= now < end
    return now >= start or now < end  # a window across midnight, e.g. 22:00-06:00


def layer_on_call(layer: Layer, *, at: datetime, zone: ZoneInfo) -> OnCall | None:
    local = at.astimezone(zone).replace(tzinfo=None)
    if local < layer.rotation_start:
        return None
    if layer.restriction is not None and not restriction_allows(layer.restriction, local):
        return None
    shift = (local - layer.rotation_start) // layer.shift_length
    start_local = layer.rotation_start + shift * layer.shift_length
    return OnCall(
        user=layer.users[shift % len(layer.users)],
        source=layer.name,
        shift_start=_to_utc(start_local, zone),
        shift_end=_to_utc(start_local + layer.shift_length, zone),
    )


def _override_bounds(override: Override, zone: ZoneInfo) -> tuple[datetime, datetime]:
    if override.start.tzinfo is None:
        return _to_utc(override.start, zone), _to_utc(override.end, zone)
    return override.start.astimezone(UTC), override.end.astimezone(UTC)


def on_call(schedule: Schedule, *, at: datetime) -> OnCall | None:
    """Who is on call at ``at`` (timezone-aware), or None when nobody is."""
    if at.tzinfo is None:
        raise ValueError("'at' must be timezone-aware")
    zone = ZoneInfo(schedule.time_zone)
    for override in reversed(schedule.overrides):
        start, end = _override_bounds(override, zone)
        if start <= at < end:
            return OnCall(user=override.user, source="override", shift_start=start, shift_end=end)
    for layer in reversed(schedule.layers):
        found = layer_on_call(layer, at=at, zone=zone)
        if found is not None:
            return found
    return None
