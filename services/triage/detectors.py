"""Safety detectors: threat to life, self-harm and child safety, in five languages.

Text is normalised first (case, accents, leetspeak, spaced-out letters) while keeping a map
back to the original characters, so the evidence quoted in a reason is what the reporter
actually wrote. Repeated letters are handled by the compiled patterns themselves.

Negation does not silence a safety detector: "I'm not going to kill myself" still reaches a
person, with the negation named in the reason. A missed case costs far more than a review.
"""

import re
import unicodedata
from dataclasses import dataclass

from services.triage.lexicons import SAFETY_LEXICONS, Lexicon

_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"}
_SEPARATORS = " .-_*"
_SPACED = re.compile(r"(?<!\w)(?:\w[ .\-_*]){2,}\w(?!\w)")
_NEGATIONS = frozenset(
    {
        *("not", "never", "no", "don't", "dont", "didn't", "didnt", "won't", "wont"),
        *("wouldn't", "isn't", "nunca", "jamas", "nao", "tidak", "tak", "bukan"),
        *("gak", "nggak", "ga", "pas", "jamais"),
    }
)
_NEGATION_WINDOW = 3


@dataclass(frozen=True)
class NormalisedText:
    text: str
    origin: tuple[int, ...]  # origin[i]: index in the original text of text[i]
    original: str

    def quote(self, start: int, end: int) -> str:
        """The original characters behind ``text[start:end]``, lower-cased."""
        return self.original[self.origin[start] : self.origin[end - 1] + 1].lower()


@dataclass(frozen=True)
class Detection:
    category: str
    queue: str
    evidence: tuple[str, ...]
    negated: tuple[str, ...]


