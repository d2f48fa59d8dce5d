from pydantic import Field

from shared.settings import VigilSettings


class IntakeSettings(VigilSettings):
    retry_after_seconds: int = Field(
        default=5, ge=1, description="Retry-After sent with a 503 when the broker is down."
    )
