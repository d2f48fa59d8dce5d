"""Triage flows: the steps that combine the domain, the store and the bus.

- ``triage_batch``: decide the new tickets of a consumed batch once (surges counted in the
  database, so replicas share them).
- ``RulesManager``: the active rules of this replica, kept equal to the database's latest
  revision; ``rules.yaml`` changes become new revisions, invalid files never do.
- ``raise_surging_groups``: when a batch's reports push a subject's group over the surge
  threshold, the group's decisions made in earlier batches are raised too, each once, and
  their new events kept in an outbox (``triage_surge_raises``) until published.
- ``override_ticket`` / ``publish_pending_overrides``: a person's correction, audited, and
  its event published (re-sent by a relay if the broker was down; the same relay re-sends
  surge raises).
"""

import asyncio
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from services.triage import store
from services.triage.domain import (
    Decision,
    GroupSignal,
    SurgeRaise,
    decide,
    less_urgent_than,
    sla_after_change,
    surge_raise,
    surge_window,
)
from services.triage.grouping import group_key
from services.triage.instruments import TriageMetrics
from services.triage.rules import SAFETY_CATEGORIES, RulesError, RuleSet, parse_rules, rules_path
from shared.bus import Bus, BusUnavailableError
from shared.db import Database, aware
from shared.events import (
    Priority,
    Reason,
    TicketReceivedV1,
    TicketTriagedData,
    TicketTriagedV1,
    TriageOverride,
    TriageOverrideFrom,
    TriageRevision,
    utcnow,
)
from shared.logging import ticket_context
from shared.tracing import child_traceparent

logger = logging.getLogger(__name__)


# --- rules ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActiveRules:
    ruleset: RuleSet  # its version carries the revision: "<version>+<sha8>@r<revision>"
    revision: int
    source: str
    origin: str
    activated_at: datetime


def _activate(row: store.RulesRevision) -> ActiveRules:
    assert row.revision is not None
    parsed = parse_rules(row.content, source=f"rules revision {row.revision}")
    return ActiveRules(
        ruleset=parsed.with_version(f"{parsed.version}@r{row.revision}"),
        revision=row.revision,
        source=row.source,
        origin=row.origin,
        activated_at=row.created_at,
    )


class RulesManager:
    """This replica's active rules. The database's highest revision is authoritative."""

    def __init__(self, *, db: Database, config_dir: Path | None, metrics: TriageMetrics) -> None:
        self._db = db
        self._config_dir = config_dir
        self._metrics = metrics
        self._file_mtime: float | None = None
        self._active: ActiveRules | None = None
        self._lock = asyncio.Lock()

    @property
    def loaded(self) -> bool:
        return self._active is not None

    @property
    def active(self) -> ActiveRules:
        if self._active is None:
            raise RuntimeError("rules not loaded yet")
        return self._active

    async def sync(self) -> None:
        """Import a changed rules.yaml, then adopt the latest revision in the database."""
        async with self._lock:
            await self._import_file()
            await self._adopt_latest()

    async def _import_file(self) -> None:
        path = rules_path(self._config_dir)
        try:
            mtime = path.stat().st_mtime
        except OSError as error:
            logger.error("rules file unreadable", extra={"path": str(path), "error": str(error)})
            return
        if mtime == self._file_mtime:
            return
        self._file_mtime = mtime
        try:
            text = path.read_text(encoding="utf-8")
            ruleset = parse_rules(text, source=str(path))
        except (RulesError, OSError, UnicodeDecodeError) as error:
            self._metrics.rules_reload_failures.labels("file").inc()
            logger.error(
                "rules file rejected; keeping the active rules", extra={"error": str(error)}
            )
            return
        async with self._db.session() as session:
            last_from_file = await store.latest_rules(session, source="file")
            if last_from_file is not None and last_from_file.sha256 == ruleset.sha256:
                return
            await store.add_rules(session, _revision_row(ruleset, source="file", origin=str(path)))
        logger.info("rules file imported", extra={"version": ruleset.version})

    async def _adopt_latest(self) -> None:
        async with self._db.session() as session:
            latest = await store.latest_rules(session)
        if latest is None or (
            self._active is not None and latest.revision == self._active.revision
        ):
            return
        try:
            active = _activate(latest)
        except RulesError as error:
            logger.error("stored rules revision invalid; kept", extra={"error": str(error)})
            return
        self._active = active
        self._metrics.rules_revision.set(active.revision)
        logger.info("rules activated", extra={"version": active.ruleset.version})

    async def submit(self, text: str, *, origin: str) -> ActiveRules:
        """Validate (RulesError if invalid), store as the newest revision and activate."""
        try:
            ruleset = parse_rules(text, source="PUT /v1/rules")
        except RulesError:
            self._metrics.rules_reload_failures.labels("api").inc()
            raise
        async with self._lock:
            async with self._db.session() as session:
                row = await store.add_rules(
                    session, _revision_row(ruleset, source="api", origin=origin)
                )
            self._active = _activate(row)
            self._metrics.rules_revision.set(self._active.revision)
        logger.info("rules submitted", extra={"version": self._active.ruleset.version})
        return self._active

    async def watch(self, *, interval_seconds: float) -> None:
        while True:
            await asyncio.sleep(interval_seconds)
            try:
                await self.sync()
            except Exception:
                logger.exception("rules sync failed; retrying")


