"""On-call actions: acknowledge, resolve, reassign, snooze and notes.

Every state change goes through one compare-and-set loop (:func:`_compare_and_set`): read,
decide, write only if the columns the decision read are unchanged, else decide again."""

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from services.escalation import store
from services.escalation.config import EscalationConfig
from services.escalation.domain import (
    Action,
    EscalationNotFoundError,
    PersonRequiredError,
    UnknownUserError,
    check_allowed,
    snapshot,
    transition,
)
from services.escalation.policies import PersonOnly, person_required
from services.escalation.records import audit, escalated_row, event_row, pages, reminder_timer
from shared.db import aware
from shared.events import utcnow

_MAX_RACES = 10

Decide = Callable[[store.Escalation], dict[str, Any] | None]
Record = Callable[[store.Escalation, str], Awaitable[None]]


async def _compare_and_set(
    session: AsyncSession,
    escalation_id: str,
    *,
    watch: Sequence[str],
    decide: Decide,
    record: Record,
) -> store.Escalation:
    """``decide`` returns the changes (None = nothing to do) or raises; they are written only
    if the ``watch`` columns still hold what was read; ``record`` then adds the rows written
    with the change (it gets the escalation after the change and a snapshot from before)."""
    for _ in range(_MAX_RACES):
        escalation = await store.get_escalation(session, escalation_id)
        # End the read transaction: SQLite cannot upgrade a stale snapshot to a write.
        await session.commit()
        if escalation is None:
            raise EscalationNotFoundError(escalation_id)
        changes = decide(escalation)
        if changes is None:
            return escalation
        before = snapshot(escalation)
        expected = {name: getattr(escalation, name) for name in watch}
        won = await store.change_escalation_if(
            session, escalation_id, expected=expected, changes=changes
        )
        if not won:
            await session.rollback()  # someone else moved it first: decide again
            continue
        await session.refresh(escalation)
        await record(escalation, before)
        await session.commit()
        return escalation
    raise RuntimeError(f"escalation {escalation_id} kept changing under concurrent updates")


def check_person(
    config: EscalationConfig | None,
    escalation: store.Escalation,
    *,
    operation: PersonOnly,
    by_bot: bool,
) -> None:
    """Raise PersonRequiredError if the escalation's policy refuses this to a bot."""
    policy = config.policy(escalation.policy) if config is not None else None
    refusal = person_required(policy, operation=operation, by_bot=by_bot)
    if refusal is not None:
        raise PersonRequiredError(
            refusal,
            operation=operation,
            status=escalation.status,  # type: ignore[arg-type]
        )


async def apply_action(
    session: AsyncSession,
    escalation_id: str,
    *,
    action: Action,
    actor: str,
    by_bot: bool = False,
    config: EscalationConfig | None = None,
    now: datetime | None = None,
    reason: str | None = None,
    detail: str | None = None,
) -> store.Escalation:
    """Apply an on-call action once, however many requests race for it. ``reason`` goes
    into the emitted event, ``detail`` into the audit entry.

    Raises EscalationNotFoundError, IllegalTransitionError or PersonRequiredError; a
    repeat of the action that led to the current state changes nothing."""
    at = now or utcnow()

    def decide(escalation: store.Escalation) -> dict[str, Any] | None:
        nonlocal at
        step = transition(escalation.status, action)  # type: ignore[arg-type]
        if not step.changed:
            return None
        check_person(config, escalation, operation=action, by_bot=by_bot)
        at = now or utcnow()  # the time of the attempt that may win
        changes: dict[str, Any] = {"status": step.new_status}
        if step.new_status == "acknowledged":
            changes.update(acknowledged_at=at, acknowledged_by=actor, assignee=actor)
        else:
            changes.update(resolved_at=at, resolved_by=actor)
        return changes

    async def record(escalation: store.Escalation, before: str) -> None:
        status = escalation.status
        session.add(event_row(escalation, kind=status, actor=actor, at=at, reason=reason))
        session.add(
            audit(
                escalation,
                actor=actor,
                action=action,
                at=at,
                before=before,
                after=snapshot(escalation),
                detail=detail,
            )
        )
        policy = config.policy(escalation.policy) if config is not None else None
        interval = policy.reminder_interval if policy is not None else None
        if status == "acknowledged" and interval is not None:
            session.add(reminder_timer(escalation, due=at + interval))
        if status == "resolved":
            # Its ack, reminder and SLA clocks would only fire as no-ops: stop them now.
            await store.cancel_timers(session, escalation_id, now=at)

    return await _compare_and_set(
        session, escalation_id, watch=("status",), decide=decide, record=record
    )


