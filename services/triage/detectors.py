"""Safety detectors: threat to life, self-harm and child safety, in eleven languages.

Text is normalised first and the lexicons' phrases matched on it
(:mod:`services.triage.phrases`), so the evidence quoted in a reason is what the reporter
actually wrote.

Negation does not silence a safety detector: "I'm not going to kill myself" still reaches a
person, with the negation named in the reason. A missed case costs far more than a review.
"""

import re
from dataclasses import dataclass
from typing import Literal

from services.triage.classifier import SafetyModel
from services.triage.lexicons import SAFETY_LEXICONS, Lexicon
from services.triage.lexicons.types import Near
from services.triage.phrases import NormalisedText, PhraseMatcher, normalise

_NEGATIONS = frozenset(
    {
        *("not", "never", "no", "don't", "dont", "didn't", "didnt", "won't", "wont"),
        *("wouldn't", "isn't", "nunca", "jamas", "nao", "tidak", "tak", "bukan"),
        *("gak", "nggak", "ga", "pas", "jamais"),
    }
)
_NEGATION_WINDOW = 3


@dataclass(frozen=True)
class Detection:
    category: str
    queue: str
    evidence: tuple[str, ...]
    negated: tuple[str, ...]
    # "definite": P0 in the category's own queue. "review": a weaker signal, a possible
    # match for a person on the safety-review queue to confirm (P1).
    tier: Literal["definite", "review"] = "definite"
    # Set when the trained classifier, not a lexicon, found it: the probability that the
    # report is about any safety category, and the model's version.
    model_score: float | None = None
    model_version: str | None = None
    # A model detection below the model's paging threshold: queued for review, not paged.
    low_confidence: bool = False


_NearMatchers = tuple[tuple[PhraseMatcher, PhraseMatcher, int], ...]


@dataclass(frozen=True)
class _Compiled:
    include: PhraseMatcher
    exclude: PhraseMatcher | None
    near: _NearMatchers
    review: PhraseMatcher | None
    review_near: _NearMatchers
    context: PhraseMatcher | None


def _near_matchers(near: tuple[Near, ...]) -> _NearMatchers:
    return tuple((PhraseMatcher(n.first), PhraseMatcher(n.second), n.words) for n in near)


_COMPILED: dict[int, _Compiled] = {}


def _compiled(lexicon: Lexicon) -> _Compiled:
    key = id(lexicon)
    if key not in _COMPILED:
        phrases = [phrase for language in lexicon.phrases.values() for phrase in language]
        review = [phrase for language in lexicon.review.values() for phrase in language]
        _COMPILED[key] = _Compiled(
            include=PhraseMatcher(phrases),
            exclude=PhraseMatcher(lexicon.exclude) if lexicon.exclude else None,
            near=_near_matchers(lexicon.near),
            review=PhraseMatcher(review) if review else None,
            review_near=_near_matchers(lexicon.review_near),
            context=PhraseMatcher(lexicon.context) if lexicon.context else None,
        )
    return _COMPILED[key]


def compile_lexicons(lexicons: tuple[Lexicon, ...] = SAFETY_LEXICONS) -> None:
    """Build the matchers now (seconds of CPU) rather than on the first report."""
    for lexicon in lexicons:
        _compiled(lexicon)


_WORD = re.compile(r"\w+")


def _near_spans(
    first: PhraseMatcher, second: PhraseMatcher, words: int, normalised: NormalisedText
) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    seconds = second.spans(normalised)
    if not seconds:
        return spans
    text = normalised.text
    for a in first.spans(normalised):
        for b in seconds:
            gap = text[min(a[1], b[1]) : max(a[0], b[0])]
            if _overlaps(a, [b]) or len(_WORD.findall(gap)) <= words:
                spans.append((min(a[0], b[0]), max(a[1], b[1])))
                break
    return spans


def _overlaps(span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in others)


def _in_context(
    span: tuple[int, int], context: list[tuple[int, int]], words: int, text: str
) -> bool:
    """Whether a context phrase (news, lyrics, a game) overlaps ``span`` or stands within
    ``words`` words of it, on either side."""
    for other in context:
        if _overlaps(span, [other]):
            return True
        gap = text[min(span[1], other[1]) : max(span[0], other[0])]
        if len(_WORD.findall(gap)) <= words:
            return True
    return False


def _negation_before(text: str, start: int) -> str | None:
    words: list[str] = re.findall(r"[\w']+", text[:start])[-_NEGATION_WINDOW:]
    for word in reversed(words):
        if word in _NEGATIONS:
            return word
    return None


