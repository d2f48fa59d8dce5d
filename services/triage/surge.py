"""When a batch's reports push a subject's group over the surge threshold, the group's
decisions made in earlier batches are raised too, each once, and their new events kept in
an outbox (``triage_surge_raises``) until published."""

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from services.triage import store
from services.triage.decisions import Outcome
from services.triage.domain import GroupSignal, less_urgent_than
from services.triage.grouping import SurgeRaise, surge_raise, surge_window
from services.triage.rules import RuleSet
from shared.db import Database, aware
from shared.events import (
    Priority,
    TicketTriagedV1,
    TriageOverrideFrom,
    TriageRevision,
)
from shared.logging import ticket_context
from shared.tracing import child_traceparent

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SurgingGroup:
    """A group over the surge threshold in a consumed batch: its members received in
    [since, until] (the span its surge was counted over) are raised."""

    signal: GroupSignal
    since: datetime
    until: datetime
    trigger_ticket_id: str


def surging_groups(outcomes: Sequence[Outcome], *, ruleset: RuleSet) -> list[SurgingGroup]:
    """The groups a batch's decisions (new, or stored by an earlier delivery of the batch)
    found surging, by group key. The trigger is the group's earliest report in the batch;
    the span is the batch's span of the group widened by the window, as counted."""
    threshold = ruleset.spec.grouping.surge_threshold
    window = surge_window(ruleset)
    members: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        if outcome.group_key is not None and outcome.group_count >= threshold:
            members.setdefault(outcome.group_key, []).append(outcome)
    groups: list[SurgingGroup] = []
    for key in sorted(members):
        ordered = sorted(members[key], key=lambda o: (aware(o.received_at), o.ticket_id))
        groups.append(
            SurgingGroup(
                signal=GroupSignal(key=key, count=max(o.group_count for o in ordered)),
                since=aware(ordered[0].received_at) - window,
                until=aware(ordered[-1].received_at) + window,
                trigger_ticket_id=ordered[0].ticket_id,
            )
        )
    return groups


