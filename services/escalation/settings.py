from pydantic import Field

from shared.settings import VigilSettings


class EscalationSettings(VigilSettings):
    outbox_relay_interval_seconds: float = Field(
        default=1.0, gt=0, description="How often events left unsent are retried."
    )
    timer_interval_seconds: float = Field(
        default=1.0, gt=0, description="How often the scheduler looks for due timers."
    )
    notification_interval_seconds: float = Field(
        default=0.5, gt=0, description="How often due notifications are sent."
    )