def _matched(
    matcher: PhraseMatcher | None, near: _NearMatchers, normalised: NormalisedText
) -> list[tuple[int, int]]:
    spans = matcher.spans(normalised) if matcher is not None else []
    for first, second, words in near:
        found = _near_spans(first, second, words, normalised)
        spans.extend(span for span in found if not _overlaps(span, spans))
    return spans


def _detection(
    lexicon: Lexicon,
    spans: list[tuple[int, int]],
    normalised: NormalisedText,
    tier: Literal["definite", "review"],
) -> Detection:
    evidence = sorted({normalised.quote(start, end) for start, end in spans})
    negated = sorted(
        {
            word
            for start, _ in spans
            if (word := _negation_before(normalised.text, start)) is not None
        }
    )
    return Detection(
        category=lexicon.category,
        queue=lexicon.queue,
        evidence=tuple(evidence),
        negated=tuple(negated),
        tier=tier,
    )


def detect(
    text: str,
    *,
    lexicons: tuple[Lexicon, ...] = SAFETY_LEXICONS,
    normalised: NormalisedText | None = None,
    model: SafetyModel | None = None,
) -> list[Detection]:
    """Every safety category whose lexicon matches ``text``: first the definite detections,
    then the categories with only a review-tier (possible) match, each in lexicon order, then
    the categories no lexicon matched but ``model`` flags for review, most likely first."""
    normalised = normalised or normalise(text)
    definite: dict[str, list[tuple[int, int]]] = {}
    review: dict[str, list[tuple[int, int]]] = {}
    for lexicon in lexicons:
        compiled = _compiled(lexicon)
        spans = _matched(compiled.include, compiled.near, normalised)
        weaker = _matched(compiled.review, compiled.review_near, normalised)
        if compiled.exclude is not None and (spans or weaker):
            excluded = compiled.exclude.spans(normalised)
            spans = [span for span in spans if not _overlaps(span, excluded)]
            weaker = [span for span in weaker if not _overlaps(span, excluded)]
        if compiled.context is not None and spans:
            # Reporting, fiction or play near a definite match: a person reviews it (P1).
            context = compiled.context.spans(normalised)
            words, text = lexicon.context_words, normalised.text
            demoted = [span for span in spans if _in_context(span, context, words, text)]
            if demoted:
                spans = [span for span in spans if span not in demoted]
                weaker = weaker + [span for span in demoted if not _overlaps(span, weaker)]
        definite[lexicon.category] = spans
        review[lexicon.category] = weaker
    detections: list[Detection] = []
    possible: list[Detection] = []
    for lexicon in lexicons:
        spans, weaker = definite[lexicon.category], review[lexicon.category]
        for stronger in lexicon.yields_to:
            stronger_spans = definite.get(stronger, [])
            spans = [span for span in spans if not _overlaps(span, stronger_spans)]
            stronger_spans = stronger_spans + review.get(stronger, [])
            weaker = [span for span in weaker if not _overlaps(span, stronger_spans)]
        if spans:
            detections.append(_detection(lexicon, spans, normalised, "definite"))
        elif weaker:
            possible.append(_detection(lexicon, weaker, normalised, "review"))
    found = detections + possible
    if model is not None:
        found += _model_detections(model, normalised, lexicons=lexicons, found=found)
    return found


def _model_detections(
    model: SafetyModel,
    normalised: NormalisedText,
    *,
    lexicons: tuple[Lexicon, ...],
    found: list[Detection],
) -> list[Detection]:
    """A review-tier detection when the model flags a category the lexicons did not find:
    the paraphrases keyword lists miss. None beside a definite detection: the report is at
    P0 already, and the model's probability would mostly be that detection's."""
    if any(detection.tier == "definite" for detection in found):
        return []
    queues = {lexicon.category: lexicon.queue for lexicon in lexicons}
    score = model.flagged(normalised.text)
    if score is None or score.category not in queues:
        return []
    if score.category in {detection.category for detection in found}:
        return []
    return [
        Detection(
            category=score.category,
            queue=queues[score.category],
            evidence=tuple(
                normalised.quote(start, end)
                for start, end in model.evidence(normalised.text, category=score.category)
            ),
            negated=(),
            tier="review",
            model_score=score.safety_probability,
            model_version=model.version,
            low_confidence=not score.pages,
        )
    ]
