"""Precision and recall of the safety detectors on a labelled set.

``python -m services.triage.evaluate [path] [--errors]`` reads JSON lines
``{"text": ..., "language": ..., "label": "threat_to_life" | "self_harm" | "child_safety" |
"none"}`` (default: ``tests/data/triage_labelled.jsonl``), classifies each text with the
shipped rules and prints precision, recall and F1 per safety category, overall and per
language, twice: counting only what reaches the category at P0 (definite detections), then
counting review-tier (possible) matches routed to the safety-review queue as caught too;
then, per label, the share of reports that reach a person on a safety queue at all.
``--errors`` also lists every miss and false alarm of the second view, and which examples
were only sent to review. ``--bench`` instead times the classifier (CPU ms per report).
"""

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from services.triage.classifier import shipped_model
from services.triage.detectors import normalise
from services.triage.domain import classify
from services.triage.rules import SAFETY_CATEGORIES, builtin_rules
from shared.events import Priority, Report

DEFAULT_SET = Path(__file__).resolve().parents[2] / "tests" / "data" / "triage_labelled.jsonl"
NONE = "none"


@dataclass(frozen=True)
class Example:
    text: str
    language: str
    label: str


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


def load(path: Path) -> list[Example]:
    examples: list[Example] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        item = json.loads(line)
        label = item["label"]
        if label != NONE and label not in SAFETY_CATEGORIES:
            raise ValueError(f"{path}:{number}: unknown label {label!r}")
        examples.append(Example(text=item["text"], language=item["language"], label=label))
    return examples


def predict(text: str, *, include_review: bool = False) -> str:
    """The safety category ``text`` is caught as, else ``none``: at P0 only, or also as a
    possible match sent to the review queue when ``include_review``."""
    category, priority = predict_tiered(text)
    return category if priority is Priority.P0 or include_review else NONE


def predict_tiered(text: str) -> tuple[str, Priority | None]:
    """(safety category or ``none``, its priority: P0, or P1/P2 when sent to review)."""
    decision = classify(Report(title=text[:500], body=text[500:]))
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


def _table(title: str, scores: list[Score]) -> str:
    lines = [title, f"  {'category':<16}{'precision':>10}{'recall':>8}{'f1':>7}{'support':>9}"]
    for item in scores:
        lines.append(
            f"  {item.category:<16}{item.precision:>10.3f}{item.recall:>8.3f}"
            f"{item.f1:>7.3f}{item.support:>9}"
        )
    return "\n".join(lines)


def report(examples: list[Example], *, show_errors: bool) -> str:
    tiered = [(example, predict_tiered(example.text)) for example in examples]
    views = {
        "caught at P0": [
            (example, category if priority is Priority.P0 else NONE)
            for example, (category, priority) in tiered
        ],
        "caught at P0 or sent to review": [
            (example, category) for example, (category, _) in tiered
        ],
    }
    labels = Counter(example.label for example in examples)
    out = [
        f"{len(examples)} examples: "
        + ", ".join(f"{label} {count}" for label, count in sorted(labels.items()))
    ]
    for view, pairs in views.items():
        out.append(f"== {view} ==")
        out.append(_table("all languages", score(pairs)))
        for language in sorted({example.language for example in examples}):
            subset = [pair for pair in pairs if pair[0].language == language]
            out.append(_table(f"language {language} ({len(subset)} examples)", score(subset)))
    out.append(_reaches_a_person(tiered))
    pairs = views["caught at P0 or sent to review"]
    errors = [(example, predicted) for example, predicted in pairs if predicted != example.label]
    reviewed = [
        (example, category)
        for example, (category, priority) in tiered
        if category != NONE and priority is not Priority.P0
    ]
    out.append(f"errors: {len(errors)}")
    if show_errors:
        out.extend(
            f"  [{example.language}] expected {example.label}, got {predicted}: {example.text}"
            for example, predicted in errors
        )
    out.append(f"sent to review (P1 or P2), not P0: {len(reviewed)}")
    if show_errors:
        out.extend(
            f"  [{example.language}] expected {example.label}, review {category}: {example.text}"
            for example, category in reviewed
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
    paging = (Priority.P0, Priority.P1)
    for label in (*SAFETY_CATEGORIES, NONE):
        priorities = [priority for example, (_, priority) in tiered if example.label == label]
        if priorities:
            name = "none (false alarms)" if label == NONE else label
            queued = sum(priority is not None for priority in priorities)
            paged = sum(priority in paging for priority in priorities)
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
