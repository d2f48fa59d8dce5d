"""The trained safety classifier behind the lexicons.

Keyword lexicons catch the explicit wording of a threat, a suicidal thought or grooming, but
people paraphrase ("you won't see Christmas", "she gave her cat away and said thanks for
everything"). This model scores every report so that a paraphrase the lexicons miss still
reaches a person: when the probability that a report is about any safety category reaches
the review threshold of the most likely category, that category goes to the review tier
(``safety-review`` queue): at P1, paged by escalation, when the probability also reaches
that category's paging threshold, else at P2 for the safety team to clear without waking
anyone. Each category has its own pair of thresholds, calibrated by cross-validation on the
reports the lexicons leave to the model (see :mod:`services.triage.train_model`): paging
where nine flags in ten were real and almost no benign report was paged, review where few
benign reports reach the queue. It never sends a report straight to P0 and never lowers
what a lexicon decided.

The model is a multinomial logistic regression over two TF-IDF blocks of the normalised
text (case, accents, leetspeak and spacing undone by
:func:`services.triage.detectors.normalise`, letter runs collapsed): character n-grams of
each word, and words with word pairs. Each block is weighted ``(1 + log tf) * idf`` and
scaled to unit length, as scikit-learn's ``TfidfVectorizer(sublinear_tf=True)`` does. It is
trained by ``python -m services.triage.train_model`` and shipped as
``safety_model.json.gz``; scoring needs nothing but the standard library.
"""

import gzip
import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

MODEL_PATH = Path(__file__).with_name("safety_model.json.gz")
SAFETY_CLASSES = ("threat_to_life", "self_harm", "child_safety")

_WORD = re.compile(r"\w+")
_LETTER_RUN = re.compile(r"(\w)\1+")
_CHAR_GRAMS = (3, 4, 5)
_LONGEST_WORD = 30
_EVIDENCE_WORDS = 3


class Token(NamedTuple):
    word: str  # letter runs collapsed
    start: int  # span in the normalised text
    end: int


def tokens(normalised_text: str) -> list[Token]:
    """The words of a normalised text, each letter run collapsed to one letter ("killlll",
    "kill" -> "kil") so drawn-out spellings share features with the plain word."""
    collapse, new = _collapse, Token._make
    return [new((collapse(m.group()), m.start(), m.end())) for m in _WORD.finditer(normalised_text)]


@lru_cache(maxsize=65536)
def _collapse(word: str) -> str:
    return _LETTER_RUN.sub(r"\1", word)


@lru_cache(maxsize=65536)
def char_grams(word: str) -> tuple[str, ...]:
    """A word's character n-grams, padded with spaces so its start and end are features."""
    padded = f" {word[:_LONGEST_WORD]} "
    return tuple(padded[i : i + n] for n in _CHAR_GRAMS for i in range(len(padded) - n + 1))


def char_features(words: Iterable[Token]) -> list[str]:
    return [gram for token in words for gram in char_grams(token.word)]


def word_features(words: list[Token]) -> list[str]:
    pairs = (f"{first.word} {second.word}" for first, second in itertools.pairwise(words))
    return [*(token.word for token in words), *pairs]


BLOCKS = {"chars": char_features, "words": word_features}


