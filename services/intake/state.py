"""Intake's typed state: the base service state plus its channels, rate limiter, clocks
and webhook counter."""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from services.intake.domain import Channel
from services.intake.instruments import WebhookCounter
from services.intake.ratelimit import RateLimiter
from services.intake.settings import IntakeSettings
from shared.events import utcnow
from shared.service import ServiceState


@dataclass(kw_only=True)
class IntakeState(ServiceState):
    settings: IntakeSettings
    channels: dict[str, Channel]
    rate_limiter: RateLimiter
    webhooks: WebhookCounter
    # Signature timestamps are checked against ``clock``; ``monotonic`` drives rate limits.
    clock: Callable[[], datetime] = utcnow
    monotonic: Callable[[], float] = field(default=time.monotonic)