def surge_raise_id(ticket_id: str, priority: Priority) -> str:
    """The raise's (and its event's) id: one per ticket and priority, whichever replica."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"vigil:triage:surge:{ticket_id}:{priority.value}"))


def _raised_event(
    ticket: store.TriagedTicket, raised: SurgeRaise, *, group: SurgingGroup, now: datetime
) -> TicketTriagedV1:
    before = TicketTriagedV1.model_validate_json(ticket.triaged_event)
    previous = TriageOverrideFrom(
        category=ticket.category,
        severity=ticket.severity,
        priority=Priority(ticket.priority),
        queue=ticket.queue,
    )
    data = before.data.model_copy(
        update={
            "priority": raised.priority,
            "reasons": [*before.data.reasons, raised.reason],
            "tags": list(raised.tags),
            "triaged_at": now,
            "first_response_due": raised.sla.first_response_due,
            "resolution_due": raised.sla.resolution_due,
            "sla_policies": list(raised.sla.policies),
            "group_key": group.signal.key,
            "override": None,
            "revision": TriageRevision(
                kind="surge",
                reason=raised.reason.detail,
                at=now,
                previous=previous,
                group_key=group.signal.key,
                group_count=group.signal.count,
                trigger_ticket_id=group.trigger_ticket_id,
            ),
        }
    )
    return TicketTriagedV1(
        id=surge_raise_id(ticket.ticket_id, raised.priority),
        source="/vigil/triage",
        subject=ticket.ticket_id,
        traceparent=child_traceparent(before.traceparent),
        data=data,
    )


def _raise_ticket(
    ticket: store.TriagedTicket, *, group: SurgingGroup, ruleset: RuleSet, now: datetime
) -> store.SurgeRaiseRecord | None:
    """Raise one stored decision in place; its outbox row, or None if it stays as it is."""
    raised = surge_raise(
        ruleset,
        priority=Priority(ticket.priority),
        category=ticket.category,
        tags=ticket.tags,
        policies=ticket.sla_policies,
        received_at=aware(ticket.received_at),
        group=group.signal,
        trigger_ticket_id=group.trigger_ticket_id,
    )
    if raised is None:
        return None
    event = _raised_event(ticket, raised, group=group, now=now)
    record = store.SurgeRaiseRecord(
        id=event.id,
        ticket_id=ticket.ticket_id,
        group_key=group.signal.key,
        group_count=group.signal.count,
        trigger_ticket_id=group.trigger_ticket_id,
        from_priority=ticket.priority,
        to_priority=raised.priority.value,
        event=event.model_dump_json(),
        replaced_event=ticket.triaged_event,
        created_at=now,
    )
    ticket.priority = raised.priority.value
    ticket.tags = list(raised.tags)
    ticket.reasons = [reason.model_dump() for reason in event.data.reasons]
    ticket.first_response_due = raised.sla.first_response_due
    ticket.resolution_due = raised.sla.resolution_due
    ticket.sla_policies = list(raised.sla.policies)
    ticket.group_count = max(ticket.group_count, group.signal.count)
    ticket.triaged_event = event.model_dump_json()
    return record


async def raise_surging_groups(
    session: AsyncSession, outcomes: Sequence[Outcome], *, ruleset: RuleSet, now: datetime
) -> list[store.SurgeRaiseRecord]:
    """Raise the earlier decisions of every group this batch found surging: those received
    within the span the surge was counted over, less urgent than the surge priority and not
    overridden by a person (a person's decision wins). One transaction; rows are locked, so
    replicas deciding overlapping batches raise each ticket once. Returns the raises made
    now, for the caller to publish; any it fails to publish are re-sent by the relay
    (:func:`publish_pending_overrides`)."""
    groups = surging_groups(outcomes, ruleset=ruleset)
    if not groups:
        return []
    priorities = [p.value for p in less_urgent_than(ruleset.spec.grouping.surge_priority)]
    for _attempt in range(2):
        tickets: list[store.TriagedTicket] = []
        records: list[store.SurgeRaiseRecord] = []
        for group in groups:
            members = await store.lock_group_members(
                session,
                group_key=group.signal.key,
                since=group.since,
                until=group.until,
                priorities=priorities,
            )
            for ticket in members:
                record = _raise_ticket(ticket, group=group, ruleset=ruleset, now=now)
                if record is not None:
                    tickets.append(ticket)
                    records.append(record)
        if not records:
            await session.rollback()  # releases the locks
            return []
        if await store.save_surge_raises(session, tickets=tickets, raises=records):
            _log_raises(records)
            return records
        # A replica without row locks (SQLite files shared by processes) raised one of them
        # first: look again, its raises are no longer below the surge priority.
    logger.warning(
        "surge raises abandoned after conflicting twice with another replica",
        extra={"groups": len(groups)},
    )
    return []


async def original_decisions(
    session: AsyncSession,
    tickets: Sequence[Outcome],
    *,
    decided: Sequence[Outcome],
) -> dict[str, str]:
    """The first decision events of the batch's already-decided tickets a surge raised
    since: a redelivery re-sends them, as that decision may never have been published."""
    new = {ticket.ticket_id for ticket in decided}
    return await store.first_decision_events(
        session, [ticket.ticket_id for ticket in tickets if ticket.ticket_id not in new]
    )


def _log_raises(records: Sequence[store.SurgeRaiseRecord]) -> None:
    for record in records:
        with ticket_context(ticket_id=record.ticket_id, traceparent=None):
            logger.info(
                "ticket raised by its group's surge",
                extra={
                    "from_priority": record.from_priority,
                    "to_priority": record.to_priority,
                    "group_count": record.group_count,
                    "trigger_ticket_id": record.trigger_ticket_id,
                },
            )


async def mark_surge_raises_published(
    db: Database, records: Sequence[store.SurgeRaiseRecord], *, now: datetime
) -> None:
    if not records:
        return
    async with db.session() as session:
        await store.mark_surge_raises_published(session, [record.id for record in records], at=now)
