"""Per-channel rate limits: a token bucket per channel over an injected monotonic clock,
and the Retry-After a refused request is told. Pure."""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from services.intake.domain import Channel


@dataclass
class TokenBucket:
    """A token bucket over an injected monotonic clock (seconds)."""

    rate: float
    burst: int
    tokens: float = field(init=False)
    updated: float | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.tokens = float(self.burst)

    def take(self, *, now: float) -> float:
        """Take one token: 0.0 if allowed, else the seconds until one is available."""
        if self.updated is not None:
            self.tokens = min(float(self.burst), self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate


def retry_after_header(wait_seconds: float) -> str:
    return str(max(1, math.ceil(wait_seconds)))


class RateLimiter:
    """One bucket per channel, in this process (each replica limits on its own)."""

    def __init__(self, channels: Mapping[str, Channel]) -> None:
        self._buckets = {
            name: TokenBucket(
                rate=channel.config.rate_limit.requests_per_second,
                burst=channel.config.rate_limit.burst,
            )
            for name, channel in channels.items()
            if channel.config.rate_limit is not None
        }

    def take(self, channel: str, *, now: float) -> float:
        bucket = self._buckets.get(channel)
        return 0.0 if bucket is None else bucket.take(now=now)
