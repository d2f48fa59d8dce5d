"""Compare two rule sets over the same stored reports: what would change, and the SLA load."""

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.triage.classifier import SafetyModel
from services.triage.domain import Decision, GroupSignal, decide
from services.triage.rules import RuleSet
from shared.events import Report

MAX_LISTED_CHANGES = 100
_DUE_BUCKETS = (("1h", 3600), ("4h", 4 * 3600), ("24h", 24 * 3600))


@dataclass(frozen=True)
class StoredReport:
    ticket_id: str
    channel: str
    received_at: datetime
    report: Report
    group: GroupSignal | None


def _sla_load(decisions: Sequence[tuple[StoredReport, Decision]]) -> dict[str, Any]:
    first: list[float] = []
    resolution: list[float] = []
    for stored, decision in decisions:
        if decision.sla is None:
            continue
        first.append((decision.sla.first_response_due - stored.received_at).total_seconds())
        resolution.append((decision.sla.resolution_due - stored.received_at).total_seconds())
    load: dict[str, Any] = {
        f"first_response_due_within_{label}": sum(1 for s in first if s <= limit)
        for label, limit in _DUE_BUCKETS
    }
    load["mean_first_response_minutes"] = round(sum(first) / len(first) / 60, 1) if first else None
    load["mean_resolution_hours"] = (
        round(sum(resolution) / len(resolution) / 3600, 1) if resolution else None
    )
    return load


def _compare(current: Counter[str], proposed: Counter[str]) -> dict[str, dict[str, int]]:
    return {
        key: {
            "current": current[key],
            "proposed": proposed[key],
            "change": proposed[key] - current[key],
        }
        for key in sorted(set(current) | set(proposed))
    }


def _brief(decision: Decision) -> dict[str, str]:
    return {
        "category": decision.category,
        "priority": decision.priority.value,
        "queue": decision.queue,
        "severity": decision.severity,
    }


def skipped_note(*, skipped: int, considered: int) -> str | None:
    """Why some of the most recent tickets were not replayed, or None when all were."""
    if not skipped:
        return None
    return (
        f"{skipped} of the {considered} most recent tickets were skipped: they were triaged "
        "before triage kept the report text (schema triage_0002), so they cannot be decided "
        "again; the figures cover the replayed tickets only"
    )


def simulate(
    reports: Sequence[StoredReport],
    *,
    current: RuleSet,
    proposed: RuleSet,
    model: SafetyModel,
    may_see: Callable[[Iterable[str]], bool],
    skipped_without_report: int = 0,
    withheld_restricted: int = 0,
) -> dict[str, Any]:
    """Decide ``reports`` under both rule sets. ``skipped_without_report`` counts the
    requested tickets that had no stored report text; the answer reports them.

    A replay deciding a category the caller ``may_see`` not (under either rule set) is left
    out of every figure, like the ``withheld_restricted`` tickets the caller already left
    out for their stored categories: a rules author without the team learns neither their
    ids nor what the rules make of them, only how many were left out."""

    def run(ruleset: RuleSet) -> list[tuple[StoredReport, Decision]]:
        return [
            (
                stored,
                decide(
                    stored.report,
                    ruleset=ruleset,
                    channel=stored.channel,
                    received_at=stored.received_at,
                    model=model,
                    group=stored.group,
                ),
            )
            for stored in reports
        ]

    before: list[tuple[StoredReport, Decision]] = []
    after: list[tuple[StoredReport, Decision]] = []
    for (stored, old), (_, new) in zip(run(current), run(proposed), strict=True):
        if may_see([old.category, new.category]):
            before.append((stored, old))
            after.append((stored, new))
    withheld = withheld_restricted + len(reports) - len(before)
    changes = [
        {"ticket_id": stored.ticket_id, "from": _brief(old), "to": _brief(new)}
        for (stored, old), (_, new) in zip(before, after, strict=True)
        if _brief(old) != _brief(new)
    ]
    return {
        "tickets": len(before),
        "skipped_without_report": skipped_without_report,
        "withheld_restricted": withheld,
        "note": skipped_note(
            skipped=skipped_without_report,
            considered=len(before) + skipped_without_report + withheld,
        ),
        "current_version": current.version,
        "proposed_version": proposed.version,
        "changed": len(changes),
        "changes": changes[:MAX_LISTED_CHANGES],
        "categories": _compare(
            Counter(d.category for _, d in before), Counter(d.category for _, d in after)
        ),
        "priorities": _compare(
            Counter(d.priority.value for _, d in before),
            Counter(d.priority.value for _, d in after),
        ),
        "queues": _compare(Counter(d.queue for _, d in before), Counter(d.queue for _, d in after)),
        "sla": {"current": _sla_load(before), "proposed": _sla_load(after)},
    }
