"""Moved to tests/support/escalation.py: kept only for test files being edited elsewhere at
the time of the move. Import from tests.support.escalation instead; delete this module once
nothing imports it."""

from tests.support.escalation import (
    SCHEDULES_YAML,
    START,
    WEBHOOK_SECRET,
    WEBHOOK_SECRET_ENV,
    FakeClock,
    Receiver,
    page,
    policies_yaml,
    running_receiver,
    write_escalation_config,
)
from tests.support.helpers import free_port

__all__ = [
    "SCHEDULES_YAML",
    "START",
    "WEBHOOK_SECRET",
    "WEBHOOK_SECRET_ENV",
    "FakeClock",
    "Receiver",
    "free_port",
    "page",
    "policies_yaml",
    "running_receiver",
    "write_escalation_config",
]
