"""Escalation policies: which policy applies, who a level pages, when it climbs (pure)."""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from services.escalation.config import EscalationConfig, Policy, Target
from services.escalation.schedules import on_call
from shared.events import Priority


@dataclass(frozen=True)
class Step:
    level: int
    cycle: int


def match_policy(
    config: EscalationConfig, *, priority: Priority, category: str, queue: str
) -> Policy | None:
    """The first ticket policy (in file order) whose every given criterion matches."""
    for policy in config.policies.policies:
        match = policy.match
        if match.kind != "ticket":
            continue
        if match.priorities and priority not in match.priorities:
            continue
        if match.categories and category not in match.categories:
            continue
        if match.queues and queue not in match.queues:
            continue
        return policy
    return None


TREND_PRIORITY = Priority.P1
TREND_QUEUE = "trends"


@dataclass(frozen=True)
class TrendRoute:
    """Where a detected trend goes: its policy and the escalation's priority and queue."""

    policy: Policy
    priority: Priority
    queue: str


def match_trend(
    config: EscalationConfig, *, category: str, channel: str, score: float
) -> TrendRoute | None:
    """The first trend policy (in file order) whose every given criterion matches; None =
    the trend is only recorded by the metrics service, nobody is paged."""
    for policy in config.policies.policies:
        match = policy.match
        if match.kind != "trend":
            continue
        if match.categories and category not in match.categories:
            continue
        if match.channels and channel not in match.channels:
            continue
        if match.min_score is not None and score < match.min_score:
            continue
        return TrendRoute(
            policy=policy,
            priority=policy.priority or TREND_PRIORITY,
            queue=policy.queue or TREND_QUEUE,
        )
    return None


def next_step(policy: Policy, *, level: int, cycle: int) -> Step | None:
    """Where an unacknowledged page goes when its level's timeout passes; None = exhausted.

    A policy that requires a person's acknowledgement never runs out: it keeps cycling."""
    if level + 1 < len(policy.levels):
        return Step(level=level + 1, cycle=cycle)
    if cycle < policy.repeat or policy.require_person_ack:
        return Step(level=0, cycle=cycle + 1)
    return None


# What ends or pauses a page: on a policy that requires a person, only a person may do it.
PersonOnly = Literal["ack", "resolve", "snooze", "override"]

_PERSON_ONLY_VERBS: dict[PersonOnly, str] = {
    "ack": "acknowledge the page",
    "resolve": "resolve the page",
    "snooze": "snooze the page",
    "override": "end the page by an override below P1",
}


def person_required(policy: Policy | None, *, operation: PersonOnly, by_bot: bool) -> str | None:
    """Why a bot or a source system may not ``operation`` this policy's page (None: it may).

    A bot's key, a source system's update (PagerDuty, Alertmanager) and a bot's triage
    override are not a person having seen the report: on a ``require_person_ack`` policy
    (threat to life) none of them may stop, end or pause the page."""
    if not by_bot or policy is None or not policy.require_person_ack:
        return None
    return f"policy {policy.name} needs a person to {_PERSON_ONLY_VERBS[operation]}"


def target_users(config: EscalationConfig, target: Target, *, at: datetime) -> list[str]:
    """The people a target means right now (a schedule's on-call, a user, a team)."""
    if target.user is not None:
        return [target.user]
    if target.team is not None:
        team = config.team(target.team)
        return list(team.members) if team is not None else []
    assert target.schedule is not None
    schedule = config.schedule(target.schedule)
    if schedule is None:
        return []
    current = on_call(schedule, at=at)
    return [current.user] if current is not None else []


def level_users(config: EscalationConfig, policy: Policy, *, level: int, at: datetime) -> list[str]:
    """Everyone a level pages, each once, in the order of its targets."""
    users: list[str] = []
    for target in policy.levels[level].targets:
        for user in target_users(config, target, at=at):
            if user not in users:
                users.append(user)
    return users


def retry_delay(
    attempt: int,
    *,
    base: timedelta,
    maximum: timedelta,
    jitter: Callable[[], float] = random.random,
) -> timedelta:
    """Exponential backoff with "equal jitter": half fixed, half random, capped."""
    ceiling: timedelta = min(maximum, base * (2 ** max(0, attempt - 1)))
    half: timedelta = ceiling / 2
    return half + half * jitter()
