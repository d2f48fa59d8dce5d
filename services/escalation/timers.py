"""Durable timers: ack timeouts climb a policy's levels, reminders page the assignee of an
acknowledged escalation again, SLA clocks (at risk, breached) climb or record an escalation.

:mod:`services.escalation.domain` decides what a timer does and
:mod:`services.escalation.records` builds the rows; this module claims due timers, applies
the compare-and-set of a climb and writes the rows, each timer in the transaction that
marks it fired."""

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from services.escalation import store
from services.escalation.config import EscalationConfig, Policy
from services.escalation.domain import (
    Snoozed,
    ack_timeout_step,
    plan_climb,
    reminder_decision,
    sla_action,
    snapshot,
)
from services.escalation.policies import Step
from services.escalation.records import (
    climb_rows,
    exhausted_rows,
    reminder_rows,
    reminder_timer,
    sla_escalated_rows,
)
from shared.db import Database

logger = logging.getLogger(__name__)

# (session, config, the escalation's policy, escalation, timer, now) -> whether the
# escalation's timeline changed.
TimerHandler = Callable[
    [
        AsyncSession,
        EscalationConfig,
        Policy | None,
        store.Escalation,
        store.EscalationTimer,
        datetime,
    ],
    Awaitable[bool],
]


async def fire_due_timers(
    db: Database, config: EscalationConfig, *, now: datetime, limit: int = 100
) -> list[str]:
    """Fire what is due; returns the escalations touched. Each timer is marked fired in the
    same transaction as its effects, so it fires exactly once across replicas."""
    touched: list[str] = []
    async with db.session() as session:
        timers = await store.claim_due_timers(session, now=now, limit=limit)
        for timer in timers:
            assert timer.id is not None
            if not await store.mark_timer_fired(session, timer.id, now=now):
                continue
            escalation = await store.get_escalation(session, timer.escalation_id)
            if escalation is not None and await _fire(session, config, escalation, timer, now):
                touched.append(escalation.id)
        await session.commit()
    return touched


async def _fire(
    session: AsyncSession,
    config: EscalationConfig,
    escalation: store.Escalation,
    timer: store.EscalationTimer,
    now: datetime,
) -> bool:
    policy = config.policy(escalation.policy)
    handler = _HANDLERS.get(timer.kind)
    if handler is None:
        logger.error("unknown timer kind", extra={"kind": timer.kind})
        return False
    return await handler(session, config, policy, escalation, timer, now)


async def _write(session: AsyncSession, rows: Sequence[SQLModel]) -> None:
    """Add a timer's rows in order; a page or a timer another pass already added (same
    idempotency key) is not added twice."""
    for row in rows:
        if isinstance(row, store.Notification):
            await store.add_notification_once(session, row)
        elif isinstance(row, store.EscalationTimer):
            await store.add_timer_once(session, row)
        else:
            session.add(row)


async def _on_ack_timeout(
    session: AsyncSession,
    config: EscalationConfig,
    policy: Policy | None,
    escalation: store.Escalation,
    timer: store.EscalationTimer,
    now: datetime,
) -> bool:
    step = ack_timeout_step(policy, escalation, timer)
    if step == "stale":
        return False  # acknowledged, resolved or already climbed
    if step == "exhausted":
        await _write(session, exhausted_rows(escalation, now=now))
        return True
    assert policy is not None
    return await _climb(session, config, policy, escalation, step, now=now, reason="ack_timeout")


async def _climb(
    session: AsyncSession,
    config: EscalationConfig,
    policy: Policy,
    escalation: store.Escalation,
    step: Step,
    *,
    now: datetime,
    reason: str,
) -> bool:
    """Climb to ``step`` unless the escalation changed since it was read (False then)."""
    climb = plan_climb(config, policy, escalation, step, now=now)
    before = snapshot(escalation)
    won = await store.change_escalation_if(
        session, escalation.id, expected=climb.expected, changes=climb.changes
    )
    if not won:
        return False
    await session.refresh(escalation)
    rows = climb_rows(config, policy, escalation, climb, before=before, reason=reason, now=now)
    await _write(session, rows)
    return True


async def _on_reminder(
    session: AsyncSession,
    config: EscalationConfig,
    policy: Policy | None,
    escalation: store.Escalation,
    timer: store.EscalationTimer,
    now: datetime,
) -> bool:
    decision = reminder_decision(config, policy, escalation, now=now)
    if decision is None:
        return False
    if isinstance(decision, Snoozed):
        await store.add_timer_once(session, reminder_timer(escalation, due=decision.until))
        return False
    await _write(session, reminder_rows(config, escalation, decision, now=now))
    return True


async def _on_sla(
    session: AsyncSession,
    config: EscalationConfig,
    policy: Policy | None,
    escalation: store.Escalation,
    timer: store.EscalationTimer,
    now: datetime,
) -> bool:
    action = sla_action(policy, escalation, timer)
    if action is None:
        return False
    if (
        policy is not None
        and action.step is not None
        and await _climb(
            session, config, policy, escalation, action.step, now=now, reason=action.reason
        )
    ):
        return True
    await _write(session, sla_escalated_rows(escalation, reason=action.reason, now=now))
    return True


_HANDLERS: dict[str, TimerHandler] = {
    "ack_timeout": _on_ack_timeout,
    "reminder": _on_reminder,
    "sla_at_risk": _on_sla,
    "sla_breached": _on_sla,
}
