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
