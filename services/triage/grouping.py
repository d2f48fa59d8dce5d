"""Group keys (reports about the same subject share one, whichever channel they came from)
and surges: how a decision made before its group surged is raised once it does."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from services.triage.deadlines import Sla, sla_after_change
from services.triage.domain import GroupSignal, less_urgent_than
from services.triage.rules import RuleSet
from services.triage.sla import parse_duration
from shared.events import Priority, Reason, ReportSubject

_ACCOUNT_TYPES = frozenset({"account", "user", "profile", "member", "channel", "page"})
_CONTENT_TYPES = frozenset(
    {"content", "post", "comment", "message", "video", "photo", "image", "story", "reel", "listing"}
)
_TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "igshid", "si", "ref", "ref_src", "feature", "mc_cid", "mc_eid", "s"}
)
_HOST_PREFIXES = ("www.", "m.", "mobile.")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalise_url(url: str) -> str | None:
    """One spelling per address: https, lower-case host without www/m., no default port,
    no fragment, no tracking parameters, sorted query, no trailing slash."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if not host:
        return None
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix):
            host = host[len(prefix) :]
            break
    scheme = parts.scheme.lower()
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    query = sorted(
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() not in _TRACKING_PARAMS and not key.lower().startswith("utm_")
    )
    path = parts.path.rstrip("/")
    return urlunsplit(("https", host, path, urlencode(query), ""))


def subject_kind(subject_type: str | None) -> str:
    kind = (subject_type or "").strip().lower()
    if kind in _ACCOUNT_TYPES:
        return "account"
    if kind in _CONTENT_TYPES:
        return "content"
    return kind or "subject"


def group_key(subject: ReportSubject) -> str | None:
    """``account:<id>``, ``content:<id>`` or ``url:<normalised url>``; None without a subject.

    Ids are kept as sent (many platforms' ids are case-sensitive), only trimmed."""
    if subject.id and subject.id.strip():
        return f"{subject_kind(subject.type)}:{subject.id.strip()}"
    if subject.url:
        normalised = normalise_url(subject.url)
        if normalised is not None:
            return f"url:{normalised}"
    return None


def surge_window(ruleset: RuleSet) -> timedelta:
    return parse_duration(ruleset.spec.grouping.surge_window)


@dataclass(frozen=True)
class SurgeRaise:
    """An earlier decision of a surging group, raised to the surge priority."""

    priority: Priority
    tags: tuple[str, ...]
    reason: Reason
    sla: Sla


def surge_raise(
    ruleset: RuleSet,
    *,
    priority: Priority,
    category: str,
    tags: Sequence[str],
    policies: Sequence[str],
    received_at: datetime,
    group: GroupSignal,
    trigger_ticket_id: str,
) -> SurgeRaise | None:
    """How a decision made before its group surged changes once it does: its priority rises
    to the surge priority (the surge sets nothing else), it is tagged ``surge``, and its SLA
    is recomputed from its receipt, keeping the stricter clocks it carried by rule. None
    when the group is below the threshold or the decision is already as urgent."""
    grouping = ruleset.spec.grouping
    if group.count < grouping.surge_threshold or priority not in less_urgent_than(
        grouping.surge_priority
    ):
        return None
    raised = grouping.surge_priority
    reason = Reason(
        rule="grouping.surge",
        detail=(
            f"{group.count} reports about this subject within {grouping.surge_window} "
            f"(threshold {grouping.surge_threshold}); report {trigger_ticket_id} crossed it "
            f"after this ticket was decided: priority {priority.value} -> {raised.value}"
        ),
        evidence=[group.key],
    )
    sla = sla_after_change(
        ruleset,
        policies=policies,
        previous_priority=priority,
        previous_category=category,
        priority=raised,
        category=category,
        start=received_at,
    )
    return SurgeRaise(priority=raised, tags=tuple(sorted({*tags, "surge"})), reason=reason, sla=sla)
