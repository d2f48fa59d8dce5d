from pydantic import Field

from services.metrics.trends import TrendPolicy
from shared.settings import VigilSettings


class MetricsSettings(VigilSettings):
    """Trend windows and how often the state gauges are recomputed from the database."""

    trend_window_seconds: int = Field(default=300, gt=0)
    trend_baseline_windows: int = Field(default=12, ge=3)
    trend_threshold: float = Field(default=5.0, gt=0)
    trend_min_count: int = Field(default=10, ge=1)
    gauge_refresh_seconds: float = Field(default=2.0, gt=0)
    trend_relay_seconds: float = Field(default=1.0, gt=0)

    def trend_policy(self) -> TrendPolicy:
        return TrendPolicy(
            window_seconds=self.trend_window_seconds,
            baseline_windows=self.trend_baseline_windows,
            threshold=self.trend_threshold,
            min_count=self.trend_min_count,
        )
