"""Topic names (before the configured prefix)."""

TICKETS_RECEIVED = "tickets.received"
TICKETS_TRIAGED = "tickets.triaged"
ESCALATIONS = "escalations"
TRENDS = "trends"

ALL_TOPICS = (TICKETS_RECEIVED, TICKETS_TRIAGED, ESCALATIONS, TRENDS)


def dlq(topic: str) -> str:
    return f"{topic}.dlq"
