"""What escalation's configuration files are made of: strict, frozen models and durations
written as ``90``, ``"5m"``, ``"1h30m"`` or ``"7d"``."""

import re
from datetime import timedelta
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict

_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")


def parse_duration(value: Any) -> timedelta:
    """``90`` (seconds), ``"90s"``, ``"5m"``, ``"1h30m"``, ``"7d"`` or a timedelta."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool):
        raise ValueError("a duration is a number of seconds or a string like '5m', '1h30m'")
    if isinstance(value, int | float):
        return timedelta(seconds=value)
    if isinstance(value, str):
        match = _DURATION.match(value.strip())
        if match and any(match.groups()):
            days, hours, minutes, seconds = (int(part or 0) for part in match.groups())
            return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
    raise ValueError("a duration is a number of seconds or a string like '5m', '1h30m', '7d'")


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]


class StrictModel(BaseModel):
    """Unknown keys are errors, and a loaded configuration cannot be changed."""

    model_config = ConfigDict(extra="forbid", frozen=True)
