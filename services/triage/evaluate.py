"""Precision and recall of the safety detectors on a labelled set, and who gets paged.

``python -m services.triage.evaluate [path] [--errors]`` reads JSON lines
``{"text": ..., "language": ..., "label": "threat_to_life" | "self_harm" | "child_safety" |
"none"}`` (default: ``tests/data/triage_labelled.jsonl``), optionally with ``"kind":
"user_report" | "support_ticket" | "ops_alert"`` (screened as intake screens that kind by
default: an ops alert by the lexicons' definite phrases only) and ``"explicit": true`` on
``threat_to_life`` rows that are explicit threats of killing. It classifies each text with
the shipped rules and prints precision, recall and F1 per safety category, overall and per
language, twice: counting only what reaches the category at P0 (definite detections), then
counting review-tier (possible) matches routed to the safety-review queue as caught too;
then, per label, the share of reports that reach a person on a safety queue at all.

Then what pages someone (P0, or P1 on the report's own safety category): per safety
category the recall at paging, the P0 recall and the paging precision; for ``none`` the
share paged and the share put on any safety queue; the P0 recall of explicit threats of
killing when rows are marked; all overall, per language and (when rows carry a kind) per
kind; and the issue's targets, met or missed. The exit code is 0: a report, not a gate.

``--errors`` also lists every miss and false alarm of the second view with what was
decided, the safety reports that paged nobody on their category, and which examples were
only sent to review. ``--bench`` instead times the classifier (CPU ms per report).
"""

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from services.triage.classifier import shipped_model
from services.triage.detectors import normalise
from services.triage.domain import SAFETY_REVIEW_QUEUE, Decision, classify
from services.triage.rules import SAFETY_CATEGORIES, builtin_rules
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


# --- printing --------------------------------------------------------------------------


def _table(title: str, scores: list[Score]) -> str:
    lines = [title, f"  {'category':<16}{'precision':>10}{'recall':>8}{'f1':>7}{'support':>9}"]
    for item in scores:
        lines.append(
            f"  {item.category:<16}{item.precision:>10.3f}{item.recall:>8.3f}"
            f"{item.f1:>7.3f}{item.support:>9}"
        )
    return "\n".join(lines)


def _fraction(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}".replace("%", " %")


def _measure_table(item: Measure) -> str:
    lines = [
        f"{item.scope} ({item.size} examples)",
        f"  {'category':<16}{'recall at paging':>17}{'P0 recall':>11}"
        f"{'paging precision':>18}{'support':>9}",
    ]
    lines.extend(
        f"  {row.category:<16}{_fraction(row.recall_at_paging):>17}"
        f"{_fraction(row.p0_recall):>11}{_fraction(row.paging_precision):>18}{row.support:>9}"
        for row in item.categories
    )
    benign = item.benign
    if benign.total:
        lines.append(
            f"  none: paged {benign.paged}/{benign.total} ({_percent(benign.paged_share)}), "
            f"on a safety queue {benign.on_safety_queue}/{benign.total} "
            f"({_percent(benign.queued_share)})"
        )
    else:
        lines.append("  none: no examples")
    if item.explicit is not None:
        lines.append(
            f"  explicit threats of killing: P0 recall {item.explicit.at_p0}/"
            f"{item.explicit.total} ({_fraction(item.explicit.p0_recall)})"
        )
    return "\n".join(lines)


def _paging(figures: Breakdown) -> str:
    out = [
        "== paging: P0, or P1 on the report's own safety category "
        "(none: P0/P1 in any safety category) ==",
        _measure_table(figures.overall),
    ]
    out.extend(_measure_table(item) for item in (*figures.by_language, *figures.by_kind))
    if figures.ops_alerts is not None:
        ops = figures.ops_alerts
        out.append(
            f"ops alerts on a safety queue: {ops.on_safety_queue} (of {ops.total} labelled none)"
        )
    return "\n".join(out)


def _target_value(target: Target, value: float | None) -> str:
    if target.style == "count":
        return "-" if value is None else str(int(value))
    return _percent(value) if target.style == "percent" else _fraction(value)


def _targets_block(found: Sequence[Target]) -> str:
    lines = ["== targets ==", f"  {'target':<40}{'value':>8}{'bound':>12}  result"]
    for target in found:
        bound = (">= " if target.at_least else "<= ") + _target_value(target, target.bound)
        result = {True: "met", False: "missed", None: "not measured"}[target.met]
        lines.append(
            f"  {target.name:<40}{_target_value(target, target.value):>8}{bound:>12}  "
            f"{result} ({target.detail})"
        )
    measured = [target for target in found if target.met is not None]
    lines.append(
        f"targets met: {sum(bool(target.met) for target in measured)} of {len(measured)} "
        f"measured ({len(found) - len(measured)} not measured)"
    )
    return "\n".join(lines)


def _tag(example: Example) -> str:
    return f"[{example.language} {example.kind}]" if example.kind else f"[{example.language}]"


def _decided(row: Decided) -> str:
    return f"decided {row.priority.value} {row.category}, queue {row.queue}"


def report(examples: list[Example], *, show_errors: bool) -> str:
    rows = [decide_example(example) for example in examples]
    labels = Counter(example.label for example in examples)
    figures = breakdown(rows)
    return "\n".join(
        [
            f"{len(examples)} examples: "
            + ", ".join(f"{label} {count}" for label, count in sorted(labels.items())),
            _precision_recall(rows),
            _reaches_a_person(
                [(row.example, (row.safety_category, row.safety_priority)) for row in rows]
            ),
            _paging(figures),
            _listings(rows, show_errors=show_errors),
            _targets_block(targets(figures)),
        ]
    )


