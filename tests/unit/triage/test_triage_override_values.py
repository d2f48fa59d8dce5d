"""What an override makes of a ticket, decided without a database: the values a person
gave, and for a ticket moved into a safety category the same routing triage gives one."""

from pathlib import Path

import pytest

from services.triage.domain import safety_routing
from services.triage.overrides import (
    NothingToChangeError,
    OverrideRequestData,
    UnknownCategoryError,
    overridden_values,
)
from services.triage.rules import RuleSet, load_rules_file
from shared.events import Priority, TriageOverrideFrom

SPAM = TriageOverrideFrom(category="spam", severity="low", priority=Priority.P4, queue="trust")


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    return load_rules_file(Path(__file__).parents[3] / "deploy" / "config" / "rules.yaml")


def change(**values: object) -> OverrideRequestData:
    return OverrideRequestData(reason="checked", actor="alice", **values)  # type: ignore[arg-type]


def test_moving_into_a_safety_category_takes_its_routing(ruleset: RuleSet) -> None:
    values = overridden_values(SPAM, change(category="self_harm"), ruleset=ruleset)
    routing = safety_routing("self_harm")
    assert (values.priority, values.severity, values.queue) == (
        Priority.P0,
        "critical",
        routing.queue,
    )
    assert routing.queue != SPAM.queue


def test_what_the_person_gave_wins_over_the_safety_routing(ruleset: RuleSet) -> None:
    values = overridden_values(
        SPAM, change(category="self_harm", priority=Priority.P1), ruleset=ruleset
    )
    assert values.priority is Priority.P1
    assert values.severity == "critical"


def test_a_change_within_a_category_keeps_the_rest(ruleset: RuleSet) -> None:
    values = overridden_values(SPAM, change(priority=Priority.P2), ruleset=ruleset)
    assert values == SPAM.model_copy(update={"priority": Priority.P2})


def test_refusals_name_their_reason(ruleset: RuleSet) -> None:
    with pytest.raises(UnknownCategoryError, match="'gossip'"):
        overridden_values(SPAM, change(category="gossip"), ruleset=ruleset)
    with pytest.raises(NothingToChangeError):
        overridden_values(SPAM, change(priority=Priority.P4), ruleset=ruleset)
