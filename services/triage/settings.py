from shared.settings import VigilSettings


class TriageSettings(VigilSettings):
    """Triage has no settings of its own yet; rules files arrive with the rules engine."""
