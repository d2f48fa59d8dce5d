"""Labelled triage sets and what they measure: loading them, deciding each report as
triage would (screened as intake screens its kind), and the figures of who gets paged
(recall at paging, P0 recall, paging precision, benign load) with the targets they are
held to. Pure over decided rows; printed by :mod:`services.triage.quality_report`."""

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from services.triage.domain import SAFETY_REVIEW_QUEUE, Decision
from services.triage.rules import SAFETY_CATEGORIES
from services.triage.shipped import classify
from shared.events import Priority, ProseSpan, Report, Screening

DEFAULT_SET = Path(__file__).resolve().parents[2] / "tests" / "data" / "triage_labelled.jsonl"
NONE = "none"
EXPLICIT_LABEL = "threat_to_life"
OPS_ALERT = "ops_alert"
PAGING = (Priority.P0, Priority.P1)
SAFETY_QUEUES = frozenset({*SAFETY_CATEGORIES.values(), SAFETY_REVIEW_QUEUE})

_WHOLE_REPORT = (ProseSpan(field="title"), ProseSpan(field="body"))
# Each kind screened as intake screens it by default (services/intake/domain.py,
# DEFAULT_SAFETY_SCREENING): a person wrote a user report (generic) or a support ticket
# (zendesk, email), read fully; an ops alert (alertmanager, pagerduty) is read by the
# lexicons' definite phrases only, and takes its priority from its severity (none here).
KIND_SCREENING: dict[str, Screening] = {
    "user_report": Screening(safety="full", prose=_WHOLE_REPORT),
    "support_ticket": Screening(safety="full", prose=_WHOLE_REPORT),
    OPS_ALERT: Screening(safety="definite_only", prose=_WHOLE_REPORT, alert=True),
}

# The targets.
RECALL_AT_PAGING_TARGET = 0.98  # per safety category
EXPLICIT_P0_RECALL_TARGET = 0.9
BENIGN_PAGED_TARGET = 0.005
BENIGN_QUEUED_TARGET = 0.05
OPS_ALERTS_QUEUED_TARGET = 0


@dataclass(frozen=True)
class Example:
    text: str
    language: str
    label: str
    kind: str | None = None
    explicit: bool = False


@dataclass(frozen=True)
class Score:
    category: str
    true_positives: int
    false_positives: int
    false_negatives: int
    support: int

    @property
    def precision(self) -> float:
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.support if self.support else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


@dataclass(frozen=True)
class Decided:
    """An example and what triage decided for it."""

    example: Example
    category: str
    priority: Priority
    queue: str

    @property
    def safety_category(self) -> str:
        """The safety category it was decided under, else ``none``."""
        return self.category if self.category in SAFETY_CATEGORIES else NONE

    @property
    def safety_priority(self) -> Priority | None:
        """Its priority when under a safety category (P0, or P1/P2 in review), else None."""
        return self.priority if self.safety_category != NONE else None

    @property
    def paged(self) -> bool:
        """Someone is paged for it as a safety report: P0 or P1 in a safety category."""
        return self.safety_category != NONE and self.priority in PAGING

    @property
    def on_safety_queue(self) -> bool:
        """It reaches a safety queue (any safety category or queue, any priority)."""
        return self.safety_category != NONE or self.queue in SAFETY_QUEUES

    def pages_as(self, category: str) -> bool:
        return self.paged and self.category == category

    def at_p0_as(self, category: str) -> bool:
        return self.priority is Priority.P0 and self.category == category


@dataclass(frozen=True)
class CategoryPaging:
    """One safety category: of its ``support`` rows, how many paged on it (P0 or P1 on
    it) and how many reached it at P0; ``paged_as``: rows of any label paged on it."""

    category: str
    support: int
    paged: int
    at_p0: int
    paged_as: int

    @property
    def recall_at_paging(self) -> float | None:
        return _ratio(self.paged, self.support)

    @property
    def p0_recall(self) -> float | None:
        return _ratio(self.at_p0, self.support)

    @property
    def paging_precision(self) -> float | None:
        return _ratio(self.paged, self.paged_as)


@dataclass(frozen=True)
class BenignLoad:
    """Of ``total`` rows labelled ``none``: how many paged someone as a safety report, and
    how many reached any safety queue at any priority."""

    total: int
    paged: int
    on_safety_queue: int

    @property
    def paged_share(self) -> float | None:
        return _ratio(self.paged, self.total)

    @property
    def queued_share(self) -> float | None:
        return _ratio(self.on_safety_queue, self.total)


