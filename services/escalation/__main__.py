"""``python -m services.escalation``: run the escalation service alone (distributed mode)."""

from services.runner import serve

serve("escalation")
