"""Precision and recall of the safety detectors on a labelled set.

``python -m services.triage.evaluate [path] [--errors]`` reads JSON lines
``{"text": ..., "language": ..., "label": "threat_to_life" | "self_harm" | "child_safety" |
"none"}`` (default: ``tests/data/triage_labelled.jsonl``), classifies each text with the
shipped rules and prints precision, recall and F1 per safety category, overall and per
language. ``--errors`` also lists every miss and false alarm.
"""

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from services.triage.domain import classify
from services.triage.rules import SAFETY_CATEGORIES
from shared.events import Report

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


def predict(text: str) -> str:
    decision = classify(Report(title=text[:500], body=text[500:]))
    return decision.category if decision.category in SAFETY_CATEGORIES else NONE


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
    pairs = [(example, predict(example.text)) for example in examples]
    labels = Counter(example.label for example in examples)
    out = [
        f"{len(examples)} examples: "
        + ", ".join(f"{label} {count}" for label, count in sorted(labels.items())),
        _table("all languages", score(pairs)),
    ]
    for language in sorted({example.language for example in examples}):
        subset = [pair for pair in pairs if pair[0].language == language]
        out.append(_table(f"language {language} ({len(subset)} examples)", score(subset)))
    errors = [(example, predicted) for example, predicted in pairs if predicted != example.label]
    out.append(f"errors: {len(errors)}")
    if show_errors:
        out.extend(
            f"  [{example.language}] expected {example.label}, got {predicted}: {example.text}"
            for example, predicted in errors
        )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_SET)
    parser.add_argument("--errors", action="store_true", help="list every misclassification")
    arguments = parser.parse_args(argv)
    sys.stdout.write(report(load(arguments.path), show_errors=arguments.errors) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