@dataclass(frozen=True)
class Block:
    """One TF-IDF block: per feature its idf, then its weight for each of the three safety
    classes."""

    table: dict[str, tuple[float, float, float, float]]
    # Per feature (idf squared, idf * each weight): what a feature seen once adds.
    _scaled: dict[str, tuple[float, float, float, float]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        scaled = {
            feature: (idf * idf, idf * first, idf * second, idf * third)
            for feature, (idf, first, second, third) in self.table.items()
        }
        object.__setattr__(self, "_scaled", scaled)

    def logits(self, features: list[str]) -> tuple[float, float, float]:
        """This block's contribution to the three logits, in one pass (the hot path)."""
        scaled = self._scaled
        log = math.log
        squares = first = second = third = 0.0
        for feature, count in Counter(features).items():
            row = scaled.get(feature)
            if row is None:
                continue
            idf_squared, a, b, c = row
            if count == 1:
                squares += idf_squared
                first += a
                second += b
                third += c
            else:
                weight = 1.0 + log(count)  # sublinear tf
                squares += weight * weight * idf_squared
                first += weight * a
                second += weight * b
                third += weight * c
        if not squares:
            return (0.0, 0.0, 0.0)
        norm = math.sqrt(squares)
        return (first / norm, second / norm, third / norm)


@dataclass(frozen=True)
class Thresholds:
    """One category's thresholds on the probability of any safety category."""

    review: float  # at or above: on the safety-review queue (P2)
    page: float  # at or above: paged (P1)


@dataclass(frozen=True)
class Score:
    category: str  # the most likely safety category
    safety_probability: float  # of any safety category, what the thresholds apply to
    pages: bool  # confident enough to page someone (at or above its paging threshold)


@dataclass(frozen=True)
class SafetyModel:
    version: str
    classes: tuple[str, ...]
    bias: tuple[float, ...]  # logits relative to "none"
    blocks: dict[str, Block]
    thresholds: dict[str, Thresholds]  # per safety category

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> "SafetyModel":
        classes = tuple(document["classes"])
        if sorted(classes) != sorted(SAFETY_CLASSES):
            raise ValueError(f"safety model classes {classes} are not {SAFETY_CLASSES}")
        if len(document["bias"]) != len(classes):
            raise ValueError(f"safety model has {len(document['bias'])} biases, not 3")
        thresholds = _thresholds(document["thresholds"])
        if set(document["blocks"]) != set(BLOCKS):
            raise ValueError(f"safety model blocks {sorted(document['blocks'])} != {BLOCKS}")
        blocks = {
            name: Block(table={feature: _row(values) for feature, values in block.items()})
            for name, block in document["blocks"].items()
        }
        return cls(
            version=str(document["version"]),
            classes=classes,
            bias=tuple(float(b) for b in document["bias"]),
            blocks=blocks,
            thresholds=thresholds,
        )

    def probabilities(self, normalised_text: str) -> dict[str, float]:
        """Probability of each safety category (the rest is "none")."""
        logits = self._logits(tokens(normalised_text))
        return dict(zip(self.classes, _softmax(logits), strict=True))

    def flagged(self, normalised_text: str) -> Score | None:
        """The most likely safety category when the report is likely enough to be about any
        of them (by that category's review threshold), else None."""
        words = tokens(normalised_text)
        probabilities = _softmax(self._logits(words))
        safety = sum(probabilities)
        index = max(range(len(self.classes)), key=lambda i: probabilities[i])
        category = self.classes[index]
        thresholds = self.thresholds[category]
        if safety < thresholds.review:
            return None
        return Score(category=category, safety_probability=safety, pages=safety >= thresholds.page)

    def _logits(self, words: list[Token]) -> list[float]:
        logits = list(self.bias)
        for name, block in self.blocks.items():
            for i, value in enumerate(block.logits(BLOCKS[name](words))):
                logits[i] += value
        return logits

    def evidence(self, normalised_text: str, *, category: str) -> tuple[tuple[int, int], ...]:
        """Spans of the (up to three) words whose own features weigh most for ``category``,
        so a reviewer sees why the model fired."""
        column = self.classes.index(category) + 1
        first_seen: dict[str, Token] = {}
        for token in tokens(normalised_text):
            first_seen.setdefault(token.word, token)
        weight = {word: self._word_weight(word, column=column) for word in first_seen}
        strongest = sorted((w for w in weight if weight[w] > 0), key=lambda w: -weight[w])
        return tuple(
            sorted((first_seen[w].start, first_seen[w].end) for w in strongest[:_EVIDENCE_WORDS])
        )

    def _word_weight(self, word: str, *, column: int) -> float:
        """What a word's own features (its n-grams and itself) weigh for one class, before
        the text's normalisation, which is the same for every word of a text."""
        chars, words = self.blocks["chars"].table, self.blocks["words"].table
        rows = [chars[gram] for gram in set(char_grams(word)) if gram in chars]
        if word in words:
            rows.append(words[word])
        return sum(row[0] * row[column] for row in rows)


def _thresholds(document: Any) -> dict[str, Thresholds]:
    """Each safety category's thresholds, refused unless 0 < review <= page <= 1."""
    if not isinstance(document, dict) or sorted(document) != sorted(SAFETY_CLASSES):
        found = sorted(document) if isinstance(document, dict) else document
        raise ValueError(f"safety model thresholds must name {SAFETY_CLASSES}, not {found}")
    thresholds: dict[str, Thresholds] = {}
    for category, values in document.items():
        review, page = float(values["review"]), float(values["page"])
        if not 0.0 < review <= page <= 1.0:
            raise ValueError(
                f"safety model thresholds for {category} must satisfy 0 < review ({review}) "
                f"<= page ({page}) <= 1"
            )
        thresholds[category] = Thresholds(review=review, page=page)
    return thresholds


def _row(values: list[float]) -> tuple[float, float, float, float]:
    idf, first, second, third = values
    return (float(idf), float(first), float(second), float(third))


def _softmax(logits: list[float]) -> list[float]:
    """Probabilities of the safety classes; "none" is the reference class with logit 0."""
    top = max(0.0, *logits)
    exps = [math.exp(logit - top) for logit in logits]
    total = math.exp(-top) + sum(exps)
    return [e / total for e in exps]


def load_model(path: Path = MODEL_PATH) -> SafetyModel:
    with gzip.open(path, "rt", encoding="utf-8") as file:
        return SafetyModel.from_document(json.load(file))


@lru_cache(maxsize=1)
def shipped_model() -> SafetyModel:
    """The model shipped with triage, loaded once (call at start-up, not on a report)."""
    return load_model()
