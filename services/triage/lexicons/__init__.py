"""Safety lexicons: phrases per category and language, in a small phrase language.

A phrase is words separated by spaces. A word may list alternatives (``kill|shoot``), end
in ``*`` (any word ending: ``suicid*``) or in ``?`` (optional word: ``a|an?``). Letters
match repeated (``kill`` matches ``kiiill``), accents are ignored, leetspeak and spaced-out
letters are undone before matching (see :mod:`services.triage.detectors`). ``exclude``
phrases are idioms that overlap a match and cancel it ("kill the process").

These lists ship with the code, not in ``rules.yaml``: no rules file can weaken them.
"""

from services.triage.lexicons.child_safety import CHILD_SAFETY
from services.triage.lexicons.self_harm import SELF_HARM
from services.triage.lexicons.threat_to_life import THREAT_TO_LIFE
from services.triage.lexicons.types import Lexicon

LANGUAGES = ("en", "es", "pt", "id", "fr", "de", "it", "nl", "pl", "tr", "vi")

SAFETY_LEXICONS: tuple[Lexicon, ...] = (THREAT_TO_LIFE, SELF_HARM, CHILD_SAFETY)

__all__ = ["LANGUAGES", "SAFETY_LEXICONS", "Lexicon"]