# Reassign and snooze read the status, the assignee and the snooze.
_HANDOVER_COLUMNS = ("status", "assignee", "snoozed_until")


async def reassign(
    session: AsyncSession,
    escalation_id: str,
    *,
    to: str,
    actor: str,
    config: EscalationConfig,
    now: datetime,
) -> store.Escalation:
    """Hand over to ``to`` (a configured user), who is paged; the status stays."""
    if config.user(to) is None:
        raise UnknownUserError(to)

    def decide(escalation: store.Escalation) -> dict[str, Any] | None:
        check_allowed(escalation.status, "reassign")  # type: ignore[arg-type]
        return None if escalation.assignee == to else {"assignee": to}

    async def record(escalation: store.Escalation, before: str) -> None:
        session.add(
            escalated_row(
                escalation,
                actor=actor,
                at=now,
                level=escalation.level,
                target=f"user:{to}",
                reason="reassigned",
            )
        )
        session.add(
            audit(
                escalation,
                actor=actor,
                action="reassign",
                at=now,
                before=before,
                after=snapshot(escalation),
            )
        )
        session.add_all(
            pages(
                config,
                escalation,
                users=[to],
                level=escalation.level,
                reason="reassigned",
                round_key=f"reassigned:{now.isoformat()}",
                now=now,
            )
        )

    return await _compare_and_set(
        session, escalation_id, watch=_HANDOVER_COLUMNS, decide=decide, record=record
    )


async def snooze(
    session: AsyncSession,
    escalation_id: str,
    *,
    until: datetime,
    actor: str,
    by_bot: bool = False,
    config: EscalationConfig | None = None,
    now: datetime,
) -> store.Escalation:
    """Pause reminders of an acknowledged escalation until ``until``; raises
    PersonRequiredError for a bot on a policy that needs a person."""

    def decide(escalation: store.Escalation) -> dict[str, Any] | None:
        check_allowed(escalation.status, "snooze")  # type: ignore[arg-type]
        check_person(config, escalation, operation="snooze", by_bot=by_bot)
        current = escalation.snoozed_until
        if current is not None and aware(current) == until:
            return None
        return {"snoozed_until": until}

    async def record(escalation: store.Escalation, before: str) -> None:
        session.add(
            audit(
                escalation,
                actor=actor,
                action="snooze",
                at=now,
                before=before,
                after=snapshot(escalation),
            )
        )
        # Until exactly the reminder already due then: that one timer serves both.
        await store.add_timer_once(session, reminder_timer(escalation, due=until))

    return await _compare_and_set(
        session, escalation_id, watch=_HANDOVER_COLUMNS, decide=decide, record=record
    )


async def add_note(
    session: AsyncSession,
    escalation_id: str,
    *,
    text: str,
    actor: str,
    now: datetime,
    idempotency_key: str | None,
) -> store.AuditEntry:
    """Add a note; with an idempotency key, a retried request returns the first note."""
    key = f"{escalation_id}:note:{idempotency_key}" if idempotency_key else None
    for _ in range(2):
        if key is not None:
            found = await store.audit_by_key(session, key)
            if found is not None:
                return found
        escalation = await store.get_escalation(session, escalation_id)
        if escalation is None:
            raise EscalationNotFoundError(escalation_id)
        entry = audit(
            escalation, actor=actor, action="note", at=now, detail=text, idempotency_key=key
        )
        session.add(entry)
        try:
            await session.commit()
        except IntegrityError:
            await session.rollback()
            continue
        return entry
    raise RuntimeError("note kept conflicting")
