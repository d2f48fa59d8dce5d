"""Deciding the new tickets of a consumed batch once (surges counted in the database, so
replicas share them), and the events and rows that record a decision."""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from services.triage import store
from services.triage.classifier import SafetyModel
from services.triage.domain import Decision, GroupSignal, decide
from services.triage.grouping import group_key, surge_window
from services.triage.rules import RuleSet
from shared.events import (
    TicketReceivedV1,
    TicketTriagedData,
    TicketTriagedV1,
    utcnow,
)
from shared.tracing import child_traceparent

logger = logging.getLogger(__name__)


def triaged_event(
    event: TicketReceivedV1, decision: Decision, *, triaged_at: datetime
) -> TicketTriagedV1:
    sla = decision.sla
    return TicketTriagedV1(
        source="/vigil/triage",
        subject=event.subject,
        traceparent=child_traceparent(event.traceparent),
        data=TicketTriagedData(
            ticket_id=event.data.ticket_id,
            channel=event.data.channel,
            category=decision.category,
            severity=decision.severity,
            priority=decision.priority,
            queue=decision.queue,
            reasons=decision.reasons,
            rules_version=decision.rules_version,
            received_at=event.data.received_at,
            triaged_at=triaged_at,
            tags=list(decision.tags),
            first_response_due=sla.first_response_due if sla else None,
            resolution_due=sla.resolution_due if sla else None,
            sla_policies=list(sla.policies) if sla else [],
            group_key=decision.group_key,
        ),
    )


def ticket_values(
    event: TicketReceivedV1, decision: Decision, *, triaged_at: datetime, group_count: int = 0
) -> dict[str, Any]:
    """The stored row of a decision, as column values."""
    triaged = triaged_event(event, decision, triaged_at=triaged_at)
    data = triaged.data
    return {
        "ticket_id": data.ticket_id,
        "channel": data.channel,
        "category": data.category,
        "severity": data.severity,
        "priority": data.priority.value,
        "queue": data.queue,
        "reasons": [reason.model_dump() for reason in data.reasons],
        "rules_version": data.rules_version,
        "received_at": data.received_at,
        "triaged_at": data.triaged_at,
        "triaged_event": triaged.model_dump_json(),
        "report": event.data.report.model_dump(mode="json"),
        "tags": data.tags,
        "sla_policies": data.sla_policies,
        "first_response_due": data.first_response_due,
        "resolution_due": data.resolution_due,
        "group_key": data.group_key,
        "group_count": group_count,
        "overridden": False,
    }


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the consumer needs of a ticket's stored decision."""

    ticket_id: str
    category: str
    priority: str
    queue: str
    rules_version: str
    triaged_event: str
    received_at: datetime
    group_key: str | None
    group_count: int

    @classmethod
    def of(cls, ticket: store.TriagedTicket | dict[str, Any]) -> "Outcome":
        values = ticket if isinstance(ticket, dict) else ticket.model_dump()
        return cls(**{name: values[name] for name in cls.__slots__})


async def triage_batch(
    session: AsyncSession,
    events: Sequence[TicketReceivedV1],
    *,
    ruleset: RuleSet,
    model: SafetyModel,
) -> tuple[list[Outcome], list[Outcome]]:
    """Decide the tickets of a consumed batch not decided yet, in two transactions for the
    whole batch. Returns (every ticket of the batch, the ones decided now).

    The surge count of a subject is taken once per batch, over the batch's time span widened
    by the window on both sides: reports on other partitions may be processed out of order,
    so those received up to one window later count too, and the order of processing does
    not hide a surge. The batch's span is well under a second when triage keeps up."""
    first_of_each: dict[str, TicketReceivedV1] = {}
    for event in events:
        first_of_each.setdefault(event.subject, event)
    known = await store.get_tickets(session, list(first_of_each))
    new = [event for event in first_of_each.values() if event.subject not in known]
    groups = await _batch_group_signals(session, new, ruleset=ruleset)
    decided = [
        ticket_values(
            event,
            decide(
                event.data.report,
                ruleset=ruleset,
                channel=event.data.channel,
                received_at=event.data.received_at,
                model=model,
                group=groups.get(event.subject),
            ),
            triaged_at=utcnow(),
            group_count=groups[event.subject].count if event.subject in groups else 0,
        )
        for event in new
    ]
    lost_races = await store.insert_ticket_values(session, decided)
    stored = {values["ticket_id"]: Outcome.of(values) for values in decided}
    stored |= {ticket.ticket_id: Outcome.of(ticket) for ticket in lost_races}
    outcomes = {ticket_id: Outcome.of(ticket) for ticket_id, ticket in known.items()} | stored
    decided_now = [stored[values["ticket_id"]] for values in decided]
    return [outcomes[ticket_id] for ticket_id in first_of_each], decided_now


async def _batch_group_signals(
    session: AsyncSession, events: Sequence[TicketReceivedV1], *, ruleset: RuleSet
) -> dict[str, GroupSignal]:
    """Surge signals by ticket id, for the events whose report names a subject."""
    keyed = [(event, key) for event in events if (key := group_key(event.data.report.subject))]
    if not keyed:
        return {}
    await store.record_group_reports(
        session,
        [
            store.GroupReport(
                ticket_id=event.subject, group_key=key, received_at=event.data.received_at
            )
            for event, key in keyed
        ],
    )
    window = surge_window(ruleset)
    counts: dict[str, int] = {}
    for key in {key for _, key in keyed}:
        times = [event.data.received_at for event, event_key in keyed if event_key == key]
        counts[key] = await store.count_group_reports(
            session, group_key=key, since=min(times) - window, until=max(times) + window
        )
    return {event.subject: GroupSignal(key=key, count=counts[key]) for event, key in keyed}


async def group_signal_preview(
    session: AsyncSession, *, key: str | None, ruleset: RuleSet, received_at: datetime
) -> GroupSignal | None:
    """What the surge count would be for one more report now (nothing is stored)."""
    if key is None:
        return None
    count = await store.count_group_reports(
        session, group_key=key, since=received_at - surge_window(ruleset), until=received_at
    )
    return GroupSignal(key=key, count=count + 1)
