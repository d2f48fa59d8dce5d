"""``python -m services.metrics``: run the metrics service alone (distributed mode)."""

from services.runner import serve

serve("metrics")
