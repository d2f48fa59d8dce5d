"""``rules.yaml``: the triage taxonomy, ordinary rules, grouping and SLA policies.

Parsing and validation only; evaluation lives in :mod:`services.triage.domain`. Every error
names the source (file or API), the rule and the field. Safety lexicons are not here: they
ship with the code (:mod:`services.triage.lexicons`) so no rules file can weaken them.
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from pydantic import (
    ValidationError,
)

from services.triage.phrases import PhraseMatcher
from services.triage.rules_schema import Rule, RulesFile
from services.triage.sla import BusinessCalendar, parse_duration
from shared.config import ConfigError
from shared.events import Priority

SAFETY_CATEGORIES: dict[str, str] = {
    "threat_to_life": "safety-emergency",
    "self_harm": "safety-wellbeing",
    "child_safety": "safety-child",
}

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
