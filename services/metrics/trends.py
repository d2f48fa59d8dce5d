"""Trend detection, pure: is this window's count of one category x channel a spike?

Tickets are counted per (category, channel) in fixed windows by their receipt time. The
baseline of a window is the ``baseline_windows`` windows before it (empty windows count as
zero). The score is a robust z-score: (count - median) / scale, where the scale is the
median absolute deviation (x1.4826, its normal-consistent form) floored by the Poisson
standard deviation of the median, so that a steady, quiet series (MAD 0) does not alarm on
one extra ticket. A window is a spike when its score reaches ``threshold`` and it has at
least ``min_count`` tickets.
"""

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

MAD_TO_SIGMA = 1.4826


@dataclass(frozen=True)
class TrendPolicy:
    window_seconds: int = 300
    baseline_windows: int = 12
    threshold: float = 5.0
    min_count: int = 10

    def __post_init__(self) -> None:
        if self.window_seconds <= 0 or self.baseline_windows < 3:
            raise ValueError("window_seconds must be > 0 and baseline_windows >= 3")
        if self.threshold <= 0 or self.min_count < 1:
            raise ValueError("threshold must be > 0 and min_count >= 1")


@dataclass(frozen=True)
class Baseline:
    median: float
    mad: float
    scale: float


@dataclass(frozen=True)
class Verdict:
    count: int
    baseline: Baseline
    score: float
    is_spike: bool


def window_start(at: datetime, *, window_seconds: int) -> datetime:
    """The start of the window holding ``at`` (windows are aligned to the Unix epoch)."""
    epoch = at.astimezone(UTC).timestamp()
    return datetime.fromtimestamp(epoch - epoch % window_seconds, UTC)


def baseline_of(history: Sequence[int]) -> Baseline:
    if not history:
        return Baseline(median=0.0, mad=0.0, scale=1.0)
    median = float(statistics.median(history))
    mad = float(statistics.median(abs(value - median) for value in history))
    scale = max(MAD_TO_SIGMA * mad, math.sqrt(max(median, 1.0)))
    return Baseline(median=median, mad=mad, scale=scale)


def evaluate(*, history: Sequence[int], count: int, policy: TrendPolicy) -> Verdict:
    """``history``: the counts of the baseline windows, oldest first, zeros included."""
    baseline = baseline_of(history)
    score = (count - baseline.median) / baseline.scale
    is_spike = count >= policy.min_count and score >= policy.threshold
    return Verdict(count=count, baseline=baseline, score=round(score, 3), is_spike=is_spike)


def history_windows(current: datetime, *, policy: TrendPolicy) -> list[datetime]:
    """The starts of the baseline windows before ``current``, oldest first."""
    step = timedelta(seconds=policy.window_seconds)
    return [current - step * back for back in range(policy.baseline_windows, 0, -1)]


def series_for(counts: dict[datetime, int], *, current: datetime, policy: TrendPolicy) -> list[int]:
    """The baseline counts before ``current`` from sparse per-window counts."""
    return [counts.get(start, 0) for start in history_windows(current, policy=policy)]
