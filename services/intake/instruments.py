"""Intake's own instruments."""

from prometheus_client import CollectorRegistry, Counter


class WebhookCounter:
    """vigil_intake_webhooks_total{channel,outcome} with its children bound once: both
    labels come from small fixed sets (configured channels, OUTCOMES)."""

    def __init__(self, counter: Counter) -> None:
        self._counter = counter
        self._children: dict[tuple[str, str], Counter] = {}

    def inc(self, channel: str, outcome: str) -> None:
        child = self._children.get((channel, outcome))
        if child is None:
            child = self._children[(channel, outcome)] = self._counter.labels(channel, outcome)
        child.inc()


def webhook_counter(registry: CollectorRegistry) -> WebhookCounter:
    return WebhookCounter(
        Counter(
            "vigil_intake_webhooks_total",
            "Webhook deliveries by configured channel and outcome (accepted, ignored, "
            "unauthenticated, too_large, unsupported_media_type, invalid, rate_limited, "
            "broker_unavailable).",
            ["channel", "outcome"],
            registry=registry,
        )
    )
