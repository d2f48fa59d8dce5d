"""``rules.yaml``: the triage taxonomy, ordinary rules, grouping and SLA policies.

Parsing and validation only; evaluation lives in :mod:`services.triage.domain`. Every error
names the source (file or API), the rule and the field. Safety lexicons are not here: they
ship with the code (:mod:`services.triage.lexicons`) so no rules file can weaken them.
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from services.triage.detectors import PhraseMatcher
from services.triage.sla import BusinessCalendar, parse_duration
from shared.config import ConfigError
from shared.events import Priority

SAFETY_CATEGORIES: dict[str, str] = {
    "threat_to_life": "safety-emergency",
    "self_harm": "safety-wellbeing",
    "child_safety": "safety-child",
}

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
    timezone: str
    days: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]] = Field(min_length=1)
    start: time
    end: time
    holidays: list[date] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

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


# --- validation errors ------------------------------------------------------------------


@dataclass(frozen=True)
class RuleProblem:
    rule: str | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"rule {self.rule!r}: " if self.rule else ""
        return f"{where}{self.field}: {self.message}"


class RulesError(ConfigError):
    def __init__(self, source: str, problems: list[RuleProblem]) -> None:
        super().__init__(f"{source}: " + "; ".join(str(problem) for problem in problems))
        self.source = source
        self.problems = problems


def _rule_name(raw: Any, index: int) -> str:
    try:
        name = raw["rules"][index]["name"]
    except (KeyError, IndexError, TypeError):
        return f"#{index + 1}"
    return str(name)


def _problems_of(error: ValidationError, raw: Any) -> list[RuleProblem]:
    problems: list[RuleProblem] = []
    for item in error.errors():
        location = list(item["loc"])
        rule: str | None = None
        if len(location) >= 2 and location[0] == "rules" and isinstance(location[1], int):
            rule = _rule_name(raw, location[1])
            location = location[2:]
        field = ".".join(str(part) for part in location) or "<root>"
        problems.append(RuleProblem(rule=rule, field=field, message=item["msg"]))
    return problems


def _semantic_problems(parsed: RulesFile) -> list[RuleProblem]:
    problems: list[RuleProblem] = []
    categories = {category.name for category in parsed.categories}
    names = [category.name for category in parsed.categories]
    for duplicate in sorted({name for name in names if names.count(name) > 1}):
        problems.append(RuleProblem(None, "categories", f"category {duplicate!r} listed twice"))
    for safety in SAFETY_CATEGORIES:
        if safety not in categories:
            problems.append(
                RuleProblem(None, "categories", f"the safety category {safety!r} is required")
            )
    for category in parsed.categories:
        if (category.kind == "safety") != (category.name in SAFETY_CATEGORIES):
            problems.append(
                RuleProblem(
                    None,
                    "categories",
                    f"{category.name!r}: only {sorted(SAFETY_CATEGORIES)} are of kind 'safety'",
                )
            )
    if parsed.defaults.category not in categories:
        problems.append(RuleProblem(None, "defaults.category", "not in categories"))
    seen: set[str] = set()
    for rule in parsed.rules:
        if rule.name in seen:
            problems.append(RuleProblem(rule.name, "name", "another rule has this name"))
        seen.add(rule.name)
        if rule.then.category is not None and rule.then.category not in categories:
            problems.append(
                RuleProblem(rule.name, "then.category", f"{rule.then.category!r} not in categories")
            )
        if rule.then.sla_policy is not None and rule.then.sla_policy not in parsed.sla.policies:
            problems.append(
                RuleProblem(rule.name, "then.sla_policy", f"no SLA policy {rule.then.sla_policy!r}")
            )
        for keyword in rule.when.keywords or []:
            try:
                PhraseMatcher([keyword])
            except (re.error, ValueError) as error:
                problems.append(RuleProblem(rule.name, "when.keywords", f"{keyword!r}: {error}"))
    sla = parsed.sla
    for priority in Priority:
        if priority not in sla.by_priority:
            problems.append(RuleProblem(None, "sla.by_priority", f"no policy for {priority}"))
    for key, policy_name in [
        *((f"by_priority.{p.value}", n) for p, n in sla.by_priority.items()),
        *((f"by_category.{c}", n) for c, n in sla.by_category.items()),
    ]:
        if policy_name not in sla.policies:
            problems.append(RuleProblem(None, f"sla.{key}", f"no SLA policy {policy_name!r}"))
    for category_name in sla.by_category:
        if category_name not in categories:
            problems.append(
                RuleProblem(None, f"sla.by_category.{category_name}", "not in categories")
            )
    for name, policy in sla.policies.items():
        if policy.calendar is not None and policy.calendar not in sla.calendars:
            problems.append(
                RuleProblem(
                    None, f"sla.policies.{name}.calendar", f"no calendar {policy.calendar!r}"
                )
            )
    return problems


# --- the compiled rule set --------------------------------------------------------------


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    order: int
    keywords: PhraseMatcher | None
    regex: re.Pattern[str] | None


@dataclass(frozen=True)
class RuleSet:
    """A validated rules file, compiled, with the version decisions record."""

    spec: RulesFile
    text: str
    sha256: str
    version: str
    rules: tuple[CompiledRule, ...]
    calendars: dict[str, BusinessCalendar]

    @property
    def categories(self) -> frozenset[str]:
        return frozenset(category.name for category in self.spec.categories)

    def with_version(self, version: str) -> "RuleSet":
        return RuleSet(
            spec=self.spec,
            text=self.text,
            sha256=self.sha256,
            version=version,
            rules=self.rules,
            calendars=self.calendars,
        )

    def policy_timings(self, name: str) -> tuple[timedelta, timedelta, BusinessCalendar | None]:
        policy = self.spec.sla.policies[name]
        calendar = self.calendars[policy.calendar] if policy.calendar else None
        return parse_duration(policy.first_response), parse_duration(policy.resolution), calendar


def _compile(rule: Rule, order: int) -> CompiledRule:
    keywords = PhraseMatcher(rule.when.keywords) if rule.when.keywords else None
    regex = (
        re.compile("|".join(f"(?:{pattern})" for pattern in rule.when.regex), re.IGNORECASE)
        if rule.when.regex
        else None
    )
    return CompiledRule(rule=rule, order=order, keywords=keywords, regex=regex)


# The shipped rules nest 6 levels deep. PyYAML composes and dumps nodes recursively, so a
# far deeper document from the API would exhaust the stack (RecursionError) instead of
# being refused.
MAX_RULES_DEPTH = 32


class _DepthLimitedLoader(yaml.SafeLoader):
    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_RULES_DEPTH:
                raise yaml.YAMLError(f"nested deeper than {MAX_RULES_DEPTH} levels")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _nested_deeper_than(value: object, limit: int) -> bool:
    pending: list[tuple[object, int]] = [(value, 1)]
    while pending:  # iterative: the point is not to recurse
        item, depth = pending.pop()
        children: list[object]
        if isinstance(item, dict):
            children = list(item.values())
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False


def rules_text_of(document: object, *, source: str) -> str:
    """A rules document sent as data (JSON) as the YAML text a revision stores."""
    if _nested_deeper_than(document, MAX_RULES_DEPTH):
        raise RulesError(
            source, [RuleProblem(None, "<root>", f"nested deeper than {MAX_RULES_DEPTH} levels")]
        )
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def parse_rules(text: str, *, source: str) -> RuleSet:
    """Validate and compile a rules document; raises RulesError naming rule and field."""
    try:
        raw = yaml.load(text, Loader=_DepthLimitedLoader)  # a SafeLoader: no Python objects
    except yaml.YAMLError as error:
        raise RulesError(
            source, [RuleProblem(None, "<yaml>", f"not valid YAML: {error}")]
        ) from error
    if not isinstance(raw, dict):
        raise RulesError(source, [RuleProblem(None, "<root>", "expected a mapping")])
    try:
        parsed = RulesFile.model_validate(raw)
    except ValidationError as error:
        raise RulesError(source, _problems_of(error, raw)) from error
    problems = _semantic_problems(parsed)
    if problems:
        raise RulesError(source, problems)
    sha = hashlib.sha256(text.encode()).hexdigest()
    return RuleSet(
        spec=parsed,
        text=text,
        sha256=sha,
        version=f"{parsed.version}+{sha[:8]}",
        rules=tuple(_compile(rule, order) for order, rule in enumerate(parsed.rules)),
        calendars={name: spec.build() for name, spec in parsed.sla.calendars.items()},
    )


def load_rules_file(path: Path) -> RuleSet:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise RulesError(str(path), [RuleProblem(None, "<file>", "file not found")]) from error
    except (OSError, UnicodeDecodeError) as error:
        raise RulesError(
            str(path), [RuleProblem(None, "<file>", f"cannot be read: {error}")]
        ) from error
    return parse_rules(text, source=str(path))


BUILTIN_RULES_PATH = Path(__file__).resolve().parent.parent / "default_config" / "rules.yaml"


def rules_path(config_dir: Path | None) -> Path:
    """``<config dir>/rules.yaml`` when that file exists, else the shipped default rules."""
    if config_dir is not None and (config_dir / "rules.yaml").exists():
        return config_dir / "rules.yaml"
    return BUILTIN_RULES_PATH


_BUILTIN: list[RuleSet] = []


def builtin_rules() -> RuleSet:
    """The shipped default rules (read once, on first use)."""
    if not _BUILTIN:
        _BUILTIN.append(load_rules_file(BUILTIN_RULES_PATH))
    return _BUILTIN[0]
