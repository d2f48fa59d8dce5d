"""A decision's SLA deadlines: which policies apply (its priority's, its rule's, its
category's statutory clock) and which still bind after an override or a surge changes it;
the earliest deadline of each kind wins."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from services.triage.rules import RuleSet
from services.triage.sla import due_at
from shared.events import Priority


@dataclass(frozen=True)
class Sla:
    policies: tuple[str, ...]
    first_response_due: datetime
    resolution_due: datetime


def compute_sla(
    ruleset: RuleSet,
    *,
    priority: Priority,
    category: str,
    rule_policy: str | None,
    start: datetime,
) -> Sla:
    sla = ruleset.spec.sla
    names = [sla.by_priority[priority]]
    if rule_policy is not None:
        names.append(rule_policy)
    if category in sla.by_category:
        names.append(sla.by_category[category])
    return sla_of_policies(ruleset, names, start=start)


def sla_of_policies(ruleset: RuleSet, names: Sequence[str], *, start: datetime) -> Sla:
    """Every named policy applies from ``start``; the earliest deadline of each kind wins."""
    names = list(dict.fromkeys(names))
    first: list[datetime] = []
    resolution: list[datetime] = []
    for name in names:
        first_response, resolve, calendar = ruleset.policy_timings(name)
        first.append(due_at(start, first_response, calendar=calendar))
        resolution.append(due_at(start, resolve, calendar=calendar))
    return Sla(policies=tuple(names), first_response_due=min(first), resolution_due=min(resolution))


def carried_sla_policies(
    ruleset: RuleSet,
    *,
    policies: Sequence[str],
    previous_priority: Priority,
    previous_category: str,
    category: str,
) -> list[str]:
    """The SLA policies of a stored decision that still bind after its priority or category
    changes (an override, a surge raise): all of them except the previous priority's own
    clock, and, when the category changes, the previous category's clock unless it is
    statutory (a notice received is still a notice). A rule's ``sla_policy`` stays. Names
    the active rules no longer define are dropped: they cannot be timed."""
    sla = ruleset.spec.sla
    dropped = {sla.by_priority.get(previous_priority)}
    old_category_clock = sla.by_category.get(previous_category)
    if (
        category != previous_category
        and old_category_clock is not None
        and old_category_clock in sla.policies
        and not sla.policies[old_category_clock].statutory
    ):
        dropped.add(old_category_clock)
    return [name for name in policies if name not in dropped and name in sla.policies]


def sla_after_change(
    ruleset: RuleSet,
    *,
    policies: Sequence[str],
    previous_priority: Priority,
    previous_category: str,
    priority: Priority,
    category: str,
    start: datetime,
) -> Sla:
    """Deadlines after a decision's priority or category changed, from its original
    ``start``: the new priority's and category's clocks and every policy still carried
    from the decision (:func:`carried_sla_policies`); the earliest deadline of each kind
    wins, so a change never drops a stricter clock the decision carried by rule."""
    sla = ruleset.spec.sla
    names = [sla.by_priority[priority]]
    if category in sla.by_category:
        names.append(sla.by_category[category])
    names += carried_sla_policies(
        ruleset,
        policies=policies,
        previous_priority=previous_priority,
        previous_category=previous_category,
        category=category,
    )
    return sla_of_policies(ruleset, names, start=start)