@dataclass(frozen=True)
class ExplicitThreats:
    """Of ``total`` explicit threats of killing, how many reached threat_to_life at P0."""

    total: int
    at_p0: int

    @property
    def p0_recall(self) -> float | None:
        return _ratio(self.at_p0, self.total)


@dataclass(frozen=True)
class Measure:
    """The paging figures of one scope (all rows, a language, a kind); ``explicit`` is None
    when no row of the file is marked explicit."""

    scope: str
    size: int
    categories: tuple[CategoryPaging, ...]
    benign: BenignLoad
    explicit: ExplicitThreats | None


@dataclass(frozen=True)
class Breakdown:
    """The figures overall, per language and per kind (empty when no row has a kind), and
    the ops alerts labelled ``none`` (None when there are none)."""

    overall: Measure
    by_language: tuple[Measure, ...]
    by_kind: tuple[Measure, ...]
    ops_alerts: BenignLoad | None


@dataclass(frozen=True)
class Target:
    """One of the issue's targets: ``value`` at least (or at most) ``bound``; ``value`` None
    when the file cannot measure it (``detail`` says why), else ``detail`` gives counts."""

    name: str
    value: float | None
    bound: float
    at_least: bool
    detail: str
    style: Literal["ratio", "percent", "count"] = "ratio"

    @property
    def met(self) -> bool | None:
        if self.value is None:
            return None
        return self.value >= self.bound if self.at_least else self.value <= self.bound


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def load(path: Path) -> list[Example]:
    examples: list[Example] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        item = json.loads(line)
        label = item["label"]
        if label != NONE and label not in SAFETY_CATEGORIES:
            raise ValueError(f"{path}:{number}: unknown label {label!r}")
        kind = item.get("kind")
        if kind is not None and kind not in KIND_SCREENING:
            raise ValueError(f"{path}:{number}: unknown kind {kind!r}")
        explicit = item.get("explicit", False)
        if not isinstance(explicit, bool):
            raise ValueError(f"{path}:{number}: explicit must be true or false")
        if explicit and label != EXPLICIT_LABEL:
            raise ValueError(f"{path}:{number}: explicit is only for {EXPLICIT_LABEL} rows")
        examples.append(
            Example(
                text=item["text"],
                language=item["language"],
                label=label,
                kind=kind,
                explicit=explicit,
            )
        )
    return examples


def _classify(text: str, *, kind: str | None = None) -> Decision:
    screening = KIND_SCREENING[kind] if kind is not None else None
    return classify(Report(title=text[:500], body=text[500:], screening=screening))


def decide_example(example: Example) -> Decided:
    """What triage decides for ``example``, screened as its kind is."""
    decision = _classify(example.text, kind=example.kind)
    return Decided(
        example=example,
        category=decision.category,
        priority=decision.priority,
        queue=decision.queue,
    )


def predict(text: str, *, include_review: bool = False) -> str:
    """The safety category ``text`` is caught as, else ``none``: at P0 only, or also as a
    possible match sent to the review queue when ``include_review``."""
    category, priority = predict_tiered(text)
    return category if priority is Priority.P0 or include_review else NONE


def predict_tiered(text: str) -> tuple[str, Priority | None]:
    """(safety category or ``none``, its priority: P0, or P1/P2 when sent to review)."""
    decision = _classify(text)
    if decision.category not in SAFETY_CATEGORIES:
        return NONE, None
    return decision.category, decision.priority


def score(pairs: list[tuple[Example, str]]) -> list[Score]:
    scores: list[Score] = []
    for category in SAFETY_CATEGORIES:
        counts: Counter[str] = Counter()
        for example, predicted in pairs:
            if predicted == category and example.label == category:
                counts["tp"] += 1
            elif predicted == category:
                counts["fp"] += 1
            elif example.label == category:
                counts["fn"] += 1
        scores.append(
            Score(
                category=category,
                true_positives=counts["tp"],
                false_positives=counts["fp"],
                false_negatives=counts["fn"],
                support=sum(1 for example, _ in pairs if example.label == category),
            )
        )
    return scores


