"""``python -m services.triage``: run the triage service alone (distributed mode)."""

from services.runner import serve

serve("triage")
