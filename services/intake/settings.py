from pydantic import Field

from shared.settings import VigilSettings


class IntakeSettings(VigilSettings):
    retry_after_seconds: int = Field(
        default=5, ge=1, description="Retry-After sent with a 503 when the broker is down."
    )
    gc_gen0_threshold: int = Field(
        default=20_000,
        ge=0,
        description="Raise the interpreter's generation-0 garbage collection threshold to this "
        "at start-up (never lowers it; 0 leaves it alone). With the default 700, collections "
        "took about a quarter of intake's CPU under load: hundreds of requests in flight, each "
        "waiting for the broker, keep many young objects alive. Process-wide.",
    )
