"""The shape of a safety lexicon."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Near:
    first: tuple[str, ...]
    second: tuple[str, ...]
    words: int = 6


@dataclass(frozen=True)
class Lexicon:
    category: str
    queue: str
    phrases: dict[str, tuple[str, ...]]  # language -> phrases
    exclude: tuple[str, ...] = ()
    # Co-occurrence: a phrase of the first list within ``Near.words`` words of one of the
    # second ("nude ... 12 year old"), in either order.
    near: tuple["Near", ...] = ()
    # Categories whose overlapping matches win over this one ("I'll kill myself" is
    # self-harm, never a threat to others).
    yields_to: tuple[str, ...] = field(default_factory=tuple)
    # The second tier: weaker signals (a weapon near "your house", "I'm a burden", an adult
    # asking a child for photos) that are worrying but too ambiguous for P0 on their own.
    # They send the report to a human safety-review queue at P1 as a *possible* match.
    review: dict[str, tuple[str, ...]] = field(default_factory=dict)  # language -> phrases
    review_near: tuple["Near", ...] = ()
    # Reporting, fiction and play: a definite match within ``context_words`` words of one
    # of these ("news about a shooting at the mall", "the song goes 'I'll kill you'", "I'll
    # kill you next round") is demoted to the review tier. A person still sees it (threats
    # are sent as lyrics too), but nobody is woken by a P0.
    context: tuple[str, ...] = ()
    context_words: int = 6