def _revision_row(ruleset: RuleSet, *, source: str, origin: str) -> store.RulesRevision:
    return store.RulesRevision(
        version=ruleset.version,
        sha256=ruleset.sha256,
        source=source,
        origin=origin[:512],
        content=ruleset.text,
        created_at=utcnow(),
    )


# --- triage -----------------------------------------------------------------------------


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


def ticket_row(
    event: TicketReceivedV1, decision: Decision, *, triaged_at: datetime, group_count: int = 0
) -> store.TriagedTicket:
    return store.TriagedTicket(
        **ticket_values(event, decision, triaged_at=triaged_at, group_count=group_count)
    )


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
    session: AsyncSession, events: Sequence[TicketReceivedV1], *, ruleset: RuleSet
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


# --- surges raise their group ---------------------------------------------------------


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


# --- overrides --------------------------------------------------------------------------


class OverrideError(Exception):
    def __init__(self, status: int, title: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail


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


async def override_ticket(
    session: AsyncSession,
    *,
    ticket_id: str,
    change: OverrideRequestData,
    ruleset: RuleSet,
    now: datetime,
) -> tuple[store.TriagedTicket, store.OverrideAudit]:
    ticket = await store.lock_ticket(session, ticket_id)
    if ticket is None:
        raise OverrideError(404, "Ticket not found", "No triaged ticket has this id.")
    if change.category is not None and change.category not in ruleset.categories:
        raise OverrideError(
            422, "Unknown category", f"{change.category!r} is not in the active rules' taxonomy."
        )
    category = change.category or ticket.category
    entering_safety = category in SAFETY_CATEGORIES and category != ticket.category
    priority = change.priority or (Priority.P0 if entering_safety else Priority(ticket.priority))
    queue = change.queue or (SAFETY_CATEGORIES[category] if entering_safety else ticket.queue)
    severity = change.severity or ("critical" if entering_safety else ticket.severity)
    previous = TriageOverrideFrom(
        category=ticket.category,
        severity=ticket.severity,
        priority=Priority(ticket.priority),
        queue=ticket.queue,
    )
    if (category, severity, priority, queue) == (
        previous.category,
        previous.severity,
        previous.priority,
        previous.queue,
    ):
        raise OverrideError(409, "Nothing to change", "The ticket already has these values.")
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


async def publish_from_outbox(
    session: AsyncSession,
    *,
    bus: Bus,
    topic: str,
    row: store.OverrideAudit | store.SurgeRaiseRecord,
) -> bool:
    """Send an override's or a surge raise's event and mark its row published; False (the
    relay retries) when the broker is unavailable."""
    try:
        await bus.send(topic, key=row.ticket_id, value=row.event.encode())
    except BusUnavailableError as error:
        logger.warning("triage event not published yet", extra={"error": str(error)})
        return False
    await store.mark_published(session, row, at=utcnow())
    return True


async def publish_pending_overrides(
    db: Database, *, bus: Bus, topic: str, grace: timedelta, now: datetime
) -> int:
    """Send the override and surge-raise events nobody could publish (broker down, crash),
    oldest first across both, so that a person's override of a ticket goes out after an
    older raise of it and stays the last word. Only those older than ``grace``, so the relay
    does not race the request or the batch that is publishing right now."""
    cutoff = now - grace
    async with db.session() as session:
        overrides = await store.unpublished_overrides(session, created_before=cutoff, limit=100)
        raises = await store.unpublished_surge_raises(session, created_before=cutoff, limit=100)
        pending: list[store.OverrideAudit | store.SurgeRaiseRecord] = sorted(
            [*overrides, *raises], key=lambda row: aware(row.created_at)
        )
        published = 0
        for row in pending:
            if not await publish_from_outbox(session, bus=bus, topic=topic, row=row):
                break
            published += 1
    return published
