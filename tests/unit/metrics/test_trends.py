"""Trend detection on generated series: spikes are found, steady series never alarm."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from services.metrics.trends import (
    TrendPolicy,
    baseline_of,
    evaluate,
    history_windows,
    series_for,
    window_start,
)

POLICY = TrendPolicy(window_seconds=300, baseline_windows=12, threshold=5.0, min_count=10)


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method: enough for the small means of a support channel's 5-minute window."""
    limit, count, product = pow(2.718281828459045, -mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def alarms(series: list[int], policy: TrendPolicy = POLICY) -> list[int]:
    """Indexes of the windows the detector flags, each judged against the ones before it."""
    flagged = []
    for index in range(policy.baseline_windows, len(series)):
        history = series[index - policy.baseline_windows : index]
        if evaluate(history=history, count=series[index], policy=policy).is_spike:
            flagged.append(index)
    return flagged


@pytest.mark.parametrize("mean", [2.0, 8.0, 25.0, 80.0])
def test_a_steady_series_never_alarms(mean: float) -> None:
    rng = random.Random(f"steady-{mean}")
    series = [poisson(rng, mean) for _ in range(2000)]
    assert alarms(series) == []


@pytest.mark.parametrize(("mean", "spike"), [(2.0, 15), (8.0, 30), (25.0, 60), (80.0, 140)])
def test_a_spike_is_detected_in_its_window(mean: float, spike: int) -> None:
    rng = random.Random(f"spike-{mean}")
    series = [poisson(rng, mean) for _ in range(200)]
    series[150] = spike
    assert alarms(series) == [150]


def test_a_daily_rhythm_without_spikes_does_not_alarm() -> None:
    rng = random.Random("rhythm")
    # 5-minute windows over three days: the rate climbs and falls smoothly with the day.
    series = []
    for index in range(3 * 288):
        hour = (index % 288) / 12
        mean = 5 + 20 * max(0.0, 1 - abs(hour - 14) / 8)
        series.append(poisson(rng, mean))
    assert alarms(series) == []


def test_a_quiet_channel_needs_the_minimum_count() -> None:
    quiet = [0] * 12
    assert not evaluate(history=quiet, count=9, policy=POLICY).is_spike
    verdict = evaluate(history=quiet, count=10, policy=POLICY)
    assert verdict.is_spike
    assert verdict.score == pytest.approx(10.0)


def test_one_outlier_in_the_baseline_does_not_mask_a_spike() -> None:
    history = [10, 11, 9, 10, 200, 10, 12, 9, 10, 11, 10, 9]
    assert baseline_of(history).median == 10.0
    assert evaluate(history=history, count=40, policy=POLICY).is_spike


def test_the_score_uses_the_mad_when_it_is_wider_than_poisson() -> None:
    baseline = baseline_of([10, 30, 10, 30, 10, 30, 10, 30, 10, 30, 10, 30])
    assert baseline.median == 20.0
    assert baseline.mad == 10.0
    assert baseline.scale == pytest.approx(14.826)


def test_windows_are_aligned_and_missing_windows_count_as_zero() -> None:
    at = datetime(2026, 1, 5, 10, 7, 31, tzinfo=UTC)
    current = window_start(at, window_seconds=300)
    assert current == datetime(2026, 1, 5, 10, 5, tzinfo=UTC)
    windows = history_windows(current, policy=POLICY)
    assert windows[0] == current - timedelta(minutes=60)
    assert windows[-1] == current - timedelta(minutes=5)
    series = series_for({windows[-1]: 7, windows[0]: 3}, current=current, policy=POLICY)
    assert series == [3, *[0] * 10, 7]


def test_a_policy_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="baseline_windows"):
        TrendPolicy(baseline_windows=1)
