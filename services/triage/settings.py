from pydantic import Field

from shared.settings import VigilSettings


class TriageSettings(VigilSettings):
    """Triage's own settings (``VIGIL_`` prefix like every other)."""

    rules_poll_seconds: float = Field(
        default=2.0,
        gt=0,
        description="How often rules.yaml and the database's active rules are checked.",
    )
    simulate_max_tickets: int = Field(
        default=5000, ge=1, description="Upper bound on POST /v1/rules/simulate's 'last'."
    )
    override_relay_seconds: float = Field(
        default=1.0, gt=0, description="How often unpublished override events are re-sent."
    )
