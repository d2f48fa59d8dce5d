"""Build rules documents for tests from the shipped defaults."""

import copy
from typing import Any

import yaml

from services.triage.rules import BUILTIN_RULES_PATH, RuleSet, parse_rules

DEFAULT_TEXT = BUILTIN_RULES_PATH.read_text(encoding="utf-8")


def default_document() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(DEFAULT_TEXT)
    return copy.deepcopy(document)


def dump(document: dict[str, Any]) -> str:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def with_rules(rules: list[dict[str, Any]], *, replace: bool = True) -> RuleSet:
    document = default_document()
    document["rules"] = rules if replace else [*rules, *document["rules"]]
    return parse_rules(dump(document), source="test")