# --- who gets paged: pure figures of decided rows ------------------------------------------


def category_paging(rows: Sequence[Decided], *, category: str) -> CategoryPaging:
    labelled = [row for row in rows if row.example.label == category]
    return CategoryPaging(
        category=category,
        support=len(labelled),
        paged=sum(row.pages_as(category) for row in labelled),
        at_p0=sum(row.at_p0_as(category) for row in labelled),
        paged_as=sum(row.pages_as(category) for row in rows),
    )


def benign_load(rows: Sequence[Decided]) -> BenignLoad:
    benign = [row for row in rows if row.example.label == NONE]
    return BenignLoad(
        total=len(benign),
        paged=sum(row.paged for row in benign),
        on_safety_queue=sum(row.on_safety_queue for row in benign),
    )


def explicit_threats(rows: Sequence[Decided]) -> ExplicitThreats:
    marked = [row for row in rows if row.example.explicit]
    return ExplicitThreats(
        total=len(marked), at_p0=sum(row.at_p0_as(EXPLICIT_LABEL) for row in marked)
    )


def measure(rows: Sequence[Decided], *, scope: str, with_explicit: bool) -> Measure:
    return Measure(
        scope=scope,
        size=len(rows),
        categories=tuple(category_paging(rows, category=name) for name in SAFETY_CATEGORIES),
        benign=benign_load(rows),
        explicit=explicit_threats(rows) if with_explicit else None,
    )


def breakdown(rows: Sequence[Decided]) -> Breakdown:
    with_explicit = any(row.example.explicit for row in rows)
    languages = sorted({row.example.language for row in rows})
    has_kind = any(row.example.kind is not None for row in rows)
    kinds = sorted({row.example.kind or "unspecified" for row in rows}) if has_kind else []
    ops = [row for row in rows if row.example.kind == OPS_ALERT]
    return Breakdown(
        overall=measure(rows, scope="all languages", with_explicit=with_explicit),
        by_language=tuple(
            measure(
                [row for row in rows if row.example.language == language],
                scope=f"language {language}",
                with_explicit=with_explicit,
            )
            for language in languages
        ),
        by_kind=tuple(
            measure(
                [row for row in rows if (row.example.kind or "unspecified") == kind],
                scope=f"kind {kind}",
                with_explicit=with_explicit,
            )
            for kind in kinds
        ),
        ops_alerts=benign_load(ops) if ops else None,
    )


def targets(figures: Breakdown) -> tuple[Target, ...]:
    overall = figures.overall
    found: list[Target] = [
        Target(
            name=f"recall at paging, {item.category}",
            value=item.recall_at_paging,
            bound=RECALL_AT_PAGING_TARGET,
            at_least=True,
            detail=f"{item.paged}/{item.support}" if item.support else f"no {item.category} row",
        )
        for item in overall.categories
    ]
    explicit = overall.explicit
    found.append(
        Target(
            name="explicit threats of killing: P0 recall",
            value=explicit.p0_recall if explicit is not None else None,
            bound=EXPLICIT_P0_RECALL_TARGET,
            at_least=True,
            detail=(
                f"{explicit.at_p0}/{explicit.total}"
                if explicit is not None
                else "no row has explicit: true"
            ),
        )
    )
    benign = overall.benign
    no_benign = "no row labelled none"
    found.append(
        Target(
            name="benign paged",
            value=benign.paged_share,
            bound=BENIGN_PAGED_TARGET,
            at_least=False,
            detail=f"{benign.paged}/{benign.total}" if benign.total else no_benign,
            style="percent",
        )
    )
    found.append(
        Target(
            name="benign on any safety queue",
            value=benign.queued_share,
            bound=BENIGN_QUEUED_TARGET,
            at_least=False,
            detail=f"{benign.on_safety_queue}/{benign.total}" if benign.total else no_benign,
            style="percent",
        )
    )
    ops = figures.ops_alerts
    found.append(
        Target(
            name="ops alerts on a safety queue",
            value=float(ops.on_safety_queue) if ops is not None else None,
            bound=OPS_ALERTS_QUEUED_TARGET,
            at_least=False,
            detail=(
                f"{ops.on_safety_queue} of {ops.total} labelled none"
                if ops is not None
                else f"no row has kind: {OPS_ALERT} and label none"
            ),
            style="count",
        )
    )
    return tuple(found)
