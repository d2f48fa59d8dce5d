"""Escalation's background work, one job each, run by shared.jobs: the outbox relay, the
timer scheduler and the notification worker."""

from services.escalation import delivery, outbox, timers
from services.escalation.state import EscalationState
from shared.jobs import run_every


async def run_outbox_relay(state: EscalationState) -> None:
    await run_every(
        "outbox",
        interval_seconds=state.settings.outbox_relay_interval_seconds,
        one_pass=lambda: outbox.relay_unpublished(state),
    )


async def run_timer_scheduler(state: EscalationState) -> None:
    """Fires due timers (ack timeouts, reminders, SLA clocks); safe with many replicas."""

    async def one_pass() -> None:
        fired = await timers.fire_due_timers(state.db, state.config, now=state.clock())
        for escalation_id in set(fired):
            await outbox.publish_pending(state, escalation_id)

    await run_every(
        "timers", interval_seconds=state.settings.timer_interval_seconds, one_pass=one_pass
    )


async def run_notification_worker(state: EscalationState) -> None:
    def count(channel: str, outcome: str) -> None:
        state.instruments.notifications.labels(channel, outcome).inc()

    async def one_pass() -> None:
        touched = await delivery.deliver_due(
            state.db, state.config, state.sender, clock=state.clock, on_final=count
        )
        for escalation_id in set(touched):
            await outbox.publish_pending(state, escalation_id)

    try:
        await run_every(
            "notifications",
            interval_seconds=state.settings.notification_interval_seconds,
            one_pass=one_pass,
        )
    finally:
        await state.sender.close()
