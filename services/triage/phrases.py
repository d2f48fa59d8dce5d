"""Normalised text and the lexicons' phrase language.

Text is normalised (case, accents and the letters Unicode does not decompose, such as
Polish "ł", Vietnamese "đ", the Turkish dotless i and German "ß"; leetspeak, spaced-out
letters) while keeping a map back to the original characters, so the evidence quoted in a
reason is what the reporter actually wrote. A phrase is words separated by spaces: ``|``
separates the alternatives of one word, ``-`` joins words into one alternative, a trailing
``?`` makes a word optional and ``*`` a prefix; repeated letters are matched by the
compiled patterns themselves.
"""

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache

_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"}
_LEET_CANDIDATES = re.compile("[" + re.escape("".join(_LEET)) + "]")
_WORD_START = re.compile(r"(?<!\w)(\w)\1*(.?)")
_SEPARATORS = " .-_*"
_SPACED = re.compile(r"(?<!\w)(?:\w[ .\-_*]){2,}\w(?!\w)")


@dataclass(frozen=True)
class NormalisedText:
    text: str
    origin: tuple[int, ...]  # origin[i]: index in the original text of text[i]
    original: str

    def quote(self, start: int, end: int) -> str:
        """The original characters behind ``text[start:end]``, lower-cased."""
        return self.original[self.origin[start] : self.origin[end - 1] + 1].lower()

    @cached_property
    def word_starts(self) -> dict[str, list[int]]:
        """Where the words of ``text`` begin (the only places a phrase can match), by the
        word's opening: its first character, and the same with the next different
        character ("kiill" is under "k" and "ki")."""
        starts: dict[str, list[int]] = {}
        for match in _WORD_START.finditer(self.text):
            first, second = match.groups()
            starts.setdefault(first, []).append(match.start())
            if second:
                starts.setdefault(first + second, []).append(match.start())
        return starts


# Letters Unicode does not decompose into a base letter and an accent, folded like the
# accented ones: "zabiłem" is "zabilem", "đâm" is "dam", "weiß" is "weiss", and the Turkish
# dotless i (U+0131) is "i".
_BASE_LETTERS = str.maketrans({"ł": "l", "đ": "d", "\u0131": "i", "ß": "ss"})


@lru_cache(maxsize=4096)
def _fold(character: str) -> str:
    """Lower case without accents; may return several characters or none."""
    decomposed = unicodedata.normalize("NFKD", character.lower().translate(_BASE_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalise(original: str) -> NormalisedText:
    # ASCII (most reports) folds with one str.lower; other text character by character
    # through a cache. Leetspeak is undone only where a candidate character stands.
    pieces = list(original.lower()) if original.isascii() else [_fold(c) for c in original]
    for candidate in _LEET_CANDIDATES.finditer(original):
        index = candidate.start()
        if _next_to_letter(original, index):
            pieces[index] = _LEET[original[index]]
    text = "".join(pieces)
    if original.isascii() or all(len(piece) == 1 for piece in pieces):
        origin: tuple[int, ...] = tuple(range(len(text)))
    else:
        origin = tuple(index for index, piece in enumerate(pieces) for _ in piece)
    if _SPACED.search(text) is None:
        return NormalisedText(text=text, origin=origin, original=original)
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


def _opening(phrase: str, alternative: str) -> tuple[str, str | None]:
    """How a match of one alternative of a word begins: its first character and the next
    different character (None when the word may be a single character)."""
    stem = _fold(alternative.rstrip("*"))
    letters = [c for c in stem if c.isalnum()]
    if not letters:
        raise ValueError(f"{phrase!r}: word {alternative!r} has no letter or digit")
    rest = stem[stem.index(letters[0]) :].lstrip(letters[0])
    if not rest or not rest[0].isalnum():
        return (letters[0], None)  # "y'all": an optional separator follows
    return (letters[0], rest[0])


def _openings(phrase: str) -> set[tuple[str, str | None]]:
    """How a match of ``phrase`` can begin in normalised text: its first character and the
    next different character (None when the first word may be a single character)."""
    openings: set[tuple[str, str | None]] = set()
    for token in phrase.split():
        optional = token.endswith("?") and len(token) > 1
        for alternative in (token[:-1] if optional else token).split("|"):
            openings.add(_opening(phrase, alternative))
        if not optional:
            return openings
    return openings


def _by_opening(phrase: str, keys: Callable[[tuple[str, str | None]], str]) -> dict[str, str]:
    """``phrase`` once per bucket key its first word opens with, each keeping only that
    key's alternatives of the first word ("kill|matar|tuer you" is "kill you" under "ki",
    "matar you" under "ma"...): the same matches, but a bucket tries only the alternatives
    that can begin there, so a word listed in eleven languages costs little. A phrase whose
    first word is optional is kept whole under each of its keys."""
    first, *rest = phrase.split()
    if first.endswith("?") and len(first) > 1:
        return {key: phrase for key in sorted({keys(o) for o in _openings(phrase)})}
    grouped: dict[str, list[str]] = {}
    for alternative in first.split("|"):
        grouped.setdefault(keys(_opening(phrase, alternative)), []).append(alternative)
    return {key: " ".join(["|".join(alternatives), *rest]) for key, alternatives in grouped.items()}


def _worth_trying(seconds: dict[str, set[str | None]]) -> frozenset[str]:
    """The word openings (see :attr:`NormalisedText.word_starts`) worth a regex call: the
    first character alone where a phrase may begin with a one-character word ("a", "12"
    is two), else the first two characters."""
    openings: set[str] = set()
    for first, following in seconds.items():
        if None in following:
            openings.add(first)
        else:
            openings.update(first + second for second in following if second is not None)
    return frozenset(openings)


class PhraseMatcher:
    """Phrases of the lexicon language, compiled once into one alternation per word opening
    (first two characters, see :attr:`NormalisedText.word_starts`) and tried only where a
    word with that opening begins: a report is scanned word by word, not character by
    character against every phrase."""

    def __init__(self, phrases: Iterable[str]) -> None:
        phrases = list(phrases)
        seconds: dict[str, set[str | None]] = {}
        for phrase in phrases:
            for first, second in _openings(phrase):
                seconds.setdefault(first, set()).add(second)
        self._openings = _worth_trying(seconds)

        def key(opening: tuple[str, str | None]) -> str:
            first, second = opening
            return first if first in self._openings else f"{first}{second}"

        buckets: dict[str, list[str]] = {}
        for phrase in phrases:
            for bucket, variant in _by_opening(phrase, key).items():
                buckets.setdefault(bucket, []).append(compile_phrase(variant))
        self._buckets = {key: re.compile("|".join(group)) for key, group in buckets.items()}

    def spans(self, normalised: NormalisedText) -> list[tuple[int, int]]:
        """Non-overlapping matches, leftmost first (like ``finditer``)."""
        starts = normalised.word_starts
        candidates = [
            (start, opening)
            for opening in self._openings & starts.keys()
            for start in starts[opening]
        ]
        candidates.sort()
        text, buckets = normalised.text, self._buckets
        spans: list[tuple[int, int]] = []
        end = 0
        for start, opening in candidates:
            if start < end:
                continue
            match = buckets[opening].match(text, start)
            if match is not None and match.end() > start:
                end = match.end()
                spans.append((start, end))
        return spans