def _precision_recall(rows: Sequence[Decided]) -> str:
    """Precision, recall and F1 overall and per language, at P0 then at P0 or review."""
    views = {
        "caught at P0": [
            (row.example, row.safety_category if row.priority is Priority.P0 else NONE)
            for row in rows
        ],
        "caught at P0 or sent to review": [(row.example, row.safety_category) for row in rows],
    }
    out: list[str] = []
    for view, pairs in views.items():
        out.append(f"== {view} ==")
        out.append(_table("all languages", score(pairs)))
        for language in sorted({row.example.language for row in rows}):
            subset = [pair for pair in pairs if pair[0].language == language]
            out.append(_table(f"language {language} ({len(subset)} examples)", score(subset)))
    return "\n".join(out)


def _listings(rows: Sequence[Decided], *, show_errors: bool) -> str:
    """How many errors (of the P0-or-review view), safety reports paging nobody on their
    category and reports only sent to review; each one listed when ``show_errors``."""
    errors = [row for row in rows if row.safety_category != row.example.label]
    unpaged = [
        row for row in rows if row.example.label != NONE and not row.pages_as(row.example.label)
    ]
    reviewed = [
        row for row in rows if row.safety_category != NONE and row.priority is not Priority.P0
    ]
    out = [f"errors: {len(errors)}"]
    if show_errors:
        out.extend(
            f"  {_tag(row.example)} expected {row.example.label}, got {row.safety_category} "
            f"({_decided(row)}): {row.example.text}"
            for row in errors
        )
    out.append(f"safety reports not paged on their category: {len(unpaged)}")
    if show_errors:
        out.extend(
            f"  {_tag(row.example)} {row.example.label} not paged ({_decided(row)}): "
            f"{row.example.text}"
            for row in unpaged
        )
    out.append(f"sent to review (P1 or P2), not P0: {len(reviewed)}")
    if show_errors:
        out.extend(
            f"  {_tag(row.example)} expected {row.example.label}, review "
            f"{row.safety_category}: {row.example.text}"
            for row in reviewed
        )
    return "\n".join(out)


def _reaches_a_person(tiered: list[tuple[Example, tuple[str, Priority | None]]]) -> str:
    """Per label, how many reports reach a person on a safety queue (at P0 or for review,
    under any safety category), and how many of those page someone (P0 or P1): for a safety
    label that is what "not missed" means; for ``none`` it is the false-alarm load."""
    lines = [
        "== reaches a person on a safety queue (any safety category, P0 or review) ==",
        f"  {'label':<20}{'queued':>11}{'share':>7}{'paged':>7}",
    ]
    for label in (*SAFETY_CATEGORIES, NONE):
        priorities = [priority for example, (_, priority) in tiered if example.label == label]
        if priorities:
            name = "none (false alarms)" if label == NONE else label
            queued = sum(priority is not None for priority in priorities)
            paged = sum(priority in PAGING for priority in priorities)
            lines.append(
                f"  {name:<20}{queued:>5}/{len(priorities):<5}"
                f"{queued / len(priorities):>7.3f}{paged:>7}"
            )
    return "\n".join(lines)


def bench_reports(count: int = 500) -> list[Report]:
    """Benchmark-like reports (about 300 characters): half support, half a threat."""
    reports: list[Report] = []
    for number in range(count // 2):
        reports.append(
            Report(
                title=f"I was charged twice, order {number}",
                body="Threatening messages since this morning, screenshots attached. " * 4,
            )
        )
        reports.append(
            Report(
                title="He says he is going to kill me tonight",
                body=f"User {number} keeps sending messages about where I live, please help, "
                "it is getting worse. " * 3,
            )
        )
    return reports


def bench(*, count: int = 500, repeats: int = 7) -> str:
    """CPU time per report of :func:`classify`, and of the safety classifier alone within
    it: the best and the median of ``repeats`` runs (the best is the least disturbed by
    other work on the machine), and the classifier's share of the best run."""
    ruleset = builtin_rules()
    model = shipped_model()
    reports = bench_reports(count)
    whole = _cpu_ms_per_report(lambda item: classify(item, ruleset=ruleset), reports, repeats)
    alone = _cpu_ms_per_report(
        lambda item: model.flagged(normalise(f"{item.title}\n{item.body}").text), reports, repeats
    )
    return "\n".join(
        [
            f"classify: {len(reports)} reports x {repeats} runs, CPU ms/report: "
            f"best {whole[0]:.3f}, median {whole[len(whole) // 2]:.3f}",
            f"of which the safety classifier: best {alone[0]:.3f}, median "
            f"{alone[len(alone) // 2]:.3f} ({alone[0] / whole[0]:.0%} of classify)",
        ]
    )


def _cpu_ms_per_report(
    work: Callable[[Report], object], reports: list[Report], repeats: int
) -> list[float]:
    for item in reports[:20]:
        work(item)
    runs: list[float] = []
    for _ in range(repeats):
        started = time.process_time()
        for item in reports:
            work(item)
        runs.append((time.process_time() - started) * 1000 / len(reports))
    return sorted(runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_SET)
    parser.add_argument("--errors", action="store_true", help="list every misclassification")
    parser.add_argument(
        "--bench", action="store_true", help="time classify on benchmark-like reports instead"
    )
    arguments = parser.parse_args(argv)
    if arguments.bench:
        sys.stdout.write(bench() + "\n")
        return 0
    sys.stdout.write(report(load(arguments.path), show_errors=arguments.errors) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
