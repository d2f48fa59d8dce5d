from shared.settings import VigilSettings


class MetricsSettings(VigilSettings):
    """The metrics service has no settings of its own yet; trend windows come with trends."""
