"""A person's correction of a decision, audited, and its event published (re-sent by a
relay if the broker was down; the same relay re-sends surge raises)."""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from services.triage import store
from services.triage.deadlines import sla_after_change
from services.triage.domain import safety_routing
from services.triage.rules import SAFETY_CATEGORIES, RuleSet
from shared.bus import Bus, Outgoing
from shared.db import Database, aware
from shared.events import (
    Priority,
    Reason,
    TicketTriagedV1,
    TriageOverride,
    TriageOverrideFrom,
)
from shared.outbox import publish_rows, relay_pending, stamp_published_at
from shared.tracing import child_traceparent

logger = logging.getLogger(__name__)


class OverrideError(Exception):
    """Why an override was refused; api.py says it in HTTP."""


class TicketNotFoundError(OverrideError):
    pass


class UnknownCategoryError(OverrideError):
    pass


class NothingToChangeError(OverrideError):
    pass


OutboxRow = store.OverrideAudit | store.SurgeRaiseRecord


@dataclass(frozen=True)
class OverrideRequestData:
    reason: str
    actor: str
    # The actor's key is a bot's: carried in the event for escalation's person-only policies.
    by_bot: bool = False
    category: str | None = None
    severity: str | None = None
    priority: Priority | None = None
    queue: str | None = None


def overridden_values(
    current: TriageOverrideFrom, change: OverrideRequestData, *, ruleset: RuleSet
) -> TriageOverrideFrom:
    """What the ticket becomes: the values the person gave, and for a ticket moved into a
    safety category, that category's routing (domain.safety_routing) for the rest."""
    if change.category is not None and change.category not in ruleset.categories:
        raise UnknownCategoryError(f"{change.category!r} is not in the active rules' taxonomy.")
    category = change.category or current.category
    if category in SAFETY_CATEGORIES and category != current.category:
        routing = safety_routing(category)
        priority, severity, queue = routing.priority, routing.severity, routing.queue
    else:
        priority, severity, queue = current.priority, current.severity, current.queue
    values = TriageOverrideFrom(
        category=category,
        severity=change.severity or severity,
        priority=change.priority or priority,
        queue=change.queue or queue,
    )
    if values == current:
        raise NothingToChangeError("The ticket already has these values.")
    return values


async def override_ticket(
    session: AsyncSession,
    *,
    ticket_id: str,
    change: OverrideRequestData,
    ruleset: RuleSet,
    now: datetime,
    may_see: Callable[[Sequence[str]], bool],
) -> tuple[store.TriagedTicket, store.OverrideAudit]:
    """``may_see`` judges every category the ticket ever had, read under the ticket's lock:
    a reclassification racing this override cannot let a key outside a restricted
    category's teams change (and so resolve) its ticket."""
    ticket = await store.lock_ticket(session, ticket_id)
    if ticket is None:
        raise TicketNotFoundError("No triaged ticket has this id.")
    overridden = await store.overridden_categories(session, [ticket_id])
    if not may_see([ticket.category, *overridden.get(ticket_id, ())]):
        raise TicketNotFoundError("No triaged ticket has this id.")
    previous = TriageOverrideFrom(
        category=ticket.category,
        severity=ticket.severity,
        priority=Priority(ticket.priority),
        queue=ticket.queue,
    )
    values = overridden_values(previous, change, ruleset=ruleset)
    category, severity, priority, queue = (
        values.category,
        values.severity,
        values.priority,
        values.queue,
    )
    before = TicketTriagedV1.model_validate_json(ticket.triaged_event)
    sla = sla_after_change(
        ruleset,
        policies=ticket.sla_policies,
        previous_priority=previous.priority,
        previous_category=previous.category,
        priority=priority,
        category=category,
        start=aware(ticket.received_at),
    )
    data = before.data.model_copy(
        update={
            "category": category,
            "severity": severity,
            "priority": priority,
            "queue": queue,
            "reasons": [
                Reason(rule="override", detail=f"overridden by {change.actor}: {change.reason}"),
                *before.data.reasons,
            ],
            "triaged_at": now,
            "first_response_due": sla.first_response_due,
            "resolution_due": sla.resolution_due,
            "sla_policies": list(sla.policies),
            "override": TriageOverride(
                by=change.actor,
                reason=change.reason,
                at=now,
                previous=previous,
                by_bot=change.by_bot,
            ),
            "revision": None,  # a person's decision, not triage's: never both
        }
    )
    event = TicketTriagedV1(
        source="/vigil/triage",
        subject=ticket.ticket_id,
        traceparent=child_traceparent(before.traceparent),
        data=data,
    )
    ticket.category, ticket.severity, ticket.priority, ticket.queue = (
        category,
        severity,
        priority.value,
        queue,
    )
    ticket.reasons = [reason.model_dump() for reason in data.reasons]
    ticket.first_response_due = sla.first_response_due
    ticket.resolution_due = sla.resolution_due
    ticket.sla_policies = list(sla.policies)
    ticket.triaged_event = event.model_dump_json()
    ticket.overridden = True
    audit = store.OverrideAudit(
        ticket_id=ticket.ticket_id,
        actor=change.actor,
        reason=change.reason,
        from_category=previous.category,
        to_category=category,
        from_priority=previous.priority.value,
        to_priority=priority.value,
        from_queue=previous.queue,
        to_queue=queue,
        from_severity=previous.severity,
        to_severity=severity,
        event_id=event.id,
        event=event.model_dump_json(),
        created_at=now,
    )
    await store.save_override(session, ticket=ticket, audit=audit)
    return ticket, audit


def _message(topic: str) -> Callable[[OutboxRow], Outgoing]:
    def message_of(row: OutboxRow) -> Outgoing:
        return Outgoing(topic, key=row.ticket_id, value=row.event.encode())

    return message_of


async def publish_from_outbox(
    session: AsyncSession, *, bus: Bus, topic: str, row: OutboxRow
) -> bool:
    """Send an override's or a surge raise's event and mark its row published; False when
    the broker is unavailable (the relay sends it later: shared.outbox)."""
    return await publish_rows(
        session, [row], bus=bus, message_of=_message(topic), stamp=stamp_published_at
    )


async def publish_pending_overrides(
    db: Database, *, bus: Bus, topic: str, grace: timedelta, now: datetime
) -> int:
    """Send the override and surge-raise events nobody could publish (broker down, crash),
    oldest first across both, so that a person's override of a ticket goes out after an
    older raise of it and stays the last word. Only those older than ``grace``, so the relay
    does not race the request or the batch that is publishing right now."""
    cutoff = now - grace

    async def pending(session: AsyncSession) -> list[OutboxRow]:
        overrides = await store.unpublished_overrides(session, created_before=cutoff, limit=100)
        raises = await store.unpublished_surge_raises(session, created_before=cutoff, limit=100)
        return sorted([*overrides, *raises], key=lambda row: aware(row.created_at))

    return await relay_pending(
        db, bus=bus, pending=pending, message_of=_message(topic), stamp=stamp_published_at
    )
