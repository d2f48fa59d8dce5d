"""``schedules.yaml``: on-call schedules, their rotation layers (with weekday and time
restrictions) and overrides, in each schedule's time zone."""

from datetime import datetime, timedelta
from typing import Literal, Self

from pydantic import Field, field_validator, model_validator

from services.escalation.config_types import Duration, StrictModel
from shared.config import TimeZoneName

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Restriction(StrictModel):
    """The layer is active only on these local weekdays, between these local times."""

    days: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS))
    start: str = Field(default="00:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    end: str = Field(default="24:00", pattern=r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$")


class Layer(StrictModel):
    name: str = Field(min_length=1, max_length=64)
    users: list[str] = Field(min_length=1)
    rotation_start: datetime = Field(
        description="Local wall-clock time (in the schedule's time zone) of the first hand-off."
    )
    shift_length: Duration = Field(description="e.g. '1d', '7d', '12h'.")
    restriction: Restriction | None = None

    @field_validator("rotation_start")
    @classmethod
    def _naive_local(cls, value: datetime) -> datetime:
        if value.tzinfo is not None:
            raise ValueError("give a local time without offset; the schedule has a time_zone")
        return value

    @field_validator("shift_length")
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value < timedelta(minutes=1):
            raise ValueError("must be at least one minute")
        return value


class Override(StrictModel):
    user: str
    start: datetime = Field(description="Local time in the schedule's time zone, or with offset.")
    end: datetime

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if (self.start.tzinfo is None) != (self.end.tzinfo is None):
            raise ValueError("give both start and end with an offset, or both without")
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class Schedule(StrictModel):
    name: str = Field(min_length=1, max_length=64)
    time_zone: TimeZoneName = "UTC"
    layers: list[Layer] = Field(min_length=1, description="Later layers win where active.")
    overrides: list[Override] = Field(default_factory=list)


class SchedulesFile(StrictModel):
    schedules: list[Schedule] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> Self:
        names = [schedule.name for schedule in self.schedules]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"duplicate schedule name(s): {', '.join(duplicates)}")
        return self