def _fold(character: str) -> str:
    """Lower case without accents; may return several characters or none."""
    decomposed = unicodedata.normalize("NFKD", character.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalise(original: str) -> NormalisedText:
    chars: list[str] = []
    origin: list[int] = []
    for index, character in enumerate(original):
        if character in _LEET and _next_to_letter(original, index):
            folded = _LEET[character]
        else:
            folded = _fold(character)
        for piece in folded:
            chars.append(piece)
            origin.append(index)
    text = "".join(chars)
    # "k i l l" / "k.i.l.l" -> "kill": drop the separators inside runs of single letters.
    keep = [True] * len(text)
    for run in _SPACED.finditer(text):
        for offset in range(run.start() + 1, run.end(), 2):
            keep[offset] = False
    kept = [i for i, flag in enumerate(keep) if flag]
    return NormalisedText(
        text="".join(text[i] for i in kept),
        origin=tuple(origin[i] for i in kept),
        original=original,
    )


def _next_to_letter(text: str, index: int) -> bool:
    """A letter right beside it ("k1ll"), or, for a character standing alone, one separator
    away ("k 1 l l"); never inside a number ("a 13 year old")."""

    def at(position: int) -> str:
        return text[position] if 0 <= position < len(text) else ""

    if at(index - 1).isdigit() or at(index + 1).isdigit():
        return False  # part of a number ("14yo", "24/7"), not leetspeak
    if at(index - 1).isalpha() or at(index + 1).isalpha():
        return True
    if at(index - 1).isalnum() or at(index + 1).isalnum():
        return False
    return any(
        at(index + step) in _SEPARATORS and at(index + 2 * step).isalpha() for step in (-1, 1)
    )


# --- the phrase language ----------------------------------------------------------------


def _word_pattern(word: str) -> str:
    wildcard = word.endswith("*")
    stem = _fold(word.rstrip("*"))
    parts: list[str] = []
    for character in stem:
        if character.isalnum():
            parts.append(re.escape(character) + "+")
        else:
            parts.append(r"\W?")
    return "".join(parts) + (r"\w*" if wildcard else "")


def compile_phrase(phrase: str) -> str:
    """A phrase of the lexicon language as a regular expression over normalised text."""
    pattern = ""
    pending_separator = False
    for token in phrase.split():
        optional = token.endswith("?") and len(token) > 1
        alternatives = token[:-1] if optional else token
        group = "(?:" + "|".join(_word_pattern(alt) for alt in alternatives.split("|")) + ")"
        if optional:
            pattern += f"(?:\\W+{group})?" if pending_separator else f"(?:{group}\\W+)?"
            continue
        pattern += (r"\W+" if pending_separator else "") + group
        pending_separator = True
    return r"(?<!\w)(?:" + pattern + r")(?!\w)"


@dataclass(frozen=True)
class _Compiled:
    include: re.Pattern[str]
    exclude: re.Pattern[str] | None
    near: tuple[tuple[re.Pattern[str], re.Pattern[str], int], ...]


def _alternation(phrases: tuple[str, ...] | list[str]) -> re.Pattern[str]:
    return re.compile("|".join(compile_phrase(phrase) for phrase in phrases))


_COMPILED: dict[int, _Compiled] = {}


def _compiled(lexicon: Lexicon) -> _Compiled:
    key = id(lexicon)
    if key not in _COMPILED:
        phrases = [phrase for language in lexicon.phrases.values() for phrase in language]
        _COMPILED[key] = _Compiled(
            include=_alternation(phrases),
            exclude=_alternation(lexicon.exclude) if lexicon.exclude else None,
            near=tuple(
                (_alternation(near.first), _alternation(near.second), near.words)
                for near in lexicon.near
            ),
        )
    return _COMPILED[key]


def _near_spans(
    first: re.Pattern[str], second: re.Pattern[str], words: int, text: str
) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    seconds = _spans(second, text)
    for a in _spans(first, text):
        for b in seconds:
            gap = text[min(a[1], b[1]) : max(a[0], b[0])]
            if _overlaps(a, [b]) or len(re.findall(r"\w+", gap)) <= words:
                spans.append((min(a[0], b[0]), max(a[1], b[1])))
                break
    return spans


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    position = 0
    while position <= len(text):
        match = pattern.search(text, position)
        if match is None:
            break
        if match.end() > match.start():
            spans.append((match.start(), match.end()))
        position = max(match.end(), match.start() + 1)
    return spans


def _overlaps(span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in others)


def _negation_before(text: str, start: int) -> str | None:
    words: list[str] = re.findall(r"[\w']+", text[:start])[-_NEGATION_WINDOW:]
    for word in reversed(words):
        if word in _NEGATIONS:
            return word
    return None


def detect(
    text: str,
    *,
    lexicons: tuple[Lexicon, ...] = SAFETY_LEXICONS,
    normalised: NormalisedText | None = None,
) -> list[Detection]:
    """Every safety category whose lexicon matches ``text``, in lexicon order."""
    normalised = normalised or normalise(text)
    spans_by_category: dict[str, list[tuple[int, int]]] = {}
    for lexicon in lexicons:
        compiled = _compiled(lexicon)
        spans = _spans(compiled.include, normalised.text)
        for first, second, words in compiled.near:
            found = _near_spans(first, second, words, normalised.text)
            spans.extend(span for span in found if not _overlaps(span, spans))
        if compiled.exclude is not None and spans:
            excluded = _spans(compiled.exclude, normalised.text)
            spans = [span for span in spans if not _overlaps(span, excluded)]
        spans_by_category[lexicon.category] = spans
    detections: list[Detection] = []
    for lexicon in lexicons:
        spans = spans_by_category[lexicon.category]
        for stronger in lexicon.yields_to:
            stronger_spans = spans_by_category.get(stronger, [])
            spans = [span for span in spans if not _overlaps(span, stronger_spans)]
        if not spans:
            continue
        evidence = sorted({normalised.quote(start, end) for start, end in spans})
        negated = sorted(
            {
                word
                for start, _ in spans
                if (word := _negation_before(normalised.text, start)) is not None
            }
        )
        detections.append(
            Detection(
                category=lexicon.category,
                queue=lexicon.queue,
                evidence=tuple(evidence),
                negated=tuple(negated),
            )
        )
    return detections
