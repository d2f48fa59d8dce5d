"""The shape of ``rules.yaml`` (and of the JSON document ``PUT /v1/rules`` takes): the
taxonomy, ordinary rules, defaults, grouping, SLA policies and calendars, alert levels.
Field-level checks only; what needs the whole document is checked by
:mod:`services.triage.rules`."""

import re
from datetime import date, time
from typing import Annotated, Any, Literal, Self
from zoneinfo import ZoneInfo

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from services.triage.sla import BusinessCalendar, parse_duration
from shared.config import TimeZoneName
from shared.events import Priority

Severity = Literal["critical", "high", "medium", "low", "info"]
SEVERITY_RANK: dict[str, int] = {"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4}
Name = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[\w.:-]+$")]
_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Category(_Strict):
    name: Name
    kind: Literal["safety", "trust_safety", "support"]
    description: str = ""


class Conditions(_Strict):
    """Every condition given must hold; within one list, any value may match."""

    channel: list[str] | None = None
    reporter_type: list[str] | None = None
    region: list[str] | None = None
    language: list[str] | None = None
    subject_type: list[str] | None = None
    keywords: list[str] | None = None
    regex: list[str] | None = None
    metadata: dict[str, list[Any]] | None = None

    @field_validator("regex")
    @classmethod
    def _regex_compiles(cls, value: list[str] | None) -> list[str] | None:
        for pattern in value or []:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"regex {pattern!r} does not compile: {error}") from error
        return value

    @field_validator("keywords")
    @classmethod
    def _keywords_not_blank(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and any(not keyword.strip() for keyword in value):
            raise ValueError("keywords must not be blank")
        return value

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        if not any(value for value in self.model_dump().values()):
            raise ValueError("give at least one condition (a rule that always fires is a default)")
        return self


class Actions(_Strict):
    category: Name | None = None
    severity: Severity | None = None
    priority: Priority | None = None
    raise_priority: int | None = Field(default=None, ge=1, le=4)
    queue: Name | None = None
    tags: list[Name] = Field(default_factory=list)
    sla_policy: Name | None = None

    @model_validator(mode="after")
    def _does_something(self) -> Self:
        if not any(value for value in self.model_dump().values()):
            raise ValueError("a rule must set at least one action")
        return self


class Rule(_Strict):
    name: Name
    description: str = ""
    when: Conditions
    then: Actions


class Defaults(_Strict):
    category: Name = "other"
    severity: Severity = "low"
    priority: Priority = Priority.P3
    queue: Name = "support-general"


class Grouping(_Strict):
    surge_threshold: int = Field(default=5, ge=2)
    surge_window: str = "1h"
    surge_priority: Priority = Priority.P1

    @field_validator("surge_window")
    @classmethod
    def _duration(cls, value: str) -> str:
        parse_duration(value)
        return value


class CalendarSpec(_Strict):
    timezone: TimeZoneName
    days: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]] = Field(min_length=1)
    start: time
    end: time
    holidays: list[date] = Field(default_factory=list)

    @model_validator(mode="after")
    def _opens_before_closing(self) -> Self:
        if self.start >= self.end:
            raise ValueError("start must be before end")
        return self

    def build(self) -> BusinessCalendar:
        return BusinessCalendar(
            timezone=ZoneInfo(self.timezone),
            weekdays=frozenset(_WEEKDAYS[day] for day in self.days),
            start=self.start,
            end=self.end,
            holidays=frozenset(self.holidays),
        )


class SlaPolicy(_Strict):
    first_response: str
    resolution: str
    calendar: Name | None = None  # None: calendar hours (24/7)
    statutory: bool = False
    description: str = ""

    @field_validator("first_response", "resolution")
    @classmethod
    def _duration(cls, value: str) -> str:
        parse_duration(value)
        return value


class Sla(_Strict):
    calendars: dict[Name, CalendarSpec] = Field(default_factory=dict)
    policies: dict[Name, SlaPolicy]
    by_priority: dict[Priority, Name]
    by_category: dict[Name, Name] = Field(default_factory=dict)


class AlertLevel(_Strict):
    priority: Priority
    severity: Severity


def _shipped_alert_levels() -> dict[str, AlertLevel]:
    # Alertmanager's customary severity labels and PagerDuty's four severities.
    return {
        "critical": AlertLevel(priority=Priority.P1, severity="critical"),
        "error": AlertLevel(priority=Priority.P2, severity="high"),
        "warning": AlertLevel(priority=Priority.P3, severity="medium"),
        "info": AlertLevel(priority=Priority.P4, severity="info"),
    }


class Alerts(_Strict):
    """Machine alerts (the ``alertmanager`` and ``pagerduty`` formats) say how urgent they
    are themselves: their priority and severity come from the alert's own severity, not
    from the rules' priorities (a rule's ``raise_priority`` and a surge still raise it).
    Severity names match without regard to case; ``default`` is for an alert that names
    no severity, or one not listed."""

    by_severity: dict[Name, AlertLevel] = Field(default_factory=_shipped_alert_levels)
    default: AlertLevel = AlertLevel(priority=Priority.P3, severity="medium")

    @field_validator("by_severity")
    @classmethod
    def _one_entry_per_name(cls, value: dict[str, AlertLevel]) -> dict[str, AlertLevel]:
        lowered = [name.lower() for name in value]
        duplicates = sorted({name for name in lowered if lowered.count(name) > 1})
        if duplicates:
            raise ValueError(f"severities listed twice (case does not count): {duplicates}")
        return {name.lower(): level for name, level in value.items()}

    def level_of(self, severity: str | None) -> tuple[AlertLevel, bool]:
        """The level for an alert's severity, and whether ``by_severity`` named it."""
        level = self.by_severity.get(severity.strip().lower()) if severity else None
        return (level, True) if level is not None else (self.default, False)


class RulesFile(_Strict):
    version: str = Field(min_length=1, max_length=40)
    description: str = ""
    categories: list[Category]
    defaults: Defaults = Field(default_factory=Defaults)
    rules: list[Rule] = Field(default_factory=list)
    grouping: Grouping = Field(default_factory=Grouping)
    alerts: Alerts = Field(default_factory=Alerts)
    sla: Sla
