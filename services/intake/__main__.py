"""``python -m services.intake``: run the intake service alone (distributed mode)."""

from services.runner import serve

serve("intake")
